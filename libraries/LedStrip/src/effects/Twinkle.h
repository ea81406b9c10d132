#ifndef LEDSTRIP_EFFECTS_TWINKLE_H
#define LEDSTRIP_EFFECTS_TWINKLE_H

#include "../LedStrip.h"

// Fades every pixel a little, then lights a random one with probability chance/255.
void twinkle(LedStrip &strip, uint8_t chance);

#endif
