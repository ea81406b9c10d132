#ifndef PALETTE_H
#define PALETTE_H

#include <LedStrip.h>

// Ocean palette: 4 entries, blended.
LedRgb paletteColor(uint8_t index);

#endif
