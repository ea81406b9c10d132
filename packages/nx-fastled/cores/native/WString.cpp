// nx-fastled native core: String (see WString.h). Numbers are formatted as the AVR core formats them
// (itoa/ltoa/utoa in the given base, dtostrf with the given decimal places).
#include "WString.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

namespace {
String formatUnsigned(unsigned long long value, unsigned char base) {
  char buf[8 * sizeof(value) + 1];
  char *p = &buf[sizeof(buf) - 1];
  *p = '\0';
  if (base < 2 || base > 36) base = 10;
  do {
    unsigned digit = static_cast<unsigned>(value % base);
    value /= base;
    *--p = static_cast<char>(digit < 10 ? '0' + digit : 'a' + digit - 10);
  } while (value);
  return String(p);
}

String formatSigned(long long value, unsigned char base, unsigned bits) {
  if (base == 10) {
    if (value < 0) {
      String s("-");
      s += formatUnsigned(0ULL - static_cast<unsigned long long>(value), 10);
      return s;
    }
    return formatUnsigned(static_cast<unsigned long long>(value), 10);
  }
  // Other bases print the two's complement of the value's own width, as AVR's itoa/ltoa do.
  unsigned long long mask = bits >= 64 ? ~0ULL : ((1ULL << bits) - 1);
  return formatUnsigned(static_cast<unsigned long long>(value) & mask, base);
}

String formatDouble(double value, unsigned char decimals) {
  char buf[64];
  snprintf(buf, sizeof(buf), "%.*f", decimals, value);
  return String(buf);
}
}  // namespace

String::String(const char *cstr) : buffer_(0), capacity_(0), len_(0) {
  if (cstr) copy(cstr, static_cast<unsigned int>(strlen(cstr)));
}
String::String(const char *cstr, unsigned int length) : buffer_(0), capacity_(0), len_(0) {
  if (cstr) copy(cstr, length);
}
String::String(const String &str) : buffer_(0), capacity_(0), len_(0) { *this = str; }
String::String(const __FlashStringHelper *str) : buffer_(0), capacity_(0), len_(0) {
  *this = reinterpret_cast<const char *>(str);
}
String::String(String &&rval) : buffer_(0), capacity_(0), len_(0) { move(rval); }
String::String(char c) : buffer_(0), capacity_(0), len_(0) {
  char buf[2] = {c, 0};
  *this = buf;
}
String::String(unsigned char value, unsigned char base) : String(formatUnsigned(value, base)) {}
String::String(int value, unsigned char base) : String(formatSigned(value, base, 8 * sizeof(int))) {}
String::String(unsigned int value, unsigned char base) : String(formatUnsigned(value, base)) {}
String::String(long value, unsigned char base) : String(formatSigned(value, base, 8 * sizeof(long))) {}
String::String(unsigned long value, unsigned char base) : String(formatUnsigned(value, base)) {}
String::String(long long value, unsigned char base) : String(formatSigned(value, base, 64)) {}
String::String(unsigned long long value, unsigned char base) : String(formatUnsigned(value, base)) {}
String::String(float value, unsigned char decimalPlaces) : String(formatDouble(value, decimalPlaces)) {}
String::String(double value, unsigned char decimalPlaces) : String(formatDouble(value, decimalPlaces)) {}
String::~String() { free(buffer_); }

void String::invalidate() {
  free(buffer_);
  buffer_ = 0;
  capacity_ = len_ = 0;
}

unsigned char String::reserve(unsigned int size) {
  if (buffer_ && capacity_ >= size) return 1;
  if (changeBuffer(size)) {
    if (len_ == 0) buffer_[0] = 0;
    return 1;
  }
  return 0;
}

unsigned char String::changeBuffer(unsigned int maxStrLen) {
  char *p = static_cast<char *>(realloc(buffer_, maxStrLen + 1));
  if (!p) return 0;
  buffer_ = p;
  capacity_ = maxStrLen;
  return 1;
}

String &String::copy(const char *cstr, unsigned int length) {
  if (!reserve(length)) {
    invalidate();
    return *this;
  }
  len_ = length;
  memmove(buffer_, cstr, length);
  buffer_[len_] = 0;
  return *this;
}

void String::move(String &rhs) {
  if (this == &rhs) return;
  free(buffer_);
  buffer_ = rhs.buffer_;
  capacity_ = rhs.capacity_;
  len_ = rhs.len_;
  rhs.buffer_ = 0;
  rhs.capacity_ = rhs.len_ = 0;
}

String &String::operator=(const String &rhs) {
  if (this == &rhs) return *this;
  if (rhs.buffer_) copy(rhs.buffer_, rhs.len_);
  else invalidate();
  return *this;
}
String &String::operator=(const char *cstr) {
  if (cstr) copy(cstr, static_cast<unsigned int>(strlen(cstr)));
  else invalidate();
  return *this;
}
String &String::operator=(const __FlashStringHelper *str) { return *this = reinterpret_cast<const char *>(str); }
String &String::operator=(String &&rval) {
  move(rval);
  return *this;
}

unsigned char String::concat(const char *cstr, unsigned int length) {
  if (!cstr) return 0;
  if (length == 0) return 1;
  unsigned int newlen = len_ + length;
  if (!reserve(newlen)) return 0;
  memmove(buffer_ + len_, cstr, length);
  len_ = newlen;
  buffer_[len_] = 0;
  return 1;
}
unsigned char String::concat(const String &s) {
  if (&s == this) {
    String copyOf(s);
    return concat(copyOf.c_str(), copyOf.len_);
  }
  return concat(s.c_str(), s.len_);
}
unsigned char String::concat(const char *cstr) { return cstr ? concat(cstr, static_cast<unsigned int>(strlen(cstr))) : 0; }
unsigned char String::concat(char c) { return concat(&c, 1); }
unsigned char String::concat(unsigned char num) { return concat(String(num)); }
unsigned char String::concat(int num) { return concat(String(num)); }
unsigned char String::concat(unsigned int num) { return concat(String(num)); }
unsigned char String::concat(long num) { return concat(String(num)); }
unsigned char String::concat(unsigned long num) { return concat(String(num)); }
unsigned char String::concat(long long num) { return concat(String(num)); }
unsigned char String::concat(unsigned long long num) { return concat(String(num)); }
unsigned char String::concat(float num) { return concat(String(num)); }
unsigned char String::concat(double num) { return concat(String(num)); }
unsigned char String::concat(const __FlashStringHelper *str) { return concat(reinterpret_cast<const char *>(str)); }

#define NXF_SUM(type)                                                      \
  StringSumHelper &operator+(const StringSumHelper &lhs, type rhs) {       \
    StringSumHelper &a = const_cast<StringSumHelper &>(lhs);               \
    if (!a.concat(rhs)) a.invalidate();                                    \
    return a;                                                              \
  }
NXF_SUM(const String &)
NXF_SUM(const char *)
NXF_SUM(char)
NXF_SUM(unsigned char)
NXF_SUM(int)
NXF_SUM(unsigned int)
NXF_SUM(long)
NXF_SUM(unsigned long)
NXF_SUM(float)
NXF_SUM(double)
NXF_SUM(const __FlashStringHelper *)
#undef NXF_SUM

int String::compareTo(const String &s) const { return strcmp(c_str(), s.c_str()); }
int String::compareTo(const char *cstr) const { return strcmp(c_str(), cstr ? cstr : ""); }
unsigned char String::equals(const String &s) const { return len_ == s.len_ && compareTo(s) == 0; }
unsigned char String::equals(const char *cstr) const { return compareTo(cstr) == 0; }
unsigned char String::equalsIgnoreCase(const String &s) const {
  if (len_ != s.len_) return 0;
  for (unsigned int i = 0; i < len_; i++) {
    if (tolower(static_cast<unsigned char>(buffer_[i])) != tolower(static_cast<unsigned char>(s.buffer_[i]))) return 0;
  }
  return 1;
}
unsigned char String::startsWith(const String &prefix) const { return len_ >= prefix.len_ && startsWith(prefix, 0); }
unsigned char String::startsWith(const String &prefix, unsigned int offset) const {
  if (offset > len_ || len_ - offset < prefix.len_ || !buffer_) return 0;
  return strncmp(buffer_ + offset, prefix.c_str(), prefix.len_) == 0;
}
unsigned char String::endsWith(const String &suffix) const {
  if (len_ < suffix.len_ || !buffer_) return 0;
  return strcmp(buffer_ + len_ - suffix.len_, suffix.c_str()) == 0;
}

char String::charAt(unsigned int index) const { return (*this)[index]; }
void String::setCharAt(unsigned int index, char c) {
  if (index < len_) buffer_[index] = c;
}
char String::operator[](unsigned int index) const { return index < len_ ? buffer_[index] : 0; }
char &String::operator[](unsigned int index) {
  static char dummy;
  if (index >= len_ || !buffer_) {
    dummy = 0;
    return dummy;
  }
  return buffer_[index];
}
void String::getBytes(unsigned char *buf, unsigned int bufsize, unsigned int index) const {
  if (!bufsize || !buf) return;
  if (index >= len_) {
    buf[0] = 0;
    return;
  }
  unsigned int n = bufsize - 1;
  if (n > len_ - index) n = len_ - index;
  memcpy(buf, buffer_ + index, n);
  buf[n] = 0;
}

int String::indexOf(char ch) const { return indexOf(ch, 0); }
int String::indexOf(char ch, unsigned int fromIndex) const {
  if (fromIndex >= len_) return -1;
  const char *p = strchr(buffer_ + fromIndex, ch);
  return p ? static_cast<int>(p - buffer_) : -1;
}
int String::indexOf(const String &s) const { return indexOf(s, 0); }
int String::indexOf(const String &s, unsigned int fromIndex) const {
  if (fromIndex >= len_) return -1;
  const char *p = strstr(buffer_ + fromIndex, s.c_str());
  return p ? static_cast<int>(p - buffer_) : -1;
}
int String::lastIndexOf(char ch) const { return len_ ? lastIndexOf(ch, len_ - 1) : -1; }
int String::lastIndexOf(char ch, unsigned int fromIndex) const {
  if (fromIndex >= len_) return -1;
  for (int i = static_cast<int>(fromIndex); i >= 0; i--) {
    if (buffer_[i] == ch) return i;
  }
  return -1;
}
int String::lastIndexOf(const String &s) const { return len_ >= s.len_ ? lastIndexOf(s, len_ - s.len_) : -1; }
int String::lastIndexOf(const String &s, unsigned int fromIndex) const {
  if (s.len_ == 0 || len_ == 0 || s.len_ > len_) return -1;
  if (fromIndex >= len_) fromIndex = len_ - 1;
  for (int i = static_cast<int>(fromIndex); i >= 0; i--) {
    if (static_cast<unsigned int>(i) + s.len_ <= len_ && strncmp(buffer_ + i, s.buffer_, s.len_) == 0) return i;
  }
  return -1;
}
String String::substring(unsigned int left, unsigned int right) const {
  if (left > right) {
    unsigned int t = left;
    left = right;
    right = t;
  }
  if (left >= len_) return String();
  if (right > len_) right = len_;
  return String(buffer_ + left, right - left);
}

void String::replace(char find, char replace) {
  for (unsigned int i = 0; i < len_; i++) {
    if (buffer_[i] == find) buffer_[i] = replace;
  }
}
void String::replace(const String &find, const String &replace) {
  if (len_ == 0 || find.len_ == 0) return;
  String out;
  unsigned int i = 0;
  while (i < len_) {
    if (i + find.len_ <= len_ && strncmp(buffer_ + i, find.buffer_, find.len_) == 0) {
      out.concat(replace);
      i += find.len_;
    } else {
      out.concat(buffer_[i++]);
    }
  }
  *this = out;
}
void String::remove(unsigned int index) { remove(index, static_cast<unsigned int>(-1)); }
void String::remove(unsigned int index, unsigned int count) {
  if (index >= len_ || count == 0) return;
  if (count > len_ - index) count = len_ - index;
  memmove(buffer_ + index, buffer_ + index + count, len_ - index - count + 1);
  len_ -= count;
}
void String::toLowerCase() {
  for (unsigned int i = 0; i < len_; i++) buffer_[i] = static_cast<char>(tolower(static_cast<unsigned char>(buffer_[i])));
}
void String::toUpperCase() {
  for (unsigned int i = 0; i < len_; i++) buffer_[i] = static_cast<char>(toupper(static_cast<unsigned char>(buffer_[i])));
}
void String::trim() {
  if (!buffer_ || len_ == 0) return;
  unsigned int b = 0;
  while (b < len_ && isspace(static_cast<unsigned char>(buffer_[b]))) b++;
  unsigned int e = len_;
  while (e > b && isspace(static_cast<unsigned char>(buffer_[e - 1]))) e--;
  len_ = e - b;
  memmove(buffer_, buffer_ + b, len_);
  buffer_[len_] = 0;
}

long String::toInt() const { return buffer_ ? atol(buffer_) : 0; }
float String::toFloat() const { return static_cast<float>(toDouble()); }
double String::toDouble() const { return buffer_ ? atof(buffer_) : 0; }
