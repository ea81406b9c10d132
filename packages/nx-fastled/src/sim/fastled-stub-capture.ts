// C++ lines appended to every FastLED sketch built for the host (after FastLED's stub main()), so a `test` run
// can see the LED frames: at the end of each show(), the RGB pixels FastLED's stub controllers handed to
// ActiveStripData (before colour order and brightness, one entry per controller) are written as lines
// "<strip id> <millis> <hex RGB...>" to the file NX_FASTLED_LED_FRAMES names (sim/native-run.ts reads them).
// Without that variable the listener is never registered: the program behaves exactly as before.
export const FASTLED_STUB_CAPTURE: string[] = [
  '#include "platforms/shared/active_strip_data/active_strip_data.h"',
  '#include <stdio.h>',
  '#include <stdlib.h>',
  'namespace nx_fastled_capture {',
  'struct FrameWriter : fl::EngineEvents::Listener {',
  '  FILE *out = nullptr;',
  '  FrameWriter() { const char *f = getenv("NX_FASTLED_LED_FRAMES"); if (f && *f && (out = fopen(f, "w"))) fl::EngineEvents::addListener(this); }',
  '  void onEndShowLeds() FL_NO_EXCEPT override {',
  '    unsigned long t = (unsigned long)millis();',
  '    for (const auto &strip : fl::ActiveStripData::Instance().getData()) {',
  '      fprintf(out, "%d %lu ", (int)strip.first, t);',
  '      for (fl::size i = 0; i < strip.second.size(); i++) fprintf(out, "%02x", (unsigned)strip.second[i]);',
  "      fputc('\\n', out);",
  '    }',
  '    fflush(out);',
  '  }',
  '};',
  'static FrameWriter frameWriter;',
  '}',
];
