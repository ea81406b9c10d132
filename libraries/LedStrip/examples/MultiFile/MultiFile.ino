// MultiFile: a sketch of two .ino files. Pattern.ino is appended after this one and defines
// drawPattern(), used here without a declaration.
#include <LedStrip.h>

#define NUM_LEDS 12

LedRgb pixels[NUM_LEDS];
LedStrip strip(6, pixels, NUM_LEDS);

void setup() {
  Serial.begin(115200);
  strip.begin();
  Serial.println(F("MultiFile"));
}

void loop() {
  drawPattern(strip, strip.frames());
  strip.show();
  strip.report(Serial);
}
