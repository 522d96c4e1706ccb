// A straightforward, competent plain-JavaScript MinHash baseline.
//
// What a good JS developer would write without WebAssembly:
//   * tokenise with one Unicode regex over the lower-cased text
//     (same rules as corpus.mjs#wordShingles: word 3-grams, or all words if
//     fewer than 3)
//   * FNV-1a 32-bit over the UTF-16 code units of each shingle string
//     "w1 w2 w3" (computed incrementally, no string concatenation), followed by
//     the murmur3 fmix32 finaliser to spread the bits
//   * numPerm hash functions h_i(x) = (a_i * x + b_i) mod 2^32 with odd a_i,
//     evaluated with Math.imul, keeping the minimum per slot in a Uint32Array.

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a 32-bit over the UTF-16 code units of `str`. */
export function fnv1a32(str) {
  let h = FNV_OFFSET;
  for (let i = 0; i < str.length; i++) h = Math.imul(h ^ str.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

/** murmur3 32-bit finaliser. */
export function fmix32(h) {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const WORD_RE = /[\p{L}\p{N}]+/gu;
const K = 3;

export class PlainMinHash {
  /**
   * @param {number} [numPerm=128]
   * @param {number} [seed=1]
   */
  constructor(numPerm = 128, seed = 1) {
    this.numPerm = numPerm;
    this.a = new Uint32Array(numPerm);
    this.b = new Uint32Array(numPerm);
    // xorshift32 stream for the permutation parameters
    let s = (seed ^ 0x9e3779b9) >>> 0 || 1;
    const next = () => {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      return s >>> 0;
    };
    for (let i = 0; i < numPerm; i++) {
      this.a[i] = (next() | 1) >>> 0; // odd multiplier -> bijection mod 2^32
      this.b[i] = next();
    }
  }

  /** Hash of one shingle (already-joined string), same as used by sign(). */
  static hashShingle(shingle) {
    return fmix32(fnv1a32(shingle));
  }

  /**
   * MinHash signature of `text` (word 3-gram shingles).
   * @param {string} text
   * @returns {Uint32Array}
   */
  sign(text) {
    const n = this.numPerm;
    const a = this.a;
    const b = this.b;
    const sig = new Uint32Array(n).fill(0xffffffff);
    const words = text.toLowerCase().match(WORD_RE);
    if (words === null) return sig;

    const nShingles = words.length < K ? 1 : words.length - K + 1;
    const width = words.length < K ? words.length : K;
    for (let s = 0; s < nShingles; s++) {
      // FNV-1a of words[s] + ' ' + words[s+1] + ' ' + words[s+2]
      let h = FNV_OFFSET;
      for (let j = 0; j < width; j++) {
        if (j > 0) h = Math.imul(h ^ 32, FNV_PRIME);
        const w = words[s + j];
        for (let c = 0; c < w.length; c++) h = Math.imul(h ^ w.charCodeAt(c), FNV_PRIME);
      }
      const x = fmix32(h >>> 0);
      for (let i = 0; i < n; i++) {
        const v = (Math.imul(a[i], x) + b[i]) >>> 0;
        if (v < sig[i]) sig[i] = v;
      }
    }
    return sig;
  }
}

/** Fraction of equal slots: the usual MinHash Jaccard estimate. */
export function signatureJaccard(x, y) {
  if (x.length !== y.length) throw new Error('signature lengths differ');
  let eq = 0;
  for (let i = 0; i < x.length; i++) if (x[i] === y[i]) eq++;
  return eq / x.length;
}
