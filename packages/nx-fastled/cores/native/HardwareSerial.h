/*
 * nx-fastled native core: Serial on the host. Writes go to stdout; reads come from stdin without blocking
 * (available() is what can be read now; at end of input read() returns -1), so a sketch that waits for
 * input gets it from a pipe or a file: `printf '42\n' | ./Sketch.elf`.
 */
#ifndef NX_FASTLED_NATIVE_HARDWARESERIAL_H
#define NX_FASTLED_NATIVE_HARDWARESERIAL_H

#include "Stream.h"

#define SERIAL_8N1 0x06
#define SERIAL_8N2 0x0E
#define SERIAL_7E1 0x24
#define SERIAL_8E1 0x26
#define SERIAL_RX_BUFFER_SIZE 64
#define SERIAL_TX_BUFFER_SIZE 64

class HardwareSerial : public Stream {
 public:
  void begin(unsigned long baud) { (void)baud; }
  void begin(unsigned long baud, uint8_t config) { (void)baud; (void)config; }
  void end() {}
  int available() override;
  int peek() override;
  int read() override;
  int availableForWrite() override { return SERIAL_TX_BUFFER_SIZE; }
  void flush() override;
  size_t write(uint8_t c) override;
  size_t write(const uint8_t *buffer, size_t size) override;
  size_t write(unsigned long n) { return write(static_cast<uint8_t>(n)); }
  size_t write(long n) { return write(static_cast<uint8_t>(n)); }
  size_t write(unsigned int n) { return write(static_cast<uint8_t>(n)); }
  size_t write(int n) { return write(static_cast<uint8_t>(n)); }
  using Print::write;
  operator bool() const { return true; }

 private:
  void fill();
  unsigned char rx_[SERIAL_RX_BUFFER_SIZE];
  int head_ = 0;
  int tail_ = 0;
  bool eof_ = false;
};

extern HardwareSerial Serial;

#endif /* NX_FASTLED_NATIVE_HARDWARESERIAL_H */
