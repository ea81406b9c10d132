// Printf: uses Serial.printf, which the AVR core's Serial does not have; the .uno.test.skip file in this
// folder keeps it off the uno board (it would not compile there). Builds and runs on native.
#include <LedStrip.h>

LedRgb pixels[4];
LedStrip strip(6, pixels, 4);

void setup() {
  Serial.begin(115200);
  strip.begin();
  Serial.printf("Printf %s, %d pixels\n", LEDSTRIP_VERSION, (int)strip.size());
}

void loop() {
  strip.setHsv(strip.frames() % 4, (uint8_t)(strip.frames() * 64), 255, 255);
  strip.show();
  Serial.printf("frame %lu crc %02x\n", (unsigned long)strip.frames(), strip.checksum());
}
