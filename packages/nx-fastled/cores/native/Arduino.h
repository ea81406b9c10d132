/*
 * nx-fastled native core: a tiny host (Linux, g++/gcc) stand-in for the Arduino core, so that Arduino
 * libraries and their examples build and run on the `native` board. Not a simulator: pins are plain
 * memory, time is virtual (see wiring.cpp), Serial writes to stdout.
 *
 * C++11 clean (-std=gnu++11 -Wall -Wextra); includable from C (C gets the C-linkage functions and the
 * macros; Serial, Print, the templates and overloads are C++ only).
 *
 * Differences from AVR that sketches may notice: int is 32 bits, double is 64 bits, long is 64 bits.
 * String, Stream, Print, Printable, Serial (stdout/stdin) are the Arduino API; Wire.h, SPI.h and EEPROM.h
 * are here too (a bus with no devices, a RAM-backed EEPROM) so libraries that use them build and run.
 */
#ifndef NX_FASTLED_NATIVE_ARDUINO_H
#define NX_FASTLED_NATIVE_ARDUINO_H

#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <stdio.h> /* the AVR core's Print.h brings it: sprintf, snprintf */
#include <ctype.h> /* the AVR core's Arduino.h brings it (through WCharacter.h): tolower, isdigit, ... */
#ifndef __cplusplus
#include <stdbool.h>
#endif

#include "avr/pgmspace.h"

#define NX_FASTLED_NATIVE_CORE 1

#define HIGH 0x1
#define LOW 0x0

#define INPUT 0x0
#define OUTPUT 0x1
#define INPUT_PULLUP 0x2

#define LED_BUILTIN 13
#define NUM_DIGITAL_PINS 20
#define NUM_ANALOG_INPUTS 6
#define A0 14
#define A1 15
#define A2 16
#define A3 17
#define A4 18
#define A5 19
#define NOT_A_PIN 0
#define NOT_AN_INTERRUPT (-1)
#define digitalPinToInterrupt(p) ((p) == 2 ? 0 : ((p) == 3 ? 1 : NOT_AN_INTERRUPT))

#define CHANGE 1
#define FALLING 2
#define RISING 3

#define DEC 10
#define HEX 16
#define OCT 8
#define BIN 2

/* As ArduinoCore-API (SAMD, mbed, Renesas) declares them: libraries written for those cores use the type on
 * every architecture they do not list (Adafruit BusIO: `typedef BitOrder BusIOBitOrder`), and overload
 * resolution needs MSBFIRST to be of that type (BusIO's SPI constructors are ambiguous with plain ints).
 * The self-referencing macros keep `#ifdef MSBFIRST` true, as on AVR. */
typedef enum BitOrder { LSBFIRST = 0, MSBFIRST = 1 } BitOrder;
#define LSBFIRST LSBFIRST
#define MSBFIRST MSBFIRST

#ifndef PI
#define PI 3.1415926535897932384626433832795
#endif
#define HALF_PI 1.5707963267948966192313216916398
#define TWO_PI 6.283185307179586476925286766559
#define DEG_TO_RAD 0.017453292519943295769236907684886
#define RAD_TO_DEG 57.295779513082320876798154814105

#define radians(deg) ((deg) * DEG_TO_RAD)
#define degrees(rad) ((rad) * RAD_TO_DEG)
#define sq(x) ((x) * (x))

#define lowByte(w) ((uint8_t)((w) & 0xff))
#define highByte(w) ((uint8_t)((w) >> 8))
#define bit(b) (1UL << (b))
#define bitRead(value, b) (((value) >> (b)) & 0x01)
#define bitSet(value, b) ((value) |= (1UL << (b)))
#define bitClear(value, b) ((value) &= ~(1UL << (b)))
#define bitWrite(value, b, bitvalue) ((bitvalue) ? bitSet(value, b) : bitClear(value, b))

#define interrupts() ((void)0)
#define noInterrupts() ((void)0)
#define clockCyclesPerMicrosecond() (F_CPU / 1000000L)

#ifndef F_CPU
#define F_CPU 16000000L
#endif

typedef uint8_t byte;
typedef bool boolean;
typedef uint16_t word;

#ifdef __cplusplus
extern "C" {
#endif

void init(void);
void yield(void);

/* nx-fastled only (guard uses with NX_FASTLED_NATIVE_CORE): a library's show() reports the RGB bytes of one
 * frame of the strip on `pin` (3 bytes per LED, R G B). `nx-fastled-task test` turns them into LED frames;
 * outside a test run (NX_FASTLED_LED_FRAMES unset) it does nothing. See nx_leds.cpp. */
void nxFastledLedFrame(uint8_t pin, const uint8_t *rgb, uint16_t leds);

void pinMode(uint8_t pin, uint8_t mode);
void digitalWrite(uint8_t pin, uint8_t val);
int digitalRead(uint8_t pin);
int analogRead(uint8_t pin);
void analogWrite(uint8_t pin, int val);
void analogReference(uint8_t mode);

unsigned long millis(void);
unsigned long micros(void);
void delay(unsigned long ms);
void delayMicroseconds(unsigned int us);

void shiftOut(uint8_t dataPin, uint8_t clockPin, uint8_t bitOrder, uint8_t val);
uint8_t shiftIn(uint8_t dataPin, uint8_t clockPin, uint8_t bitOrder);
unsigned long pulseIn(uint8_t pin, uint8_t state, unsigned long timeout);

void attachInterrupt(uint8_t interruptNum, void (*userFunc)(void), int mode);
void detachInterrupt(uint8_t interruptNum);

void tone(uint8_t pin, unsigned int frequency, unsigned long duration);
void noTone(uint8_t pin);

void setup(void);
void loop(void);

/* avr-libc's <stdlib.h> extras that Arduino code calls without including anything else. */
char *itoa(int value, char *buf, int radix);
char *ltoa(long value, char *buf, int radix);
char *utoa(unsigned int value, char *buf, int radix);
char *ultoa(unsigned long value, char *buf, int radix);
char *dtostrf(double value, signed char width, unsigned char prec, char *buf);

#ifdef __cplusplus
} /* extern "C" */
#endif

#ifdef __cplusplus

long random(long howbig);
long random(long howsmall, long howbig);
void randomSeed(unsigned long seed);
long map(long x, long in_min, long in_max, long out_min, long out_max);

uint16_t makeWord(uint16_t w);
uint16_t makeWord(uint8_t h, uint8_t l);
#define word(...) makeWord(__VA_ARGS__)

/* Templates rather than macros, so that <algorithm> and friends still compile after Arduino.h. */
template <class T, class L>
inline auto min(const T& a, const L& b) -> decltype((b < a) ? b : a) { return (b < a) ? b : a; }
template <class T, class L>
inline auto max(const T& a, const L& b) -> decltype((b < a) ? b : a) { return (a < b) ? b : a; }
template <class T, class L, class H>
inline auto constrain(const T& x, const L& lo, const H& hi) -> decltype(x < lo ? lo : (hi < x ? hi : x)) {
  return x < lo ? lo : (hi < x ? hi : x);
}

#include "WString.h"
#include "Print.h"
#include "HardwareSerial.h"

#else /* C */

#ifndef min
#define min(a, b) ((a) < (b) ? (a) : (b))
#endif
#ifndef max
#define max(a, b) ((a) > (b) ? (a) : (b))
#endif
#define constrain(x, lo, hi) ((x) < (lo) ? (lo) : ((x) > (hi) ? (hi) : (x)))

#endif /* __cplusplus */

#endif /* NX_FASTLED_NATIVE_ARDUINO_H */
