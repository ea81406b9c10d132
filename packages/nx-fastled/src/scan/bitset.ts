// A growable set of small non-negative integers (file ids), as 32-bit words: closures are unions of these.
export class Bitset {
  words: Uint32Array;

  constructor(capacity = 0) {
    this.words = new Uint32Array((capacity + 31) >>> 5);
  }

  has(i: number): boolean {
    const w = i >>> 5;
    return w < this.words.length && (this.words[w] & (1 << (i & 31))) !== 0;
  }

  /** Adds `i`; false if it was there already. */
  add(i: number): boolean {
    const w = i >>> 5;
    if (w >= this.words.length) this.grow(w + 1);
    const bit = 1 << (i & 31);
    if (this.words[w] & bit) return false;
    this.words[w] |= bit;
    return true;
  }

  /** Adds every member of `other`; true if that added anything. */
  or(other: Bitset): boolean {
    const o = other.words;
    if (o.length > this.words.length) this.grow(o.length);
    const t = this.words;
    let changed = false;
    for (let w = 0; w < o.length; w++) {
      const v = o[w];
      if (v !== 0 && (t[w] | v) !== t[w]) {
        t[w] |= v;
        changed = true;
      }
    }
    return changed;
  }

  /** Whether every member of `other` is in this set. */
  covers(other: Bitset): boolean {
    const o = other.words;
    const t = this.words;
    for (let w = 0; w < o.length; w++) {
      const v = o[w];
      if (v !== 0 && (w >= t.length || (t[w] & v) !== v)) return false;
    }
    return true;
  }

  clone(): Bitset {
    const b = new Bitset();
    b.words = this.words.slice();
    return b;
  }

  count(): number {
    let n = 0;
    for (let w = 0; w < this.words.length; w++) {
      let v = this.words[w];
      while (v) {
        v &= v - 1;
        n++;
      }
    }
    return n;
  }

  forEach(f: (i: number) => void): void {
    const t = this.words;
    for (let w = 0; w < t.length; w++) {
      let v = t[w];
      while (v) {
        const low = v & -v;
        f((w << 5) + 31 - Math.clz32(low));
        v ^= low;
      }
    }
  }

  /** Members of both sets, ascending. */
  static both(a: Bitset, b: Bitset): number[] {
    const out: number[] = [];
    const n = Math.min(a.words.length, b.words.length);
    for (let w = 0; w < n; w++) {
      let v = a.words[w] & b.words[w];
      while (v) {
        const low = v & -v;
        out.push((w << 5) + 31 - Math.clz32(low));
        v ^= low;
      }
    }
    return out;
  }

  private grow(words: number): void {
    const next = new Uint32Array(Math.max(words, this.words.length * 2));
    next.set(this.words);
    this.words = next;
  }
}
