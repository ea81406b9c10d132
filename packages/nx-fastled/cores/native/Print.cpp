// nx-fastled native core: Print (formatting numbers as the AVR core does) and Serial on stdout/stdin.
#include "Arduino.h"

#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

HardwareSerial Serial;

size_t Print::write(const uint8_t *buffer, size_t size) {
  size_t n = 0;
  while (size--) n += write(*buffer++);
  return n;
}

size_t Print::write(const char *str) {
  if (str == NULL) return 0;
  return write(reinterpret_cast<const uint8_t *>(str), strlen(str));
}

size_t Print::printUnsigned(unsigned long long n, int base) {
  char buf[8 * sizeof(n) + 1];
  char *p = &buf[sizeof(buf) - 1];
  *p = '\0';
  if (base < 2) base = 10;
  do {
    unsigned digit = static_cast<unsigned>(n % static_cast<unsigned>(base));
    n /= static_cast<unsigned>(base);
    *--p = static_cast<char>(digit < 10 ? '0' + digit : 'A' + digit - 10);
  } while (n);
  return write(p);
}

size_t Print::printSigned(long long n, int base) {
  if (base == 10 && n < 0) {
    size_t t = print('-');
    return t + printUnsigned(0ULL - static_cast<unsigned long long>(n), 10);
  }
  if (base == 10) return printUnsigned(static_cast<unsigned long long>(n), 10);
  // Like AVR: other bases print the two's complement of the value's own width (done by the callers).
  return printUnsigned(static_cast<unsigned long long>(n), base);
}

size_t Print::print(const __FlashStringHelper *s) { return write(reinterpret_cast<const char *>(s)); }
size_t Print::print(const char *s) { return write(s); }
size_t Print::print(char c) { return write(static_cast<uint8_t>(c)); }
size_t Print::print(unsigned char n, int base) { return printUnsigned(n, base); }
size_t Print::print(int n, int base) {
  return base == 10 ? printSigned(n, 10) : printUnsigned(static_cast<unsigned int>(n), base);
}
size_t Print::print(unsigned int n, int base) { return printUnsigned(n, base); }
size_t Print::print(long n, int base) {
  return base == 10 ? printSigned(n, 10) : printUnsigned(static_cast<unsigned long>(n), base);
}
size_t Print::print(unsigned long n, int base) { return printUnsigned(n, base); }
size_t Print::print(long long n, int base) { return printSigned(n, base); }
size_t Print::print(unsigned long long n, int base) { return printUnsigned(n, base); }

size_t Print::print(double n, int digits) {
  if (isnan(n)) return write("nan");
  if (isinf(n)) return write("inf");
  if (digits < 0) digits = 0;
  if (digits > 15) digits = 15;
  char buf[64];
  int len = snprintf(buf, sizeof(buf), "%.*f", digits, n);
  if (len < 0) return 0;
  return write(buf);
}

size_t Print::println() { return write("\r\n"); }
size_t Print::println(const __FlashStringHelper *s) { size_t n = print(s); return n + println(); }
size_t Print::println(const char *s) { size_t n = print(s); return n + println(); }
size_t Print::println(char c) { size_t n = print(c); return n + println(); }
size_t Print::println(unsigned char v, int base) { size_t n = print(v, base); return n + println(); }
size_t Print::println(int v, int base) { size_t n = print(v, base); return n + println(); }
size_t Print::println(unsigned int v, int base) { size_t n = print(v, base); return n + println(); }
size_t Print::println(long v, int base) { size_t n = print(v, base); return n + println(); }
size_t Print::println(unsigned long v, int base) { size_t n = print(v, base); return n + println(); }
size_t Print::println(long long v, int base) { size_t n = print(v, base); return n + println(); }
size_t Print::println(unsigned long long v, int base) { size_t n = print(v, base); return n + println(); }
size_t Print::println(double v, int digits) { size_t n = print(v, digits); return n + println(); }

size_t Print::printf(const char *format, ...) {
  char small[128];
  va_list ap;
  va_start(ap, format);
  int len = vsnprintf(small, sizeof(small), format, ap);
  va_end(ap);
  if (len < 0) return 0;
  if (static_cast<size_t>(len) < sizeof(small)) return write(small);
  char *big = static_cast<char *>(malloc(static_cast<size_t>(len) + 1));
  if (big == NULL) return 0;
  va_start(ap, format);
  vsnprintf(big, static_cast<size_t>(len) + 1, format, ap);
  va_end(ap);
  size_t n = write(big);
  free(big);
  return n;
}

void HardwareSerial::fill() {
  if (eof_ || head_ != tail_) return;
  struct pollfd p = {0, POLLIN, 0};
  if (poll(&p, 1, 0) <= 0) return;
  ssize_t n = ::read(0, rx_, sizeof(rx_));
  if (n <= 0) {
    eof_ = true;
    return;
  }
  head_ = 0;
  tail_ = static_cast<int>(n);
}

int HardwareSerial::available() {
  fill();
  return tail_ - head_;
}

int HardwareSerial::peek() {
  fill();
  return head_ == tail_ ? -1 : rx_[head_];
}

int HardwareSerial::read() {
  fill();
  return head_ == tail_ ? -1 : rx_[head_++];
}

size_t HardwareSerial::write(uint8_t c) { return fputc(c, stdout) == EOF ? 0 : 1; }
size_t HardwareSerial::write(const uint8_t *buffer, size_t size) { return fwrite(buffer, 1, size, stdout); }
void HardwareSerial::flush() { fflush(stdout); }
