// nx-fastled native core: the SPI object (see SPI.h).
#include "SPI.h"

SPIClass SPI;
