// nx-fastled native core: entry point. Runs setup() once, then loop() a bounded number of times
// (environment NX_FASTLED_NATIVE_LOOPS, default 5; 0 means setup() only), flushes stdout, exits 0.
#include "Arduino.h"

#include <stdio.h>

static long loopCount() {
  const char *text = getenv("NX_FASTLED_NATIVE_LOOPS");
  if (text == NULL || *text == '\0') return 5;
  char *end = NULL;
  long n = strtol(text, &end, 10);
  if (*end != '\0' || n < 0) return 5;
  return n;
}

int main() {
  long loops = loopCount();
  init();
  setup();
  for (long i = 0; i < loops; i++) {
    loop();
    yield();
  }
  Serial.flush();
  fflush(stdout);
  return 0;
}
