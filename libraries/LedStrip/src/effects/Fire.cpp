#include "Fire.h"

Fire::Fire(LedStrip &strip, uint8_t *heat, uint8_t cooling, uint8_t sparking)
    : strip_(strip), heat_(heat), cooling_(cooling), sparking_(sparking) {}

static LedRgb heatColor(uint8_t t) {
  if (t < 85) return ledstrip_rgb((uint8_t)(t * 3), 0, 0);
  if (t < 170) return ledstrip_rgb(255, (uint8_t)((t - 85) * 3), 0);
  return ledstrip_rgb(255, 255, (uint8_t)((t - 170) * 3));
}

void Fire::step() {
  const uint16_t n = strip_.size();
  if (n == 0) return;
  const long cool = (long)cooling_ * 10 / n + 2;
  for (uint16_t i = 0; i < n; i++) {
    long c = random(0, cool);
    heat_[i] = heat_[i] > c ? (uint8_t)(heat_[i] - c) : 0;
  }
  if (n >= 3)
    for (uint16_t k = n - 1; k >= 2; k--)
      heat_[k] = (uint8_t)((heat_[k - 1] + heat_[k - 2] * 2) / 3);
  if (random(255) < sparking_) {
    uint8_t y = (uint8_t)random(0, n < 7 ? n : 7);
    uint16_t h = (uint16_t)(heat_[y] + random(160, 255));
    heat_[y] = h > 255 ? 255 : (uint8_t)h;
  }
  for (uint16_t j = 0; j < n; j++) strip_.set(j, heatColor(heat_[j]));
}
