/*
 * nx-fastled native core: EEPROM on the host is 1 KiB of RAM that starts erased (0xFF), with the AVR
 * EEPROM library's API (read, write, update, get, put, operator[], length). Nothing persists between runs.
 */
#ifndef NX_FASTLED_NATIVE_EEPROM_H
#define NX_FASTLED_NATIVE_EEPROM_H

#include "Arduino.h"

#define E2END 0x3FF

class EEPROMClass {
 public:
  uint8_t read(int idx) { return cell(idx); }
  void write(int idx, uint8_t val) { cell(idx) = val; }
  void update(int idx, uint8_t val) { cell(idx) = val; }
  uint8_t &operator[](int idx) { return cell(idx); }
  uint16_t length() { return E2END + 1; }
  template <typename T>
  T &get(int idx, T &t) {
    for (size_t i = 0; i < sizeof(T); i++) reinterpret_cast<uint8_t *>(&t)[i] = cell(idx + static_cast<int>(i));
    return t;
  }
  template <typename T>
  const T &put(int idx, const T &t) {
    for (size_t i = 0; i < sizeof(T); i++) cell(idx + static_cast<int>(i)) = reinterpret_cast<const uint8_t *>(&t)[i];
    return t;
  }

 private:
  static uint8_t &cell(int idx) {
    static uint8_t bytes[E2END + 1];
    static bool erased = false;
    if (!erased) {
      memset(bytes, 0xFF, sizeof(bytes));
      erased = true;
    }
    return bytes[static_cast<unsigned>(idx) % (E2END + 1)];
  }
};

static EEPROMClass EEPROM;

#endif /* NX_FASTLED_NATIVE_EEPROM_H */
