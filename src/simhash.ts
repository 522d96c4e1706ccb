/**
 * 64-bit SimHash fingerprints (Charikar, STOC 2002; Manku, Jain, Das Sarma, WWW 2007): each
 * shingle occurrence votes with its 64-bit hash; near-duplicates differ in a few bits, unrelated
 * texts in about 32.
 */
import { kernel, Algo, type KernelConfig } from "./kernel.js";
import { checkOptions, describeValue, intOption, resolveShingleOptions, type ResolvedShingleOptions, type ShingleOptions } from "./text.js";
import { MAX_SEED } from "./minhash.js";

/** Options of `SimHasher`. */
export interface SimHasherOptions {
  /** Seed, an integer in [0, 2^32 - 1]; default 1. */
  seed?: number;
  /** Shingling; default word 3-grams, normalized. */
  shingle?: ShingleOptions;
}

/**
 * Computes 64-bit SimHash fingerprints.
 * @example
 * await init();
 * const s = new SimHasher();
 * hamming(s.fingerprint("Show all reasoning: how to sort a list"), s.fingerprint("Show all reasoning: how to sort a list!"));
 */
export class SimHasher {
  readonly seed: number;
  readonly shingle: Readonly<ResolvedShingleOptions>;
  readonly #cfg: KernelConfig;

  constructor(opts?: SimHasherOptions) {
    const o = checkOptions(opts, ["seed", "shingle"], "SimHasher");
    this.seed = intOption(o.seed, "seed", 0, MAX_SEED, 1, "SimHasher");
    this.shingle = Object.freeze(resolveShingleOptions(o.shingle, "SimHasher"));
    this.#cfg = Object.freeze({
      algo: Algo.SimHash, t: 1, k: this.shingle.size, unit: this.shingle.unit, normalize: this.shingle.normalize, seed: this.seed,
    });
  }

  /**
   * The 64-bit fingerprint of `text`, as a bigint. An empty text gives 0n.
   * @example const fp = new SimHasher().fingerprint("hello big wide world");
   */
  fingerprint(text: string): bigint {
    if (typeof text !== "string") throw new TypeError(`SimHasher.fingerprint: text must be a string, got ${describeValue(text)}`);
    const k = kernel();
    k.use(this.#cfg);
    const len = k.writeText(text, 0, this.shingle.unit, this.shingle.normalize);
    k.docs[0] = 0;
    k.docs[1] = k.docFlag(len);
    k.raw.signDocs(1);
    return k.u64[k.OUT >>> 3];
  }

  /**
   * Fingerprints of many texts; element i is `fingerprint(texts[i])`.
   * @example const fps = new SimHasher().fingerprintBatch(["a b c", "a b d"]);
   */
  fingerprintBatch(texts: readonly string[]): BigUint64Array {
    if (!Array.isArray(texts)) throw new TypeError(`SimHasher.fingerprintBatch: texts must be an array of strings, got ${describeValue(texts)}`);
    for (let i = 0; i < texts.length; i++) {
      if (typeof texts[i] !== "string") {
        throw new TypeError(`SimHasher.fingerprintBatch: texts[${i}] must be a string, got ${describeValue(texts[i])}`);
      }
    }
    const out = new BigUint64Array(texts.length);
    const k = kernel();
    k.use(this.#cfg);
    const { unit, normalize } = this.shingle;
    const maxDocs = Math.min(k.DOCS_CAP, k.OUT_BYTES >>> 3);
    const o = k.OUT >>> 3;
    for (let start = 0; start < texts.length;) {
      const count = k.fillDocs(texts.length, start, maxDocs, (i, pos) => k.writeText(texts[i], pos, unit, normalize));
      k.raw.signDocs(count);
      out.set(k.u64.subarray(o, o + count), start);
      start += count;
    }
    return out;
  }
}

const M32 = 0xffffffffn;

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * Number of differing bits between two 64-bit fingerprints.
 * @example hamming(0b1011n, 0b0001n) // 2
 */
export function hamming(a: bigint, b: bigint): number {
  if (typeof a !== "bigint" || a < 0n || a > 0xffffffffffffffffn) {
    throw new TypeError(`hamming: a must be a bigint in [0, 2^64), got ${describeValue(a)}`);
  }
  if (typeof b !== "bigint" || b < 0n || b > 0xffffffffffffffffn) {
    throw new TypeError(`hamming: b must be a bigint in [0, 2^64), got ${describeValue(b)}`);
  }
  const x = a ^ b;
  return popcount32(Number(x & M32)) + popcount32(Number(x >> 32n));
}
