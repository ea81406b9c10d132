// @filter: (memory is large)
// LargeMatrix: a 64x64 matrix, 12 KB of pixels: more RAM than an Uno has (2 KB), so the @filter line
// above keeps it off low-memory boards; it builds and runs on native.
#include <LedStrip.h>
#include <effects/Rainbow.h>

#define WIDTH 64
#define HEIGHT 64
#define NUM_LEDS (WIDTH * HEIGHT)

LedRgb pixels[NUM_LEDS];
LedStrip strip(6, pixels, NUM_LEDS);

void setup() {
  Serial.begin(115200);
  strip.begin();
  Serial.print(F("LargeMatrix "));
  Serial.println(NUM_LEDS);
}

void loop() {
  rainbow(strip, (uint8_t)strip.frames(), 1);
  strip.show();
  strip.report(Serial);
}
