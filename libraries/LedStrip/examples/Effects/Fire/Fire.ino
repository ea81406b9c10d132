// Effects/Fire: a flame on a 20-pixel strip (a nested example: examples/Effects/Fire).
#include <LedStrip.h>
#include <effects/Fire.h>

#define NUM_LEDS 20

LedRgb pixels[NUM_LEDS];
uint8_t heat[NUM_LEDS];
LedStrip strip(6, pixels, NUM_LEDS);
Fire fire(strip, heat);

void setup() {
  Serial.begin(115200);
  randomSeed(42);
  strip.begin();
  Serial.println(F("Fire"));
}

void loop() {
  fire.step();
  strip.show();
  strip.report(Serial);
  delay(16);
}
