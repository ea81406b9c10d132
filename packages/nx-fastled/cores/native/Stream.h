/*
 * nx-fastled native core: Stream, a Print that can also be read (Arduino API: available/read/peek plus the
 * timed parsing helpers). Timeouts run on the core's virtual clock (wiring.cpp), so they end quickly.
 */
#ifndef NX_FASTLED_NATIVE_STREAM_H
#define NX_FASTLED_NATIVE_STREAM_H

#include "Print.h"

enum LookaheadMode { SKIP_ALL, SKIP_NONE, SKIP_WHITESPACE };
#define NO_IGNORE_CHAR '\x01'

class Stream : public Print {
 public:
  Stream() : timeout_(1000) {}
  virtual int available() = 0;
  virtual int read() = 0;
  virtual int peek() = 0;

  void setTimeout(unsigned long timeout) { timeout_ = timeout; }
  unsigned long getTimeout() const { return timeout_; }

  bool find(const char *target) { return findUntil(target, strlen(target), NULL, 0); }
  bool find(const uint8_t *target) { return find(reinterpret_cast<const char *>(target)); }
  bool find(const char *target, size_t length) { return findUntil(target, length, NULL, 0); }
  bool find(char target) { return find(&target, 1); }
  bool findUntil(const char *target, const char *terminator) {
    return findUntil(target, strlen(target), terminator, terminator ? strlen(terminator) : 0);
  }
  bool findUntil(const char *target, size_t targetLen, const char *terminate, size_t termLen);

  long parseInt(LookaheadMode lookahead = SKIP_ALL, char ignore = NO_IGNORE_CHAR);
  float parseFloat(LookaheadMode lookahead = SKIP_ALL, char ignore = NO_IGNORE_CHAR);

  size_t readBytes(char *buffer, size_t length);
  size_t readBytes(uint8_t *buffer, size_t length) { return readBytes(reinterpret_cast<char *>(buffer), length); }
  size_t readBytesUntil(char terminator, char *buffer, size_t length);
  size_t readBytesUntil(char terminator, uint8_t *buffer, size_t length) {
    return readBytesUntil(terminator, reinterpret_cast<char *>(buffer), length);
  }
  String readString();
  String readStringUntil(char terminator);

 protected:
  int timedRead();
  int timedPeek();
  int peekNextDigit(LookaheadMode lookahead, bool detectDecimal);
  unsigned long timeout_;
};

#endif /* NX_FASTLED_NATIVE_STREAM_H */
