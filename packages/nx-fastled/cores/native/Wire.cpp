// nx-fastled native core: the Wire object (see Wire.h).
#include "Wire.h"

TwoWire Wire;
