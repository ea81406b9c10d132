// LED frames reported by libraries running on the native core (nxFastledLedFrame in Arduino.h). When the
// environment names a file in NX_FASTLED_LED_FRAMES, each frame is one line appended to it:
//   <pin> <millis> <hex R G B per LED>
// the same line format the FastLED stub capture writes (see src/sim/native-run.ts), read back by
// `nx-fastled-task test`. The file is opened on the first frame and flushed after every line, so a program
// that crashes later still leaves every frame it showed.
#include "Arduino.h"

#include <stdio.h>

static FILE *framesFile = NULL;
static bool framesChecked = false;

void nxFastledLedFrame(uint8_t pin, const uint8_t *rgb, uint16_t leds) {
  if (!framesChecked) {
    framesChecked = true;
    const char *name = getenv("NX_FASTLED_LED_FRAMES");
    if (name && *name) framesFile = fopen(name, "w");
  }
  if (!framesFile) return;
  fprintf(framesFile, "%u %lu ", (unsigned)pin, millis());
  for (uint16_t i = 0; i < 3u * leds; i++) fprintf(framesFile, "%02x", rgb[i]);
  fputc('\n', framesFile);
  fflush(framesFile);
}
