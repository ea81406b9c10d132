#include "Rainbow.h"

void rainbow(LedStrip &strip, uint8_t startHue, uint8_t deltaHue) {
  uint8_t hue = startHue;
  for (uint16_t i = 0; i < strip.size(); i++) {
    strip.setHsv(i, hue, 240, 255);
    hue = (uint8_t)(hue + deltaHue);
  }
}
