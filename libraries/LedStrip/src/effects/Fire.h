#ifndef LEDSTRIP_EFFECTS_FIRE_H
#define LEDSTRIP_EFFECTS_FIRE_H

#include "../LedStrip.h"

// Fire2012-style flame: heat cools, drifts up and sparks at the bottom. heat has strip.size() cells.
class Fire {
 public:
  Fire(LedStrip &strip, uint8_t *heat, uint8_t cooling = 55, uint8_t sparking = 120);
  void step();

 private:
  LedStrip &strip_;
  uint8_t *heat_;
  uint8_t cooling_;
  uint8_t sparking_;
};

#endif
