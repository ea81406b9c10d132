// Public API of sketch/: .ino files to one C++ translation unit, as the Arduino builder does.

export { sketchToCpp } from './sketch-to-cpp';
export type { SketchFile } from './sketch-to-cpp';
export { SketchError } from './sketch-error';
export { normaliseSketchText } from './decode';
