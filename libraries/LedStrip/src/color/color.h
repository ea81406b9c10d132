/* Colour helpers, written in C (the library's one C translation unit). */
#ifndef LEDSTRIP_COLOR_H
#define LEDSTRIP_COLOR_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct LedRgb {
  uint8_t r;
  uint8_t g;
  uint8_t b;
} LedRgb;

LedRgb ledstrip_rgb(uint8_t r, uint8_t g, uint8_t b);
/* Hue 0..255 around the wheel, saturation and value 0..255. */
LedRgb ledstrip_hsv(uint8_t h, uint8_t s, uint8_t v);
uint8_t ledstrip_gamma(uint8_t level);
uint8_t ledstrip_crc8(uint8_t crc, const uint8_t *data, uint16_t length);

#ifdef __cplusplus
}
#endif

#endif
