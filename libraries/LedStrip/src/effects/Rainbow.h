#ifndef LEDSTRIP_EFFECTS_RAINBOW_H
#define LEDSTRIP_EFFECTS_RAINBOW_H

#include "../LedStrip.h"

// Fills the strip with a rainbow starting at startHue, deltaHue apart.
void rainbow(LedStrip &strip, uint8_t startHue, uint8_t deltaHue);

#endif
