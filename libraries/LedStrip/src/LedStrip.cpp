#include "LedStrip.h"

LedStrip::LedStrip(uint8_t dataPin, LedRgb *pixels, uint16_t count)
    : dataPin_(dataPin), pixels_(pixels), count_(count), frames_(0) {}

void LedStrip::begin() {
  pinMode(dataPin_, OUTPUT);
  digitalWrite(dataPin_, LOW);
  clear();
}

void LedStrip::set(uint16_t i, LedRgb c) {
  if (i < count_) pixels_[i] = c;
}

void LedStrip::setHsv(uint16_t i, uint8_t h, uint8_t s, uint8_t v) { set(i, ledstrip_hsv(h, s, v)); }

LedRgb LedStrip::get(uint16_t i) const { return i < count_ ? pixels_[i] : ledstrip_rgb(0, 0, 0); }

void LedStrip::fill(LedRgb c) {
  for (uint16_t i = 0; i < count_; i++) pixels_[i] = c;
}

void LedStrip::clear() { fill(ledstrip_rgb(0, 0, 0)); }

static uint8_t fadeChannel(uint8_t v, uint8_t amount) { return (uint8_t)(((uint16_t)v * (255 - amount)) >> 8); }

void LedStrip::fade(uint8_t amount) {
  for (uint16_t i = 0; i < count_; i++) {
    pixels_[i].r = fadeChannel(pixels_[i].r, amount);
    pixels_[i].g = fadeChannel(pixels_[i].g, amount);
    pixels_[i].b = fadeChannel(pixels_[i].b, amount);
  }
}

void LedStrip::show() {
  for (uint16_t i = 0; i < count_; i++) {
    const uint8_t bytes[3] = {ledstrip_gamma(pixels_[i].g), ledstrip_gamma(pixels_[i].r), ledstrip_gamma(pixels_[i].b)};
    for (uint8_t k = 0; k < 3; k++) {
      for (int8_t bit = 7; bit >= 0; bit--) digitalWrite(dataPin_, (bytes[k] >> bit) & 1);
    }
  }
  digitalWrite(dataPin_, LOW);
  frames_++;
}

uint8_t LedStrip::checksum() const {
  return ledstrip_crc8(0, reinterpret_cast<const uint8_t *>(pixels_), (uint16_t)(count_ * sizeof(LedRgb)));
}

void LedStrip::report(Print &out) const {
  out.print(F("frame "));
  out.print(frames_);
  out.print(F(" crc "));
  out.println(checksum(), HEX);
}
