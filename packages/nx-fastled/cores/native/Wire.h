/*
 * nx-fastled native core: Wire (I2C) on the host is a bus with no devices: every transmission is answered
 * "address not acknowledged" (endTransmission() returns 2) and requestFrom() receives nothing, which is what
 * drivers see on a real board with nothing connected, so they report "sensor not found" instead of hanging.
 */
#ifndef NX_FASTLED_NATIVE_WIRE_H
#define NX_FASTLED_NATIVE_WIRE_H

#include "Arduino.h"

#define BUFFER_LENGTH 32
#define WIRE_HAS_END 1

class TwoWire : public Stream {
 public:
  void begin() {}
  void begin(uint8_t address) { (void)address; }
  void begin(int address) { (void)address; }
  void end() {}
  void setClock(uint32_t clock) { (void)clock; }
  void setWireTimeout(uint32_t timeout = 25000, bool reset = false) { (void)timeout; (void)reset; }
  bool getWireTimeoutFlag() { return false; }
  void clearWireTimeoutFlag() {}
  void beginTransmission(uint8_t address) { (void)address; }
  void beginTransmission(int address) { (void)address; }
  uint8_t endTransmission() { return 2; }
  uint8_t endTransmission(uint8_t sendStop) { (void)sendStop; return 2; }
  uint8_t requestFrom(uint8_t address, uint8_t quantity) { (void)address; (void)quantity; return 0; }
  uint8_t requestFrom(uint8_t address, uint8_t quantity, uint8_t sendStop) { (void)sendStop; return requestFrom(address, quantity); }
  uint8_t requestFrom(uint8_t address, uint8_t quantity, uint32_t iaddress, uint8_t isize, uint8_t sendStop) {
    (void)iaddress; (void)isize; (void)sendStop; return requestFrom(address, quantity);
  }
  uint8_t requestFrom(int address, int quantity) { return requestFrom(static_cast<uint8_t>(address), static_cast<uint8_t>(quantity)); }
  uint8_t requestFrom(int address, int quantity, int sendStop) { (void)sendStop; return requestFrom(address, quantity); }
  size_t write(uint8_t data) override { (void)data; return 1; }
  size_t write(const uint8_t *data, size_t quantity) override { (void)data; return quantity; }
  size_t write(unsigned long n) { return write(static_cast<uint8_t>(n)); }
  size_t write(long n) { return write(static_cast<uint8_t>(n)); }
  size_t write(unsigned int n) { return write(static_cast<uint8_t>(n)); }
  size_t write(int n) { return write(static_cast<uint8_t>(n)); }
  int available() override { return 0; }
  int read() override { return -1; }
  int peek() override { return -1; }
  void flush() override {}
  void onReceive(void (*handler)(int)) { (void)handler; }
  void onRequest(void (*handler)(void)) { (void)handler; }
  using Print::write;
};

extern TwoWire Wire;

#endif /* NX_FASTLED_NATIVE_WIRE_H */
