/* nx-fastled native core: Print and the Serial object (C++ only). Output of Serial goes to stdout. */
#ifndef NX_FASTLED_NATIVE_PRINT_H
#define NX_FASTLED_NATIVE_PRINT_H

#include <stddef.h>
#include <stdint.h>

#ifndef DEC
#define DEC 10
#endif

class __FlashStringHelper;
#define F(string_literal) (reinterpret_cast<const __FlashStringHelper *>(string_literal))

class Print {
 public:
  virtual ~Print() {}
  virtual size_t write(uint8_t c) = 0;
  virtual size_t write(const uint8_t *buffer, size_t size);
  size_t write(const char *str);
  size_t write(const char *buffer, size_t size) { return write(reinterpret_cast<const uint8_t *>(buffer), size); }
  virtual void flush() {}

  size_t print(const __FlashStringHelper *s);
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

 private:
  size_t printUnsigned(unsigned long long n, int base);
  size_t printSigned(long long n, int base);
};

class HardwareSerial : public Print {
 public:
  void begin(unsigned long baud) { (void)baud; }
  void begin(unsigned long baud, uint8_t config) { (void)baud; (void)config; }
  void end() {}
  int available() { return 0; }
  int peek() { return -1; }
  int read() { return -1; }
  int availableForWrite() { return 64; }
  void flush() override;
  size_t write(uint8_t c) override;
  size_t write(const uint8_t *buffer, size_t size) override;
  using Print::write;
  operator bool() const { return true; }
};

extern HardwareSerial Serial;

#endif /* NX_FASTLED_NATIVE_PRINT_H */
