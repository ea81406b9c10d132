#include <Arduino.h>

#include "color.h"

/* Gamma 2.0 in 17 steps, interpolated; kept in flash on AVR. */
static const uint8_t gammaSteps[17] PROGMEM = {0, 1, 4, 9, 16, 25, 36, 49, 64, 81, 100, 121, 144, 169, 196, 225, 255};

LedRgb ledstrip_rgb(uint8_t r, uint8_t g, uint8_t b) {
  LedRgb c;
  c.r = r;
  c.g = g;
  c.b = b;
  return c;
}

static uint8_t scale8(uint8_t x, uint8_t scale) { return (uint8_t)(((uint16_t)x * (uint16_t)(scale + 1)) >> 8); }

LedRgb ledstrip_hsv(uint8_t h, uint8_t s, uint8_t v) {
  uint8_t region = h / 43;
  uint8_t rem = (uint8_t)((h - region * 43) * 6);
  uint8_t p = scale8(v, (uint8_t)(255 - s));
  uint8_t q = scale8(v, (uint8_t)(255 - scale8(s, rem)));
  uint8_t t = scale8(v, (uint8_t)(255 - scale8(s, (uint8_t)(255 - rem))));
  switch (region) {
    case 0: return ledstrip_rgb(v, t, p);
    case 1: return ledstrip_rgb(q, v, p);
    case 2: return ledstrip_rgb(p, v, t);
    case 3: return ledstrip_rgb(p, q, v);
    case 4: return ledstrip_rgb(t, p, v);
    default: return ledstrip_rgb(v, p, q);
  }
}

uint8_t ledstrip_gamma(uint8_t level) {
  uint8_t i = level >> 4;
  uint8_t lo = pgm_read_byte(&gammaSteps[i]);
  uint8_t hi = pgm_read_byte(&gammaSteps[i + 1]);
  return (uint8_t)(lo + (((uint16_t)(hi - lo) * (level & 15)) >> 4));
}

uint8_t ledstrip_crc8(uint8_t crc, const uint8_t *data, uint16_t length) {
  while (length--) {
    uint8_t i;
    crc ^= *data++;
    for (i = 0; i < 8; i++) crc = (uint8_t)((crc & 0x80) ? (crc << 1) ^ 0x07 : crc << 1);
  }
  return crc;
}
