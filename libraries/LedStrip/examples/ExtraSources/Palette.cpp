#include "Palette.h"

static const LedRgb kOcean[4] = {{0, 0, 64}, {0, 64, 128}, {0, 160, 160}, {128, 255, 255}};

static uint8_t blend8(uint8_t a, uint8_t b, uint8_t t) { return (uint8_t)(a + (((int)b - a) * t >> 8)); }

LedRgb paletteColor(uint8_t index) {
  const LedRgb &lo = kOcean[index >> 6];
  const LedRgb &hi = kOcean[((index >> 6) + 1) & 3];
  const uint8_t t = (uint8_t)((index & 63) << 2);
  return ledstrip_rgb(blend8(lo.r, hi.r, t), blend8(lo.g, hi.g, t), blend8(lo.b, hi.b, t));
}
