// Prototypes: loop() calls functions that are defined below it, without declaring them first;
// the sketch preprocessor must generate their prototypes (after the #include, since they use LedRgb).
#include <LedStrip.h>

LedRgb pixels[8];
LedStrip strip(6, pixels, 8);

void setup() {
  Serial.begin(115200);
  strip.begin();
  Serial.println(F("Prototypes"));
}

void loop() {
  LedRgb c = nextColor(strip.frames());
  strip.fill(c);
  strip.show();
  printPixel(c);
  delay(10);
}

LedRgb nextColor(uint32_t frame) {
  return ledstrip_hsv((uint8_t)(frame * 32), 255, 255);
}

void printPixel(const LedRgb &c) {
  Serial.print(c.r);
  Serial.print(',');
  Serial.print(c.g);
  Serial.print(',');
  Serial.println(c.b);
}
