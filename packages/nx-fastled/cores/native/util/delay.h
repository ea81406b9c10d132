/*
 * nx-fastled native core: avr-libc's busy-wait delays, on the core's virtual clock. Libraries that treat
 * every architecture they do not know as AVR include this (Adafruit SSD1306 on anything but ARM/ESP).
 */
#ifndef NX_FASTLED_NATIVE_UTIL_DELAY_H
#define NX_FASTLED_NATIVE_UTIL_DELAY_H

#include "../Arduino.h"

#define _delay_ms(ms) delay((unsigned long)(ms))
#define _delay_us(us) delayMicroseconds((unsigned int)(us))

#endif /* NX_FASTLED_NATIVE_UTIL_DELAY_H */
