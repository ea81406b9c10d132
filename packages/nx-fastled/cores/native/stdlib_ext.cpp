// nx-fastled native core: avr-libc's <stdlib.h> extras (itoa, ltoa, utoa, ultoa, dtostrf), which Arduino
// code uses as if every libc had them. Lower-case digits and two's complement in bases other than 10, as
// avr-libc writes them.
#include "Arduino.h"

#include <stdio.h>

namespace {
char *formatUnsigned(unsigned long long value, char *buf, int radix) {
  if (radix < 2 || radix > 36) {
    buf[0] = 0;
    return buf;
  }
  char tmp[8 * sizeof(value) + 1];
  int n = 0;
  do {
    unsigned digit = static_cast<unsigned>(value % static_cast<unsigned>(radix));
    value /= static_cast<unsigned>(radix);
    tmp[n++] = static_cast<char>(digit < 10 ? '0' + digit : 'a' + digit - 10);
  } while (value);
  for (int i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
  buf[n] = 0;
  return buf;
}

char *formatSigned(long long value, unsigned long long mask, char *buf, int radix) {
  if (radix == 10 && value < 0) {
    buf[0] = '-';
    formatUnsigned(0ULL - static_cast<unsigned long long>(value), buf + 1, 10);
    return buf;
  }
  return formatUnsigned(static_cast<unsigned long long>(value) & mask, buf, radix);
}
}  // namespace

extern "C" {
char *itoa(int value, char *buf, int radix) { return formatSigned(value, 0xffffffffULL, buf, radix); }
char *ltoa(long value, char *buf, int radix) { return formatSigned(value, ~0ULL, buf, radix); }
char *utoa(unsigned int value, char *buf, int radix) { return formatUnsigned(value, buf, radix); }
char *ultoa(unsigned long value, char *buf, int radix) { return formatUnsigned(value, buf, radix); }
char *dtostrf(double value, signed char width, unsigned char prec, char *buf) {
  sprintf(buf, "%*.*f", width, prec, value);
  return buf;
}
}
