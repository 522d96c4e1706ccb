/**
 * MinHash signatures (A. Broder, "On the resemblance and containment of documents", 1997):
 * the TypeScript face of the kernel's three algorithms.
 */
import { kernel, Algo, type Kernel, type KernelConfig } from "./kernel.js";
import {
  checkOptions, describeValue, intOption, resolveShingleOptions, type ResolvedShingleOptions, type ShingleOptions,
} from "./text.js";
import { datasketchPermutations } from "./permutations.js";

/** MinHash algorithms. */
export type MinHashAlgorithm = "fast" | "classic" | "datasketch";

/** Options of `MinHasher`. */
export interface MinHasherOptions {
  /** Slots per signature, 1 to 8192; default 128. */
  numPerm?: number;
  /** Seed, an integer in [0, 2^32 - 1]; default 1 (datasketch's default). */
  seed?: number;
  /** 'fast' (default), 'classic' or 'datasketch'. */
  algorithm?: MinHashAlgorithm;
  /** Shingling; default word 3-grams, normalized. */
  shingle?: ShingleOptions;
}

export const MAX_PERM = 8192;
export const MAX_SEED = 0xffffffff;
const ALGOS: Record<MinHashAlgorithm, Algo> = { fast: Algo.Fast, classic: Algo.Classic, datasketch: Algo.Datasketch };

/**
 * Signatures returned by `sign` are views into shared 64 KiB slabs, as Node.js's Buffer pool does:
 * a fresh 512-byte typed array costs an off-heap allocation (about 0.8 us in V8, more than
 * signing a prompt), a view on a slab about 15 ns. A view's `byteOffset` may be non-zero and its
 * `buffer` holds other signatures: copy it (`sig.slice()`) before transferring the buffer.
 */
const SLAB_BYTES = 1 << 16;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

function allocSignature(n: number): Uint32Array {
  const bytes = n * 4;
  if (bytes > SLAB_BYTES >>> 2) return new Uint32Array(n);
  if (slabUsed + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const out = new Uint32Array(slab, slabUsed, n);
  slabUsed += bytes;
  return out;
}

/**
 * Computes MinHash signatures of texts or of caller-given shingle sets.
 *
 * - `'fast'` (default): Fast Similarity Sketching (Dahlgaard, Knudsen, Thorup, FOCS 2017), O(shingles + numPerm log numPerm) per text.
 * - `'classic'`: numPerm independent hash functions, minimum per slot (SIMD).
 * - `'datasketch'`: byte-for-byte the signatures of Python datasketch 1.10 `MinHash` with the same seed.
 *
 * Signatures of different algorithms, seeds, numPerm or shingling are not comparable.
 * @example
 * await init();
 * const h = new MinHasher({ numPerm: 128 });
 * jaccard(h.sign("Explain step by step how to bake bread."), h.sign("Explain step by step how to bake a cake."));
 */
export class MinHasher {
  readonly numPerm: number;
  readonly seed: number;
  readonly algorithm: MinHashAlgorithm;
  readonly shingle: Readonly<ResolvedShingleOptions>;
  readonly #cfg: KernelConfig;
  /** View of the kernel's OUT slots for one signature, rebuilt when memory grows. */
  #outView: Uint32Array | null = null;
  #outGen = -1;
  #outKernel: Kernel | null = null;

  constructor(opts?: MinHasherOptions) {
    const o = checkOptions(opts, ["numPerm", "seed", "algorithm", "shingle"], "MinHasher");
    this.numPerm = intOption(o.numPerm, "numPerm", 1, MAX_PERM, 128, "MinHasher");
    this.seed = intOption(o.seed, "seed", 0, MAX_SEED, 1, "MinHasher");
    const algorithm = (o.algorithm ?? "fast") as MinHashAlgorithm;
    if (!Object.prototype.hasOwnProperty.call(ALGOS, algorithm)) {
      throw new RangeError(`MinHasher: algorithm must be 'fast', 'classic' or 'datasketch', got ${describeValue(algorithm)}`);
    }
    this.algorithm = algorithm;
    this.shingle = Object.freeze(resolveShingleOptions(o.shingle, "MinHasher"));
    const perms = algorithm === "datasketch" ? datasketchPermutations(this.numPerm, this.seed) : undefined;
    this.#cfg = Object.freeze({
      algo: ALGOS[algorithm], t: this.numPerm, k: this.shingle.size, unit: this.shingle.unit,
      normalize: this.shingle.normalize, seed: this.seed, perms,
    });
  }

  /**
   * The signature of `text`'s shingle set: `numPerm` 32-bit slots. The array may be a view into a
   * shared slab (see `allocSignature`); `sig.slice()` gives a copy with a buffer of its own.
   * @example const sig = hasher.sign("Translate into French: good morning");
   */
  sign(text: string): Uint32Array {
    const out = allocSignature(this.numPerm);
    this.signInto(text, out, 0);
    return out;
  }

  /**
   * Writes the signature of `text` into `out[offset .. offset + numPerm)`.
   * @example const rows = new Uint32Array(2 * 128); h.signInto("a b c", rows, 128);
   */
  signInto(text: string, out: Uint32Array, offset = 0): void {
    if (typeof text !== "string") throw new TypeError(`MinHasher.signInto: text must be a string, got ${describeValue(text)}`);
    this.#checkOut(out, offset, this.numPerm, "signInto");
    const k = kernel();
    k.use(this.#cfg);
    const len = k.writeText(text, 0, this.shingle.unit, this.shingle.normalize);
    k.docs[0] = 0;
    k.docs[1] = k.docFlag(len);
    k.raw.signDocs(1);
    out.set(this.#signatureView(k), offset);
  }

  #signatureView(k: Kernel): Uint32Array {
    if (this.#outGen !== k.generation || this.#outKernel !== k) {
      const o = k.OUT >>> 2;
      this.#outView = k.u32.subarray(o, o + this.numPerm);
      this.#outGen = k.generation;
      this.#outKernel = k;
    }
    return this.#outView!;
  }

  /**
   * Signatures of many texts, row-major: row i (`texts.length` rows of `numPerm`) is `sign(texts[i])`.
   * Texts cross into WebAssembly in batches of about 1 MiB, one call per batch.
   * @example const sigs = h.signBatch(prompts); const row3 = sigs.subarray(3 * h.numPerm, 4 * h.numPerm);
   */
  signBatch(texts: readonly string[]): Uint32Array {
    if (!Array.isArray(texts)) throw new TypeError(`MinHasher.signBatch: texts must be an array of strings, got ${describeValue(texts)}`);
    const out = new Uint32Array(texts.length * this.numPerm);
    this.signBatchInto(texts, out, 0);
    return out;
  }

  /**
   * `signBatch` into a caller's buffer, starting at `offset`.
   * @example const buf = new Uint32Array(n * 128); h.signBatchInto(prompts, buf);
   */
  signBatchInto(texts: readonly string[], out: Uint32Array, offset = 0): void {
    if (!Array.isArray(texts)) throw new TypeError(`MinHasher.signBatchInto: texts must be an array of strings, got ${describeValue(texts)}`);
    for (let i = 0; i < texts.length; i++) {
      if (typeof texts[i] !== "string") {
        throw new TypeError(`MinHasher.signBatch: texts[${i}] must be a string, got ${describeValue(texts[i])}`);
      }
    }
    const t = this.numPerm;
    this.#checkOut(out, offset, texts.length * t, "signBatchInto");
    const k = kernel();
    k.use(this.#cfg);
    const maxDocs = Math.min(k.DOCS_CAP, Math.floor(k.OUT_BYTES / (4 * t)));
    const { unit, normalize } = this.shingle;
    const o = k.OUT >>> 2;
    for (let start = 0; start < texts.length;) {
      const count = k.fillDocs(texts.length, start, maxDocs, (i, pos) => k.writeText(texts[i], pos, unit, normalize));
      k.raw.signDocs(count);
      out.set(k.u32.subarray(o, o + count * t), offset + start * t);
      start += count;
    }
  }

  /**
   * The signature of a set of shingles you cut yourself. Strings are hashed as their UTF-8 bytes
   * (lone surrogates as U+FFFD), Uint8Arrays as given (never decoded, so any bytes are fine).
   * With 'datasketch' this equals datasketch's `MinHash.update_batch(shingles)`.
   * @example new MinHasher({ algorithm: "datasketch" }).signShingles(["the quick brown", "quick brown fox"]);
   */
  signShingles(shingles: readonly (string | Uint8Array)[]): Uint32Array {
    if (!Array.isArray(shingles)) {
      throw new TypeError(`MinHasher.signShingles: shingles must be an array of strings or Uint8Arrays, got ${describeValue(shingles)}`);
    }
    for (let i = 0; i < shingles.length; i++) {
      const s = shingles[i];
      if (typeof s !== "string" && !(s instanceof Uint8Array)) {
        throw new TypeError(`MinHasher.signShingles: shingles[${i}] must be a string or Uint8Array, got ${describeValue(s)}`);
      }
    }
    const k = kernel();
    k.use(this.#cfg);
    let start = 0;
    do {
      const count = k.fillDocs(shingles.length, start, k.DOCS_CAP, (i, pos) => k.writeBytes(shingles[i], pos));
      k.exports.signShingles(count, start === 0 ? 1 : 0, start + count >= shingles.length ? 1 : 0);
      start += count;
    } while (start < shingles.length);
    const o = k.OUT >>> 2;
    const out = allocSignature(this.numPerm);
    out.set(k.u32.subarray(o, o + this.numPerm));
    return out;
  }

  #checkOut(out: Uint32Array, offset: number, need: number, where: string): void {
    if (!(out instanceof Uint32Array)) throw new TypeError(`MinHasher.${where}: out must be a Uint32Array, got ${describeValue(out)}`);
    if (!Number.isInteger(offset) || offset < 0 || offset + need > out.length) {
      throw new RangeError(
        `MinHasher.${where}: out has ${out.length} slots but offset ${String(offset)} + ${need} are needed; allocate new Uint32Array(offset + ${need})`,
      );
    }
  }
}

/**
 * Estimated Jaccard similarity of two signatures: the fraction of equal slots (datasketch's
 * `MinHash.jaccard`). Both must come from the same hasher settings.
 * @example jaccard(h.sign("a b c d"), h.sign("a b c e"))
 */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  if (!(a instanceof Uint32Array)) throw new TypeError(`jaccard: a must be a Uint32Array signature, got ${describeValue(a)}`);
  if (!(b instanceof Uint32Array)) throw new TypeError(`jaccard: b must be a Uint32Array signature, got ${describeValue(b)}`);
  if (a.length !== b.length) {
    throw new RangeError(
      `jaccard: cannot compute Jaccard given signatures with different numbers of permutation functions (${a.length} vs ${b.length}); sign both with the same numPerm`,
    );
  }
  if (a.length === 0) throw new RangeError("jaccard: signatures are empty; numPerm must be at least 1");
  let eq = 0;
  for (let i = 0; i < a.length; i++) eq += a[i] === b[i] ? 1 : 0;
  return eq / a.length;
}
