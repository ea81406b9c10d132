/*
 * nx-fastled native core: String, the Arduino core's dynamic string (same API as the AVR core's WString.h),
 * written for the host: heap-backed, always NUL-terminated; an allocation failure leaves the string invalid
 * (c_str() still returns "") as on AVR.
 */
#ifndef NX_FASTLED_NATIVE_WSTRING_H
#define NX_FASTLED_NATIVE_WSTRING_H

#include <stddef.h>
#include <stdint.h>

class __FlashStringHelper;
#ifndef F
#define F(string_literal) (reinterpret_cast<const __FlashStringHelper *>(string_literal))
#endif

class StringSumHelper;

class String {
 public:
  String(const char *cstr = "");
  String(const char *cstr, unsigned int length);
  String(const String &str);
  String(const __FlashStringHelper *str);
  String(String &&rval);
  explicit String(char c);
  explicit String(unsigned char value, unsigned char base = 10);
  explicit String(int value, unsigned char base = 10);
  explicit String(unsigned int value, unsigned char base = 10);
  explicit String(long value, unsigned char base = 10);
  explicit String(unsigned long value, unsigned char base = 10);
  explicit String(long long value, unsigned char base = 10);
  explicit String(unsigned long long value, unsigned char base = 10);
  explicit String(float value, unsigned char decimalPlaces = 2);
  explicit String(double value, unsigned char decimalPlaces = 2);
  ~String();

  unsigned char reserve(unsigned int size);
  unsigned int length() const { return len_; }
  bool isEmpty() const { return len_ == 0; }

  String &operator=(const String &rhs);
  String &operator=(const char *cstr);
  String &operator=(const __FlashStringHelper *str);
  String &operator=(String &&rval);

  unsigned char concat(const String &str);
  unsigned char concat(const char *cstr);
  unsigned char concat(const char *cstr, unsigned int length);
  unsigned char concat(const uint8_t *cstr, unsigned int length) { return concat(reinterpret_cast<const char *>(cstr), length); }
  unsigned char concat(char c);
  unsigned char concat(unsigned char num);
  unsigned char concat(int num);
  unsigned char concat(unsigned int num);
  unsigned char concat(long num);
  unsigned char concat(unsigned long num);
  unsigned char concat(long long num);
  unsigned char concat(unsigned long long num);
  unsigned char concat(float num);
  unsigned char concat(double num);
  unsigned char concat(const __FlashStringHelper *str);

  template <class T>
  String &operator+=(const T &rhs) {
    concat(rhs);
    return *this;
  }
  String &operator+=(const char *rhs) {
    concat(rhs);
    return *this;
  }

  friend StringSumHelper &operator+(const StringSumHelper &lhs, const String &rhs);
  friend StringSumHelper &operator+(const StringSumHelper &lhs, const char *cstr);
  friend StringSumHelper &operator+(const StringSumHelper &lhs, char c);
  friend StringSumHelper &operator+(const StringSumHelper &lhs, unsigned char num);
  friend StringSumHelper &operator+(const StringSumHelper &lhs, int num);
  friend StringSumHelper &operator+(const StringSumHelper &lhs, unsigned int num);
  friend StringSumHelper &operator+(const StringSumHelper &lhs, long num);
  friend StringSumHelper &operator+(const StringSumHelper &lhs, unsigned long num);
  friend StringSumHelper &operator+(const StringSumHelper &lhs, float num);
  friend StringSumHelper &operator+(const StringSumHelper &lhs, double num);
  friend StringSumHelper &operator+(const StringSumHelper &lhs, const __FlashStringHelper *rhs);

  // The AVR core's "safe bool": `if (s)` works, `s + 1` does not silently become an integer sum.
  typedef void (String::*StringIfHelperType)() const;
  void StringIfHelper() const {}
  operator StringIfHelperType() const { return buffer_ ? &String::StringIfHelper : 0; }
  int compareTo(const String &s) const;
  int compareTo(const char *cstr) const;
  unsigned char equals(const String &s) const;
  unsigned char equals(const char *cstr) const;
  friend bool operator==(const String &a, const String &b) { return a.equals(b); }
  friend bool operator==(const String &a, const char *b) { return a.equals(b); }
  friend bool operator==(const char *a, const String &b) { return b.equals(a); }
  friend bool operator!=(const String &a, const String &b) { return !a.equals(b); }
  friend bool operator!=(const String &a, const char *b) { return !a.equals(b); }
  friend bool operator!=(const char *a, const String &b) { return !b.equals(a); }
  friend bool operator<(const String &a, const String &b) { return a.compareTo(b) < 0; }
  friend bool operator>(const String &a, const String &b) { return a.compareTo(b) > 0; }
  friend bool operator<=(const String &a, const String &b) { return a.compareTo(b) <= 0; }
  friend bool operator>=(const String &a, const String &b) { return a.compareTo(b) >= 0; }
  unsigned char equalsIgnoreCase(const String &s) const;
  unsigned char startsWith(const String &prefix) const;
  unsigned char startsWith(const String &prefix, unsigned int offset) const;
  unsigned char endsWith(const String &suffix) const;

  char charAt(unsigned int index) const;
  void setCharAt(unsigned int index, char c);
  char operator[](unsigned int index) const;
  char &operator[](unsigned int index);
  void getBytes(unsigned char *buf, unsigned int bufsize, unsigned int index = 0) const;
  void toCharArray(char *buf, unsigned int bufsize, unsigned int index = 0) const {
    getBytes(reinterpret_cast<unsigned char *>(buf), bufsize, index);
  }
  const char *c_str() const { return buffer_ ? buffer_ : ""; }
  char *begin() { return buffer_; }
  char *end() { return buffer_ ? buffer_ + len_ : 0; }
  const char *begin() const { return c_str(); }
  const char *end() const { return c_str() + len_; }

  int indexOf(char ch) const;
  int indexOf(char ch, unsigned int fromIndex) const;
  int indexOf(const String &str) const;
  int indexOf(const String &str, unsigned int fromIndex) const;
  int lastIndexOf(char ch) const;
  int lastIndexOf(char ch, unsigned int fromIndex) const;
  int lastIndexOf(const String &str) const;
  int lastIndexOf(const String &str, unsigned int fromIndex) const;
  String substring(unsigned int beginIndex) const { return substring(beginIndex, len_); }
  String substring(unsigned int beginIndex, unsigned int endIndex) const;

  void replace(char find, char replace);
  void replace(const String &find, const String &replace);
  void remove(unsigned int index);
  void remove(unsigned int index, unsigned int count);
  void toLowerCase();
  void toUpperCase();
  void trim();

  long toInt() const;
  float toFloat() const;
  double toDouble() const;

 protected:
  char *buffer_;
  unsigned int capacity_;
  unsigned int len_;

 private:
  void invalidate();
  unsigned char changeBuffer(unsigned int maxStrLen);
  String &copy(const char *cstr, unsigned int length);
  void move(String &rhs);
};

class StringSumHelper : public String {
 public:
  StringSumHelper(const String &s) : String(s) {}
  StringSumHelper(const char *p) : String(p) {}
  StringSumHelper(char c) : String(c) {}
  StringSumHelper(unsigned char num) : String(num) {}
  StringSumHelper(int num) : String(num) {}
  StringSumHelper(unsigned int num) : String(num) {}
  StringSumHelper(long num) : String(num) {}
  StringSumHelper(unsigned long num) : String(num) {}
  StringSumHelper(float num) : String(num) {}
  StringSumHelper(double num) : String(num) {}
};

#endif /* NX_FASTLED_NATIVE_WSTRING_H */
