#include "Twinkle.h"

void twinkle(LedStrip &strip, uint8_t chance) {
  strip.fade(32);
  if (random(255) < chance) {
    uint16_t i = (uint16_t)random(strip.size());
    strip.setHsv(i, (uint8_t)random(256), 160, 255);
  }
}
