// The second file of the MultiFile sketch.

void drawPattern(LedStrip &s, uint32_t frame) {
  s.clear();
  for (uint16_t i = frame % 3; i < s.size(); i += 3) s.set(i, dotColor(i));
}

LedRgb dotColor(uint16_t i) {
  return ledstrip_hsv((uint8_t)(i * 20), 200, 255);
}
