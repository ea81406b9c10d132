// nx-fastled native core: pins, virtual time, random, map.
//
// Pins are memory: digitalRead returns what was last written (HIGH after INPUT_PULLUP), analogRead a
// deterministic value. Time is virtual so that runs are fast and reproducible: delay() advances the clock
// without sleeping, and each millis()/micros() call advances it by 1 us so busy-wait loops terminate.
#include "Arduino.h"

namespace {
const int kPins = 256;
uint8_t pinModes[kPins];
uint8_t pinLevels[kPins];
int analogLevels[kPins];
unsigned long long nowMicros = 0;
unsigned long randomState = 1;
}  // namespace

extern "C" {

void init(void) {}
void yield(void) {}

void pinMode(uint8_t pin, uint8_t mode) {
  pinModes[pin] = mode;
  if (mode == INPUT_PULLUP) pinLevels[pin] = HIGH;
}

void digitalWrite(uint8_t pin, uint8_t val) { pinLevels[pin] = val ? HIGH : LOW; }
int digitalRead(uint8_t pin) { return pinLevels[pin]; }
int analogRead(uint8_t pin) { return (pin * 97 + static_cast<int>(nowMicros / 1000)) & 1023; }
void analogWrite(uint8_t pin, int val) {
  analogLevels[pin] = val;
  pinLevels[pin] = val > 127 ? HIGH : LOW;
}
void analogReference(uint8_t mode) { (void)mode; }

unsigned long micros(void) { return static_cast<unsigned long>(++nowMicros); }
unsigned long millis(void) { return static_cast<unsigned long>(++nowMicros / 1000ULL); }
void delay(unsigned long ms) { nowMicros += 1000ULL * ms; }
void delayMicroseconds(unsigned int us) { nowMicros += us; }

void shiftOut(uint8_t dataPin, uint8_t clockPin, uint8_t bitOrder, uint8_t val) {
  for (int i = 0; i < 8; i++) {
    int b = bitOrder == LSBFIRST ? i : 7 - i;
    digitalWrite(dataPin, (val >> b) & 1);
    digitalWrite(clockPin, HIGH);
    digitalWrite(clockPin, LOW);
  }
}

uint8_t shiftIn(uint8_t dataPin, uint8_t clockPin, uint8_t bitOrder) {
  uint8_t value = 0;
  for (int i = 0; i < 8; i++) {
    digitalWrite(clockPin, HIGH);
    int b = bitOrder == LSBFIRST ? i : 7 - i;
    value = static_cast<uint8_t>(value | (digitalRead(dataPin) << b));
    digitalWrite(clockPin, LOW);
  }
  return value;
}

unsigned long pulseIn(uint8_t pin, uint8_t state, unsigned long timeout) {
  (void)pin;
  (void)state;
  nowMicros += timeout;
  return 0;
}

void attachInterrupt(uint8_t interruptNum, void (*userFunc)(void), int mode) {
  (void)interruptNum;
  (void)userFunc;
  (void)mode;
}
void detachInterrupt(uint8_t interruptNum) { (void)interruptNum; }

void tone(uint8_t pin, unsigned int frequency, unsigned long duration) {
  (void)frequency;
  (void)duration;
  pinLevels[pin] = HIGH;
}
void noTone(uint8_t pin) { pinLevels[pin] = LOW; }

}  // extern "C"

// 31-bit LCG (glibc's TYPE_0 constants), independent of the host libc so output is reproducible.
static long nextRandom() {
  randomState = (randomState * 1103515245UL + 12345UL) & 0x7fffffffUL;
  return static_cast<long>(randomState);
}

long random(long howbig) {
  if (howbig <= 0) return 0;
  return nextRandom() % howbig;
}

long random(long howsmall, long howbig) {
  if (howsmall >= howbig) return howsmall;
  return random(howbig - howsmall) + howsmall;
}

void randomSeed(unsigned long seed) {
  if (seed != 0) randomState = seed & 0x7fffffffUL;
}

long map(long x, long in_min, long in_max, long out_min, long out_max) {
  if (in_max == in_min) return out_min;
  return (x - in_min) * (out_max - out_min) / (in_max - in_min) + out_min;
}

uint16_t makeWord(uint16_t w) { return w; }
uint16_t makeWord(uint8_t h, uint8_t l) { return static_cast<uint16_t>((h << 8) | l); }
