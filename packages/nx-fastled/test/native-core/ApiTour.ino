// Exercises the native core's Arduino API the way library code does; the spec compares its output.
#include <Wire.h>
#include <SPI.h>
#include <EEPROM.h>

struct Point : public Printable {
  int x, y;
  Point(int a, int b) : x(a), y(b) {}
  size_t printTo(Print &p) const override { return p.print("(") + p.print(x) + p.print(",") + p.print(y) + p.print(")"); }
};

void setup() {
  Serial.begin(115200);
  String s = String("Temp: ") + 21 + "." + String(5) + 'C';
  s += F(" ok");
  Serial.println(s);
  Serial.println(String(255, HEX) + " " + String(-1, DEC) + " " + String(3.14159, 3) + " " + String(10, BIN));
  String t = "  Hello World  ";
  t.trim();
  t.replace("World", "Host");
  t.toUpperCase();
  Serial.print(t);
  Serial.print(' ');
  Serial.print(t.indexOf('H', 1));
  Serial.print(' ');
  Serial.print(t.substring(6));
  Serial.print(' ');
  Serial.println(t.startsWith("HELLO") && t.endsWith("HOST") && t.equalsIgnoreCase("hello host"));
  Serial.println(Point(3, -4));
  char buf[16];
  Serial.println(dtostrf(2.5, 6, 2, buf));
  Serial.println(itoa(-42, buf, 10));
  Wire.begin();
  Wire.beginTransmission(0x3C);
  Wire.write(0x00);
  Serial.print("i2c=");
  Serial.print(Wire.endTransmission());
  Serial.print(" got=");
  Serial.println(Wire.requestFrom(0x3C, 2));
  SPI.begin();
  SPI.beginTransaction(SPISettings(1000000, MSBFIRST, SPI_MODE0));
  Serial.print("spi=");
  Serial.println(SPI.transfer(0x9F), HEX);
  SPI.endTransaction();
  EEPROM.put(10, 12345L);
  long back = 0;
  EEPROM.get(10, back);
  Serial.print("eeprom=");
  Serial.print(back);
  Serial.print(" fresh=");
  Serial.println(EEPROM.read(100));
  Serial.setTimeout(50);
  long a = Serial.parseInt();
  float f = Serial.parseFloat();
  String word = Serial.readStringUntil('\n');
  word.trim();
  Serial.print("read ");
  Serial.print(a);
  Serial.print(' ');
  Serial.print(f, 2);
  Serial.print(" [");
  Serial.print(word);
  Serial.println("]");
  unsigned long t0 = millis();
  delay(250);
  Serial.print("elapsed>=250 ");
  Serial.println(millis() - t0 >= 250);
  Serial.print("eof ");
  Serial.println(Serial.read());
}

void loop() {}
