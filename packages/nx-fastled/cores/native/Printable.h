/* nx-fastled native core: Printable, for classes that know how to print themselves (Arduino API). */
#ifndef NX_FASTLED_NATIVE_PRINTABLE_H
#define NX_FASTLED_NATIVE_PRINTABLE_H

#include <stddef.h>

class Print;

class Printable {
 public:
  virtual ~Printable() {}
  virtual size_t printTo(Print &p) const = 0;
};

#endif /* NX_FASTLED_NATIVE_PRINTABLE_H */
