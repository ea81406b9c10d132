#include "Blend.h"

static uint8_t mix(uint8_t x, uint8_t y, uint8_t t) { return (uint8_t)((x * (255 - t) + y * t) / 255); }

LedRgb blend(LedRgb a, LedRgb b, uint8_t amount) {
  return ledstrip_rgb(mix(a.r, b.r, amount), mix(a.g, b.g, amount), mix(a.b, b.b, amount));
}
