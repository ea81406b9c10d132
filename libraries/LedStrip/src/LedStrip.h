#ifndef LEDSTRIP_H
#define LEDSTRIP_H

#include <Arduino.h>

#include "color/color.h"

#define LEDSTRIP_VERSION "1.0.0"

// A strip of RGB pixels in a buffer the sketch owns (so the sketch decides how much RAM it uses).
class LedStrip {
 public:
  LedStrip(uint8_t dataPin, LedRgb *pixels, uint16_t count);

  void begin();
  uint16_t size() const { return count_; }
  void set(uint16_t i, LedRgb c);
  void setHsv(uint16_t i, uint8_t h, uint8_t s, uint8_t v);
  LedRgb get(uint16_t i) const;
  void fill(LedRgb c);
  void clear();
  void fade(uint8_t amount);
  // Sends the gamma-corrected pixels out on the data pin, bit by bit.
  void show();
  uint8_t checksum() const;
  uint32_t frames() const { return frames_; }
  // Prints "frame <n> crc <hex>" to out.
  void report(Print &out) const;

 private:
  uint8_t dataPin_;
  LedRgb *pixels_;
  uint16_t count_;
  uint32_t frames_;
};

#endif
