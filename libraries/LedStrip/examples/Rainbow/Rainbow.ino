// Rainbow: a moving rainbow on a 30-pixel strip.
#include <LedStrip.h>
#include <effects/Rainbow.h>

#define NUM_LEDS 30

LedRgb pixels[NUM_LEDS];
LedStrip strip(6, pixels, NUM_LEDS);
uint8_t hue = 0;

void setup() {
  Serial.begin(115200);
  strip.begin();
  Serial.println(F("Rainbow"));
}

void loop() {
  rainbow(strip, hue, 255 / NUM_LEDS);
  strip.show();
  strip.report(Serial);
  hue += 4;
  delay(20);
}
