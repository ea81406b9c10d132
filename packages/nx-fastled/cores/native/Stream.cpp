// nx-fastled native core: Stream's timed helpers (see Stream.h), with the Arduino core's semantics: a read
// that times out returns -1; parseInt/parseFloat skip what cannot start a number and return 0 on timeout.
#include "Arduino.h"

int Stream::timedRead() {
  unsigned long start = millis();
  do {
    int c = read();
    if (c >= 0) return c;
    delay(1);  // virtual time: a timeout costs timeout_ polls, not a million
  } while (millis() - start < timeout_);
  return -1;
}

int Stream::timedPeek() {
  unsigned long start = millis();
  do {
    int c = peek();
    if (c >= 0) return c;
    delay(1);  // virtual time: a timeout costs timeout_ polls, not a million
  } while (millis() - start < timeout_);
  return -1;
}

int Stream::peekNextDigit(LookaheadMode lookahead, bool detectDecimal) {
  for (;;) {
    int c = timedPeek();
    if (c < 0 || c == '-' || (c >= '0' && c <= '9') || (detectDecimal && c == '.')) return c;
    switch (lookahead) {
      case SKIP_NONE:
        return -1;
      case SKIP_WHITESPACE:
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return -1;
        break;
      case SKIP_ALL:
        break;
    }
    read();
  }
}

bool Stream::findUntil(const char *target, size_t targetLen, const char *terminate, size_t termLen) {
  if (target == NULL || targetLen == 0) return true;
  size_t matched = 0, termMatched = 0;
  for (;;) {
    int c = timedRead();
    if (c < 0) return false;
    matched = (c == target[matched]) ? matched + 1 : (c == target[0] ? 1 : 0);
    if (matched == targetLen) return true;
    if (termLen > 0) {
      termMatched = (c == terminate[termMatched]) ? termMatched + 1 : (c == terminate[0] ? 1 : 0);
      if (termMatched == termLen) return false;
    }
  }
}

long Stream::parseInt(LookaheadMode lookahead, char ignore) {
  bool negative = false;
  long value = 0;
  int c = peekNextDigit(lookahead, false);
  if (c < 0) return 0;
  do {
    if (c == ignore) {
    } else if (c == '-') {
      negative = true;
    } else if (c >= '0' && c <= '9') {
      value = value * 10 + c - '0';
    }
    read();
    c = timedPeek();
  } while ((c >= '0' && c <= '9') || c == ignore);
  return negative ? -value : value;
}

float Stream::parseFloat(LookaheadMode lookahead, char ignore) {
  bool negative = false, fraction = false;
  double value = 0, scale = 1;
  int c = peekNextDigit(lookahead, true);
  if (c < 0) return 0;
  do {
    if (c == ignore) {
    } else if (c == '-') {
      negative = true;
    } else if (c == '.') {
      fraction = true;
    } else if (c >= '0' && c <= '9') {
      value = value * 10 + c - '0';
      if (fraction) scale *= 10;
    }
    read();
    c = timedPeek();
  } while ((c >= '0' && c <= '9') || (c == '.' && !fraction) || c == ignore);
  value /= scale;
  return static_cast<float>(negative ? -value : value);
}

size_t Stream::readBytes(char *buffer, size_t length) {
  size_t count = 0;
  while (count < length) {
    int c = timedRead();
    if (c < 0) break;
    *buffer++ = static_cast<char>(c);
    count++;
  }
  return count;
}

size_t Stream::readBytesUntil(char terminator, char *buffer, size_t length) {
  size_t count = 0;
  while (count < length) {
    int c = timedRead();
    if (c < 0 || c == terminator) break;
    *buffer++ = static_cast<char>(c);
    count++;
  }
  return count;
}

String Stream::readString() {
  String s;
  int c;
  while ((c = timedRead()) >= 0) s += static_cast<char>(c);
  return s;
}

String Stream::readStringUntil(char terminator) {
  String s;
  int c;
  while ((c = timedRead()) >= 0 && c != terminator) s += static_cast<char>(c);
  return s;
}
