/*
 * nx-fastled native core: SPI on the host is a bus whose MISO line floats high: transfer() sends nowhere
 * and receives 0xFF per byte (what an unconnected line reads), so drivers fail their identity checks cleanly.
 */
#ifndef NX_FASTLED_NATIVE_SPI_H
#define NX_FASTLED_NATIVE_SPI_H

#include "Arduino.h"

#define SPI_HAS_TRANSACTION 1
#define SPI_HAS_NOTUSINGINTERRUPT 1
#define SPI_ATOMIC_VERSION 1

#define SPI_CLOCK_DIV4 0x00
#define SPI_CLOCK_DIV16 0x01
#define SPI_CLOCK_DIV64 0x02
#define SPI_CLOCK_DIV128 0x03
#define SPI_CLOCK_DIV2 0x04
#define SPI_CLOCK_DIV8 0x05
#define SPI_CLOCK_DIV32 0x06

#define SPI_MODE0 0x00
#define SPI_MODE1 0x04
#define SPI_MODE2 0x08
#define SPI_MODE3 0x0C

class SPISettings {
 public:
  SPISettings() : clock_(4000000), bitOrder_(MSBFIRST), dataMode_(SPI_MODE0) {}
  SPISettings(uint32_t clock, uint8_t bitOrder, uint8_t dataMode) : clock_(clock), bitOrder_(bitOrder), dataMode_(dataMode) {}
  uint32_t clock_;
  uint8_t bitOrder_;
  uint8_t dataMode_;
};

class SPIClass {
 public:
  static void begin() {}
  static void end() {}
  static void usingInterrupt(uint8_t interruptNumber) { (void)interruptNumber; }
  static void notUsingInterrupt(uint8_t interruptNumber) { (void)interruptNumber; }
  static void beginTransaction(SPISettings settings) { (void)settings; }
  static void endTransaction() {}
  static uint8_t transfer(uint8_t data) { (void)data; return 0xFF; }
  static uint16_t transfer16(uint16_t data) { (void)data; return 0xFFFF; }
  static void transfer(void *buf, size_t count) { memset(buf, 0xFF, count); }
  static void setBitOrder(uint8_t bitOrder) { (void)bitOrder; }
  static void setDataMode(uint8_t dataMode) { (void)dataMode; }
  static void setClockDivider(uint8_t clockDiv) { (void)clockDiv; }
  static void attachInterrupt() {}
  static void detachInterrupt() {}
};

extern SPIClass SPI;

#endif /* NX_FASTLED_NATIVE_SPI_H */
