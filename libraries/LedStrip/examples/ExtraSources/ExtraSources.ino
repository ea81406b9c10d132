// ExtraSources: the sketch folder has its own .cpp and .h (Palette), compiled as separate units.
#include <LedStrip.h>
#include "Palette.h"

#define NUM_LEDS 16

LedRgb pixels[NUM_LEDS];
LedStrip strip(6, pixels, NUM_LEDS);

void setup() {
  Serial.begin(115200);
  strip.begin();
  Serial.println(F("ExtraSources"));
}

void loop() {
  for (uint16_t i = 0; i < NUM_LEDS; i++) strip.set(i, paletteColor((uint8_t)(i * 16 + strip.frames() * 8)));
  strip.show();
  strip.report(Serial);
}
