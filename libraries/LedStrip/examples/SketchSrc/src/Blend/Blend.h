#ifndef SKETCHSRC_BLEND_H
#define SKETCHSRC_BLEND_H

#include <LedStrip.h>

LedRgb blend(LedRgb a, LedRgb b, uint8_t amount);

#endif
