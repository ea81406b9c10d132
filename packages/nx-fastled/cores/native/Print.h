/* nx-fastled native core: Print, the Arduino core's formatted output base class (C++ only). */
#ifndef NX_FASTLED_NATIVE_PRINT_H
#define NX_FASTLED_NATIVE_PRINT_H

#include <stddef.h>
#include <stdint.h>

#include "WString.h"
#include "Printable.h"

#ifndef DEC
#define DEC 10
#endif

class Print {
 public:
  virtual ~Print() {}
  virtual size_t write(uint8_t c) = 0;
  virtual size_t write(const uint8_t *buffer, size_t size);
  size_t write(const char *str);
  size_t write(const char *buffer, size_t size) { return write(reinterpret_cast<const uint8_t *>(buffer), size); }
  virtual void flush() {}

  virtual int availableForWrite() { return 0; }
  int getWriteError() { return writeError_; }
  void clearWriteError() { writeError_ = 0; }

  size_t print(const __FlashStringHelper *s);
  size_t print(const String &s) { return write(s.c_str(), s.length()); }
  size_t print(const Printable &p) { return p.printTo(*this); }
  size_t print(const char *s);
  size_t print(char c);
  size_t print(unsigned char n, int base = DEC);
  size_t print(int n, int base = DEC);
  size_t print(unsigned int n, int base = DEC);
  size_t print(long n, int base = DEC);
  size_t print(unsigned long n, int base = DEC);
  size_t print(long long n, int base = DEC);
  size_t print(unsigned long long n, int base = DEC);
  size_t print(double n, int digits = 2);

  size_t println();
  size_t println(const __FlashStringHelper *s);
  size_t println(const String &s) { size_t n = print(s); return n + println(); }
  size_t println(const Printable &p) { size_t n = print(p); return n + println(); }
  size_t println(const char *s);
  size_t println(char c);
  size_t println(unsigned char n, int base = DEC);
  size_t println(int n, int base = DEC);
  size_t println(unsigned int n, int base = DEC);
  size_t println(long n, int base = DEC);
  size_t println(unsigned long n, int base = DEC);
  size_t println(long long n, int base = DEC);
  size_t println(unsigned long long n, int base = DEC);
  size_t println(double n, int digits = 2);

  size_t printf(const char *format, ...) __attribute__((format(printf, 2, 3)));

 protected:
  void setWriteError(int err = 1) { writeError_ = err; }

 private:
  int writeError_ = 0;
  size_t printUnsigned(unsigned long long n, int base);
  size_t printSigned(long long n, int base);
};



#endif /* NX_FASTLED_NATIVE_PRINT_H */
