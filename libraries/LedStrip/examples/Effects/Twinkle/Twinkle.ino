// Effects/Twinkle: random twinkles (a nested example: examples/Effects/Twinkle).
#include <LedStrip.h>
#include <effects/Twinkle.h>

#define NUM_LEDS 24

LedRgb pixels[NUM_LEDS];
LedStrip strip(6, pixels, NUM_LEDS);

void setup() {
  Serial.begin(115200);
  randomSeed(7);
  strip.begin();
  Serial.println(F("Twinkle"));
}

void loop() {
  twinkle(strip, 200);
  strip.show();
  strip.report(Serial);
  delay(30);
}
