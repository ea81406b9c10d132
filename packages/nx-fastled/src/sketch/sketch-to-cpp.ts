// sketchToCpp: a sketch's .ino files to the one C++ translation unit the Arduino builder compiles
// (`<Sketch>.ino.cpp`): `#include <Arduino.h>` unless the main file includes it itself, then each file
// behind its own `#line 1 "<path>"` (main first, the rest as given), with the prototype section spliced
// into the main file before the line(s) `planPrototypes` chose. Each prototype is preceded by `#line` pointing
// at its definition, and the section ends with `#line <n> "<main>"`, so every original line keeps its
// file and number in diagnostics. The output depends only on the inputs: no clock, no environment.

import { scanTopLevel, CondContext, FunctionDecl } from './declarations';
import { normaliseSketchText } from './decode';
import { lex } from './lexer';
import { planPrototypes } from './prototypes';
import { SketchError } from './sketch-error';

export interface SketchFile {
  /** Workspace-relative POSIX path; it is what `#line` directives name. */
  path: string;
  /** The file's text, or its raw bytes (then non-UTF-8 content is reported with its exact line). */
  text: string | Uint8Array;
}

// The builder's own test (arduino-cli sketch merge): an include of Arduino.h anywhere at line start.
const INCLUDES_ARDUINO_H = /^\s*#\s*include\s*[<"]Arduino\.h[>"]/m;
const GUARD = 'NX_FASTLED_SKETCH_PROTOTYPES';

export function sketchToCpp(files: SketchFile[]): string {
  if (files.length === 0) throw new Error('sketchToCpp: no .ino files given; pass the main .ino first');
  const texts = files.map((f) => normaliseSketchText(f.path, f.text));
  const top = scanTopLevel(texts.map((t) => ({ tokens: lex(t) })));
  checkSingleEntryPoints(files, top.definitions);
  const plan = planPrototypes(top);

  const out: string[] = [];
  if (!INCLUDES_ARDUINO_H.test(texts[0])) out.push('#include <Arduino.h>\n');
  const paths = files.map((f) => f.path);
  texts.forEach((text, i) => {
    const body = text.endsWith('\n') || text === '' ? text : `${text}\n`;
    out.push(`#line 1 ${quote(paths[i])}\n`);
    if (i !== 0 || plan.sections.length === 0) {
      out.push(body);
      return;
    }
    const lines = body.split('\n');
    // Several sections only when the first definitions are conditional; then a macro lets the first one
    // the preprocessor reaches win, as the builder's single section would have for that board.
    const guarded = plan.sections.length > 1;
    let done = 0;
    for (const section of plan.sections) {
      const at = Math.min(section.line - 1, lines.length - 1);
      out.push(
        lines
          .slice(done, at)
          .map((l) => `${l}\n`)
          .join(''),
      );
      if (guarded) out.push(`#ifndef ${GUARD}\n#define ${GUARD}\n`);
      out.push(prototypeSection(paths, section.prototypes));
      if (guarded) out.push('#endif\n');
      out.push(`#line ${section.line} ${quote(paths[0])}\n`);
      done = at;
    }
    out.push(lines.slice(done).join('\n'));
  });
  return out.join('');
}

function prototypeSection(paths: string[], prototypes: FunctionDecl[]): string {
  let s = '';
  let open: CondContext = [];
  for (const p of prototypes) {
    // Consecutive prototypes under the same #if chain share one copy of it.
    if (JSON.stringify(p.cond) !== JSON.stringify(open)) {
      s += closeConds(open) + openConds(p.cond);
      open = p.cond;
    }
    s += `#line ${p.line} ${quote(paths[p.file])}\n${p.externC ? 'extern "C" ' : ''}${p.text};\n`;
  }
  return s + closeConds(open);
}

/** Re-enters the branch a definition sits in: the earlier branches of each chain stay empty. */
function openConds(cond: CondContext): string {
  return cond.map((chain) => chain.map((d) => `${d}\n`).join('')).join('');
}

function closeConds(cond: CondContext): string {
  return '#endif\n'.repeat(cond.length);
}

/** Two unconditional definitions of setup() or loop() would only fail at link time, far from the cause. */
function checkSingleEntryPoints(files: SketchFile[], defs: FunctionDecl[]): void {
  for (const name of ['setup', 'loop']) {
    const found = defs.filter((d) => d.name === name && d.cond.length === 0);
    if (found.length > 1) {
      const [a, b] = found;
      throw new SketchError(
        files[b.file].path,
        b.line,
        `${name}() is defined twice: at ${files[a.file].path}:${a.line} and here; a sketch has one ${name}() ` +
          'across all its .ino files (they are compiled as one file): remove or rename one of them',
      );
    }
  }
}

/** A C string literal for `#line`, escaped as gcc and the builder (cpp.QuoteString) do. */
function quote(path: string): string {
  return `"${path.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
