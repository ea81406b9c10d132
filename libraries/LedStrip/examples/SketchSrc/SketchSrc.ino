// SketchSrc: code in the sketch's src/ folder (compiled recursively, included as "src/...").
#include <LedStrip.h>
#include "src/Blend/Blend.h"

#define NUM_LEDS 10

LedRgb pixels[NUM_LEDS];
LedStrip strip(6, pixels, NUM_LEDS);

void setup() {
  Serial.begin(115200);
  strip.begin();
  Serial.println(F("SketchSrc"));
}

void loop() {
  const uint8_t t = (uint8_t)(strip.frames() * 50);
  for (uint16_t i = 0; i < NUM_LEDS; i++) strip.set(i, blend(ledstrip_rgb(255, 0, 0), ledstrip_rgb(0, 0, 255), t));
  strip.show();
  strip.report(Serial);
}
