// Blink: the built-in LED and a one-pixel strip, on and off.
#include <LedStrip.h>

LedRgb pixel[1];
LedStrip strip(6, pixel, 1);
bool on = false;

void setup() {
  Serial.begin(9600);
  pinMode(LED_BUILTIN, OUTPUT);
  strip.begin();
  Serial.println(F("Blink " LEDSTRIP_VERSION));
}

void loop() {
  on = !on;
  digitalWrite(LED_BUILTIN, on ? HIGH : LOW);
  strip.fill(on ? ledstrip_rgb(255, 255, 255) : ledstrip_rgb(0, 0, 0));
  strip.show();
  Serial.println(on ? "on" : "off");
  delay(500);
}
