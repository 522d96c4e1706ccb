/**
 * Banded MinHash LSH: an index of signatures that answers "which keys share at least one band with
 * this signature" (J. Leskovec, A. Rajaraman, J. D. Ullman, *Mining of Massive Datasets*, ch. 3.4.1;
 * the semantics of Python datasketch's `MinHashLSH`, `datasketch/lsh.py`). A signature of numPerm
 * slots is cut into `bands` bands of `rows` consecutive slots (slots past bands * rows are unused, as
 * in datasketch); two signatures are candidates when all rows of some band are equal, which happens
 * with probability 1 - (1 - s^rows)^bands for Jaccard similarity s.
 *
 * Memory layout (ids are dense row numbers from `KeyTable`; b = bands, r = rows, P = numPerm):
 *
 *   signature pages  Uint32Array[]  page p holds ids [p·R, (p+1)·R), row-major:
 *                                   [ id0: s0 s1 … s(P-1) | id1: s0 … | … ]   (R·P·4 bytes ≈ 512 KiB)
 *   link pages       Int32Array[]   per (id, band): [fp | next, prev] in that band's bucket chain
 *                                   [ id0: n0 p0 n1 p1 … n(b-1) p(b-1) | id1: … ]
 *                                   the first word packs next + 1 (26 bits, 0 = none) under fp, the
 *                                   top 6 bits of the id's band hash; prev is an id or -1
 *   mark pages       Uint16Array[]  per id: the query epoch that last reported it (de-duplication)
 *   heads            Int32Array     b tables of `cap` chain heads: heads[j·cap + (h & (cap-1))],
 *                                   h = 32-bit hash of band j's rows; each holds head + 1 (26 bits,
 *                                   0 = empty chain) under a 6-bit summary: bit fp % 6 is set for
 *                                   every id linked since the chain was last empty (bits of removed
 *                                   ids stay until then: a stale bit costs a walk, never a result)
 *
 * A band hash picks a bucket; a bucket's chain holds every id whose band hashes there, so before an
 * id is reported its rows are compared with the query's (a hash collision never adds a key that
 * shares no band). Chains are doubly linked so `remove` unlinks in O(bands) however large a bucket
 * (100,000 copies of one prompt share one). Removed ids go back to `KeyTable`'s free list.
 *
 * A query's cost is memory latency: in a large index every chain node is a cache (and TLB) miss.
 * Three things cut it:
 * - each link carries 6 bits of its id's band hash, so a node of another band value is passed
 *   over without reading its signature (1 in 64 is read in vain): the fingerprints of cuckoo
 *   filters (B. Fan et al., "Cuckoo Filter: Practically Better Than Bloom", CoNEXT 2014, sec. 3),
 *   kept beside a chain pointer;
 * - each head carries a one-hash Bloom filter (B. H. Bloom, "Space/Time Trade-offs in Hash Coding
 *   with Allowable Errors", CACM 1970) of its chain's fingerprints, so most chains without the
 *   query's band value are not walked at all;
 * - the bands are walked side by side, one node of each band per round, so the loads of different
 *   bands do not depend on each other and their misses can overlap (memory-level parallelism, as
 *   in the group prefetching of S. Chen et al., "Improving Hash Join Performance through
 *   Prefetching", ICDE 2004, sec. 4).
 * Ids are packed in 26 bits, so an index holds at most 2^26 - 1 keys (at numPerm 128, 32 GiB of
 * signatures).
 *
 * Cost per (key, band): 8 bytes of links + 4·cap/size bytes of heads (cap, a power of two, doubles
 * when size exceeds 2·cap, so chains average 1 to 2 ids and heads cost 2 to 4 bytes), plus per key
 * about 20 bytes for the key table and 2 for the mark: at numPerm 128 about 11-14 bytes per
 * (key, band) beyond the signatures (bench/index.bench.mjs measures it).
 * datasketch's dict-of-sets spends about 8.8 KB per key at threshold 0.5 (25 bands).
 *
 * Snapshot body (inside the container of persist.ts, kind 1):
 *
 *   u32 numPerm | f64 threshold | u32 bands | u32 rows | hasher record (MINHASHER_FIELDS)
 *   u32 n | n keys (tag + value) | n × numPerm u32 signatures, in key order
 */
import { optimalParams, type LshParams } from "./params.js";
import { MAX_PERM } from "./minhash.js";
import { checkOptions, describeValue, intOption } from "./text.js";
import { KeyTable, checkKey, compareKeys, describeKey, fmix32, type IndexKey } from "./keys.js";
import {
  MINHASHER_FIELDS, SnapshotKind, checkHasherMatch, decodeSnapshot, encodeSnapshot, hasherLength, keyLength,
  readHasher, resolveHasher, writeHasher, type MinHasherParams, type Reader,
} from "./persist.js";

/** Options of `LshIndex`. */
export interface LshIndexOptions {
  /** Jaccard similarity threshold in [0, 1] used to choose (bands, rows); default 0.8. */
  threshold?: number;
  /** Signature length; default 128, or `hasher.numPerm`. */
  numPerm?: number;
  /** [falsePositiveWeight, falseNegativeWeight] for choosing (bands, rows); default [0.5, 0.5]. */
  weights?: [number, number];
  /** Explicit banding, overriding threshold and weights; bands * rows <= numPerm. */
  params?: LshParams;
  /**
   * The MinHasher (or its parameters) that makes the signatures. Recorded in snapshots, so that
   * loading one with another hasher is refused.
   */
  hasher?: MinHasherParams;
}

/** Options of `LshIndex.queryScored`. */
export interface LshQueryOptions {
  /** At most this many results (the most similar); default all. */
  limit?: number;
  /** Only candidates whose estimated Jaccard similarity is at least this; default 0. */
  minSimilarity?: number;
  /**
   * Visit at most this many matching keys per band, newest first; default all. Bounds the work
   * when a bucket holds a huge group of alike signatures (a streaming detector needs a few members
   * of each group, not all of them); older keys may then be left out.
   */
  maxPerBand?: number;
}

const EMPTY = -1;
const MIN_CAP_BITS = 4;
/** Bits of an id in a link's first word and a head; the rest hold a fingerprint or a summary. */
const ID_BITS = 26;
const ID_MASK = (1 << ID_BITS) - 1;
/** Bits of a head's chain summary (above ID_BITS): fingerprint fp sets bit fp % SUMMARY_BITS. */
const SUMMARY_BITS = 32 - ID_BITS;
/** The largest number of keys (ids 0 .. LSH_MAX_KEYS - 1; id + 1 must fit in ID_BITS). */
const LSH_MAX_KEYS = ID_MASK;
/** Signature bytes per page (the last page is the only one partly empty). */
const PAGE_BYTES = 1 << 19;
/** Page 0 starts with this many rows and doubles up to a full page, so small indexes stay small. */
const FIRST_ROWS = 16;
const MAX_EPOCH = 0xffff;
const WEIGHT_SUM_TOLERANCE = 1e-9;

/**
 * 32-bit hash of `r` words from `start`: the body and finalizer of MurmurHash3_x86_32 (A. Appleby,
 * public domain) applied to whole words.
 */
function bandHash(a: Uint32Array, start: number, r: number): number {
  let h = r;
  for (let i = start, end = start + r; i < end; i++) {
    let k = Math.imul(a[i], 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  return fmix32(h ^ (r << 2));
}

/**
 * Writes one zero per 4 KiB of a fresh array, so the operating system maps its memory now, in
 * one call, and not page by page in later inserts: a first-touch page fault cost 15-20 µs in a
 * 1M-key index here (the signature row of every 8th insert started a new page), and those were
 * the slowest inserts of `Detector.add`.
 */
function prefault<T extends Uint32Array | Int32Array | Uint16Array>(a: T): T {
  const step = 4096 / a.BYTES_PER_ELEMENT;
  for (let i = 0; i < a.length; i += step) a[i] = 0;
  return a;
}

function checkWeights(w: unknown, where: string): [number, number] {
  if (!Array.isArray(w) || w.length !== 2 || typeof w[0] !== "number" || typeof w[1] !== "number") {
    throw new TypeError(`${where}: weights must be a pair of numbers [falsePositiveWeight, falseNegativeWeight], e.g. [0.5, 0.5]; got ${describeValue(w)}`);
  }
  const [w0, w1] = w as [number, number];
  if (!Number.isFinite(w0) || !Number.isFinite(w1) || w0 < 0 || w1 < 0 || Math.abs(w0 + w1 - 1) > WEIGHT_SUM_TOLERANCE) {
    throw new RangeError(`${where}: weights must be two finite non-negative numbers summing to 1, e.g. [0.3, 0.7]; got [${w0}, ${w1}]`);
  }
  return [w0, w1];
}

function checkThreshold(t: unknown, where: string): number {
  if (typeof t !== "number") throw new TypeError(`${where}: threshold must be a number in [0, 1], got ${describeValue(t)}`);
  if (!Number.isFinite(t) || t < 0 || t > 1) {
    throw new RangeError(`${where}: threshold must be a finite number in [0, 1] (a Jaccard similarity), got ${describeValue(t)}`);
  }
  return t;
}

/**
 * Banded MinHash LSH index with datasketch `MinHashLSH` semantics.
 * @example
 * await init();
 * const h = new MinHasher();
 * const index = new LshIndex({ threshold: 0.5, hasher: h });
 * index.insert("a", h.sign("Summarize this article about the history of bread in France"));
 * index.query(h.sign("Summarize this article about the history of bread in Italy")); // ["a"] (likely)
 */
export class LshIndex<K extends IndexKey = IndexKey> {
  /** Signature length. */
  readonly numPerm: number;
  /** The threshold the banding was chosen for (informative when `params` was given). */
  readonly threshold: number;
  /** The banding: bands * rows <= numPerm. */
  readonly params: Readonly<LshParams>;
  /** The hasher parameters given to the constructor, if any. */
  readonly hasher: Readonly<MinHasherParams> | undefined;

  readonly #keys = new KeyTable<K>();
  readonly #pageShift: number;
  readonly #sig: Uint32Array[] = [];
  readonly #link: Int32Array[] = [];
  readonly #mark: Uint16Array[] = [];
  #rowsAllocated = 0;
  #capBits = MIN_CAP_BITS;
  #heads: Int32Array;
  #epoch = 0;
  /** Scratch of #collect, per band: the chain node to visit next, the query's fingerprint, matches. */
  readonly #cur: Int32Array;
  readonly #band: Int32Array;
  readonly #fps: Int32Array;
  readonly #found: Float64Array;

  constructor(opts?: LshIndexOptions) {
    const where = "LshIndex";
    const o = checkOptions(opts, ["threshold", "numPerm", "weights", "params", "hasher"], where);
    const hasher = o.hasher === undefined ? undefined : resolveHasher<MinHasherParams>(o.hasher, MINHASHER_FIELDS, where);
    let numPerm: number;
    if (hasher !== undefined) {
      numPerm = intOption(hasher.numPerm, "hasher.numPerm", 1, MAX_PERM, 128, where);
      if (o.numPerm !== undefined && o.numPerm !== numPerm) {
        throw new RangeError(`${where}: numPerm is ${describeValue(o.numPerm)} but hasher.numPerm is ${numPerm}; leave numPerm out, it comes from the hasher`);
      }
    } else {
      numPerm = intOption(o.numPerm, "numPerm", 1, MAX_PERM, 128, where);
    }
    const threshold = checkThreshold(o.threshold ?? 0.8, where);
    const weights = o.weights === undefined ? undefined : checkWeights(o.weights, where);
    let params: LshParams;
    if (o.params !== undefined) {
      const p = checkOptions(o.params, ["bands", "rows"], `${where} (params)`);
      const bands = intOption(p.bands, "params.bands", 1, numPerm, NaN, where);
      const rows = intOption(p.rows, "params.rows", 1, numPerm, NaN, where);
      if (Number.isNaN(bands) || Number.isNaN(rows)) {
        throw new TypeError(`${where}: params must give both bands and rows, e.g. { bands: 16, rows: 8 }`);
      }
      if (bands * rows > numPerm) {
        throw new RangeError(`${where}: params.bands * params.rows must be at most numPerm (${numPerm}), got ${bands} * ${rows} = ${bands * rows}`);
      }
      params = { bands, rows };
    } else if (numPerm === 1) {
      params = { bands: 1, rows: 1 };
    } else {
      params = optimalParams(threshold, numPerm, weights);
    }
    this.numPerm = numPerm;
    this.threshold = threshold;
    this.params = Object.freeze(params);
    this.hasher = hasher;
    // About PAGE_BYTES of signatures per page, 16 to 1024 rows.
    this.#pageShift = Math.max(4, Math.min(10, Math.floor(Math.log2(PAGE_BYTES / (4 * numPerm)))));
    this.#heads = new Int32Array(params.bands << MIN_CAP_BITS);
    this.#cur = new Int32Array(params.bands);
    this.#band = new Int32Array(params.bands);
    this.#fps = new Int32Array(params.bands);
    this.#found = new Float64Array(params.bands);
  }

  /** Number of keys. */
  get size(): number {
    return this.#keys.size;
  }

  /** Whether `key` is in the index. */
  has(key: K): boolean {
    checkKey(key, "LshIndex.has");
    return this.#keys.find(key) !== EMPTY;
  }

  /**
   * Adds `key` with signature `sig` (copied). A key already in the index is an error: remove it
   * first to replace its signature.
   * @example index.insert("prompt-1", hasher.sign(text));
   */
  insert(key: K, sig: Uint32Array): void {
    checkKey(key, "LshIndex.insert");
    this.#checkSig(sig, "insert");
    if (this.#keys.find(key) !== EMPTY) {
      throw new Error(`LshIndex.insert: key ${describeKey(key)} is already in the index; remove it first to replace its signature`);
    }
    if (this.#keys.peekId() >= LSH_MAX_KEYS) {
      throw new RangeError(`LshIndex.insert: the index is full (${LSH_MAX_KEYS} keys, ids are packed in ${ID_BITS} bits); remove keys or spread them over several indexes`);
    }
    this.#ensureRows(this.#keys.peekId() + 1);
    const id = this.#keys.add(key);
    const shift = this.#pageShift;
    this.#sig[id >>> shift].set(sig, (id & ((1 << shift) - 1)) * this.numPerm);
    this.#linkId(id);
    if (this.#keys.size > 2 << this.#capBits) this.#rehash(this.#capBits + 1);
  }

  /**
   * Sizes the index's tables for `n` keys, so that inserts up to `n` keys never rebuild them. A
   * table that grows is rebuilt whole when it doubles (every key relinked in every band: seconds
   * at millions of keys, all inside one `insert`); a service that knows its size reserves it once.
   * Costs 4 * bands bytes per reserved key up front.
   * @example const index = new LshIndex({ threshold: 0.8 }); index.reserve(1_000_000);
   */
  reserve(n: number): void {
    const size = intOption(n, "n", 0, LSH_MAX_KEYS, NaN, "LshIndex.reserve");
    if (Number.isNaN(size)) throw new TypeError("LshIndex.reserve: n must be given, the number of keys to size the index for, e.g. 1000000");
    this.#reserve(size);
  }

  /** Grows the bucket tables (rebuilding the chains once) and the key table for `n` keys. */
  #reserve(n: number): void {
    let bits = this.#capBits;
    while (n > 2 << bits) bits++;
    if (bits > this.#capBits) this.#rehash(bits);
    this.#keys.reserve(n);
  }

  /**
   * Removes `key`; returns whether it was there.
   * @example index.remove("prompt-1"); // true
   */
  remove(key: K): boolean {
    checkKey(key, "LshIndex.remove");
    const id = this.#keys.find(key);
    if (id === EMPTY) return false;
    this.#unlinkId(id);
    this.#keys.delete(key);
    return true;
  }

  /**
   * The keys whose stored signature equals `sig` on all rows of at least one band, each once, in no
   * particular order (datasketch's `MinHashLSH.query`).
   * @example index.query(hasher.sign("a prompt")) // ["prompt-1", "prompt-7"]
   */
  query(sig: Uint32Array): K[] {
    this.#checkSig(sig, "query");
    const out: K[] = [];
    this.#collect(sig, out, true);
    return out;
  }

  /**
   * `query`'s candidates with their estimated Jaccard similarity (the fraction of equal slots of the
   * stored and the given signature), most similar first, ties in key order (numbers, then strings).
   * @example index.queryScored(sig, { limit: 5, minSimilarity: 0.8 })
   */
  queryScored(sig: Uint32Array, opts?: LshQueryOptions): { key: K; similarity: number }[] {
    const where = "LshIndex.queryScored";
    this.#checkSig(sig, "queryScored");
    const o = checkOptions(opts, ["limit", "minSimilarity", "maxPerBand"], where);
    const limit = intOption(o.limit, "limit", 0, Number.MAX_SAFE_INTEGER, Infinity, where);
    const maxPerBand = intOption(o.maxPerBand, "maxPerBand", 1, Number.MAX_SAFE_INTEGER, Infinity, where);
    const minSimilarity = o.minSimilarity ?? 0;
    if (typeof minSimilarity !== "number" || !(minSimilarity >= 0 && minSimilarity <= 1)) {
      throw new RangeError(`${where}: minSimilarity must be a number in [0, 1], got ${describeValue(minSimilarity)}`);
    }
    const ids: number[] = [];
    this.#collect(sig, ids, false, maxPerBand);
    const P = this.numPerm;
    const shift = this.#pageShift;
    const pmask = (1 << shift) - 1;
    const keyOf = this.#keys.keyOf;
    const out: { key: K; similarity: number }[] = [];
    for (const id of ids) {
      const s = this.#sig[id >>> shift];
      const base = (id & pmask) * P;
      let eq = 0;
      for (let i = 0; i < P; i++) eq += s[base + i] === sig[i] ? 1 : 0;
      const similarity = eq / P;
      if (similarity >= minSimilarity) out.push({ key: keyOf[id]!, similarity });
    }
    out.sort((a, b) => b.similarity - a.similarity || compareKeys(a.key, b.key));
    if (out.length > limit) out.length = limit;
    return out;
  }

  /**
   * The index as bytes (see persist.ts for the container): loading them with `deserialize` gives an
   * index with the same keys, signatures, banding and hasher.
   * @example fs.writeFileSync("index.ndup", index.serialize());
   */
  serialize(): Uint8Array {
    const keyOf = this.#keys.keyOf;
    const n = this.#keys.size;
    const P = this.numPerm;
    let keyBytes = 0;
    for (const key of keyOf) if (key !== undefined) keyBytes += keyLength(key);
    const bodyLength = 20 + hasherLength(this.hasher, MINHASHER_FIELDS) + 4 + keyBytes + n * P * 4;
    const shift = this.#pageShift;
    const pmask = (1 << shift) - 1;
    return encodeSnapshot(SnapshotKind.Lsh, bodyLength, (w) => {
      w.u32(P);
      w.f64(this.threshold);
      w.u32(this.params.bands);
      w.u32(this.params.rows);
      writeHasher(w, this.hasher, MINHASHER_FIELDS);
      w.u32(n);
      for (const key of keyOf) if (key !== undefined) w.key(key);
      for (let id = 0; id < keyOf.length; id++) {
        if (keyOf[id] !== undefined) w.u32s(this.#sig[id >>> shift], (id & pmask) * P, P);
      }
    });
  }

  /**
   * Loads an index written by `serialize`. With `opts.hasher`, a snapshot built with other hasher
   * parameters is refused. Throws a `SnapshotError` (with `problem`: 'truncated', 'corrupted',
   * 'hasher-mismatch', ...) for anything but an intact snapshot of an LshIndex.
   * @example const index = LshIndex.deserialize(fs.readFileSync("index.ndup"), { hasher });
   */
  static deserialize<K extends IndexKey = IndexKey>(bytes: Uint8Array, opts?: { hasher?: MinHasherParams }): LshIndex<K> {
    const where = "LshIndex.deserialize";
    const o = checkOptions(opts, ["hasher"], where);
    const expected = o.hasher === undefined ? undefined : resolveHasher<MinHasherParams>(o.hasher, MINHASHER_FIELDS, where);
    const r = decodeSnapshot(bytes, SnapshotKind.Lsh, where);
    const numPerm = r.u32("numPerm");
    const threshold = r.f64("threshold");
    const bands = r.u32("bands");
    const rows = r.u32("rows");
    const hasher = readHasher<MinHasherParams>(r, MINHASHER_FIELDS);
    if (numPerm < 1 || numPerm > MAX_PERM) throw r.malformed(`numPerm ${numPerm}`);
    if (!(threshold >= 0 && threshold <= 1)) throw r.malformed(`threshold ${threshold}`);
    if (bands < 1 || rows < 1 || bands * rows > numPerm) throw r.malformed(`bands ${bands} x rows ${rows} with numPerm ${numPerm}`);
    if (hasher !== undefined && hasher.numPerm !== numPerm) throw r.malformed(`hasher.numPerm ${hasher.numPerm} but numPerm ${numPerm}`);
    checkHasherMatch(hasher, expected, MINHASHER_FIELDS, where);
    const n = r.u32("the key count");
    if (n * (5 + 4 * numPerm) > r.end - r.pos) throw r.malformed(`${n} keys do not fit in the body`);
    if (n > LSH_MAX_KEYS) throw r.malformed(`${n} keys, more than an index holds (${LSH_MAX_KEYS})`);
    const index = new LshIndex<K>({ numPerm, threshold, params: { bands, rows }, hasher });
    const keys: K[] = new Array(n);
    for (let i = 0; i < n; i++) keys[i] = r.key(`key ${i}`) as K;
    index.#load(keys, r);
    r.done();
    return index;
  }

  /** Adds `keys` with signatures read from `r`, sizing every table once. */
  #load(keys: K[], r: Reader): void {
    const n = keys.length;
    this.#ensureRows(n);
    this.#reserve(n);
    const P = this.numPerm;
    const shift = this.#pageShift;
    const pmask = (1 << shift) - 1;
    for (let i = 0; i < n; i++) {
      const key = keys[i];
      if (this.#keys.find(key) !== EMPTY) throw r.malformed(`key ${describeKey(key)} appears twice`);
      const id = this.#keys.add(key);
      r.u32s(this.#sig[id >>> shift], (id & pmask) * P, P, `the signature of key ${i}`);
      this.#linkId(id);
    }
  }

  #checkSig(sig: unknown, where: string): asserts sig is Uint32Array {
    if (!(sig instanceof Uint32Array)) {
      throw new TypeError(`LshIndex.${where}: sig must be a Uint32Array signature (from MinHasher.sign), got ${describeValue(sig)}`);
    }
    if (sig.length !== this.numPerm) {
      throw new RangeError(
        `LshIndex.${where}: sig has ${sig.length} slots but this index expects ${this.numPerm} (its numPerm); sign with a MinHasher of numPerm ${this.numPerm}`,
      );
    }
  }

  /**
   * Walks the bucket of each band of `sig` and pushes every id (or its key) whose band rows equal
   * the query's, once: an id is marked with the query's epoch when first reported. The bands are
   * walked side by side (one node of every band per round) so their cache misses overlap; a node
   * whose fingerprint differs from the query's band hash is passed over unread.
   */
  #collect(sig: Uint32Array, out: unknown[], asKeys: boolean, perBand = Infinity): void {
    if (this.#keys.size === 0) return;
    const epoch = this.#nextEpoch();
    const { bands, rows } = this.params;
    const P = this.numPerm;
    const shift = this.#pageShift;
    const pmask = (1 << shift) - 1;
    const capBits = this.#capBits;
    const mask = (1 << capBits) - 1;
    const heads = this.#heads;
    const sigPages = this.#sig;
    const linkPages = this.#link;
    const markPages = this.#mark;
    const keyOf = this.#keys.keyOf;
    const cur = this.#cur;
    const band = this.#band;
    const fps = this.#fps;
    const found = this.#found;
    // the chains still walked are cur[0..m) (their bands in band[]); the list is compacted without
    // branching on the loaded ids, so that no branch waits on a miss
    let m = 0;
    for (let j = 0; j < bands; j++) {
      const h = bandHash(sig, j * rows, rows);
      const fp = h >>> ID_BITS;
      fps[j] = fp;
      found[j] = 0;
      const w = heads[(j << capBits) + (h & mask)];
      cur[m] = (w & ID_MASK) - 1;
      band[m] = j;
      m += (w >>> (ID_BITS + (fp % SUMMARY_BITS))) & 1; // a set bit implies a non-empty chain
    }
    while (m > 0) {
      let n = 0;
      for (let t = 0; t < m; t++) {
        const id = cur[t];
        const j = band[t];
        const page = id >>> shift;
        const off = id & pmask;
        const li = (off * bands + j) << 1;
        const w = linkPages[page][li];
        let next = (w & ID_MASK) - 1;
        if (w >>> ID_BITS === fps[j]) {
          const s = sigPages[page];
          const q = j * rows;
          const base = off * P + q;
          let k = 0;
          while (k < rows && s[base + k] === sig[q + k]) k++;
          if (k === rows) {
            if (++found[j] >= perBand) next = EMPTY;
            const marks = markPages[page];
            if (marks[off] !== epoch) {
              marks[off] = epoch;
              out.push(asKeys ? keyOf[id] : id);
            }
          }
        }
        cur[n] = next;
        band[n] = j;
        n += ~next >>> 31;
      }
      m = n;
    }
  }

  #nextEpoch(): number {
    if (++this.#epoch > MAX_EPOCH) {
      for (const m of this.#mark) m.fill(0);
      this.#epoch = 1;
    }
    return this.#epoch;
  }

  /** Links `id` at the head of its bucket in every band. */
  #linkId(id: number): void {
    const { bands, rows } = this.params;
    const P = this.numPerm;
    const shift = this.#pageShift;
    const pmask = (1 << shift) - 1;
    const capBits = this.#capBits;
    const mask = (1 << capBits) - 1;
    const heads = this.#heads;
    const linkPages = this.#link;
    const s = this.#sig[id >>> shift];
    const links = linkPages[id >>> shift];
    const off = id & pmask;
    for (let j = 0; j < bands; j++) {
      const h = bandHash(s, off * P + j * rows, rows);
      const slot = (j << capBits) + (h & mask);
      const w = heads[slot];
      const head = (w & ID_MASK) - 1;
      const fp = h >>> ID_BITS;
      const li = (off * bands + j) << 1;
      links[li] = (fp << ID_BITS) | (head + 1);
      links[li + 1] = EMPTY;
      // a plain store: the old head's line need not be read
      if (head !== EMPTY) linkPages[head >>> shift][(((head & pmask) * bands + j) << 1) + 1] = id;
      heads[slot] = (w & ~ID_MASK) | (1 << (ID_BITS + (fp % SUMMARY_BITS))) | (id + 1);
    }
  }

  /** Unlinks `id` from its bucket in every band. */
  #unlinkId(id: number): void {
    const { bands, rows } = this.params;
    const P = this.numPerm;
    const shift = this.#pageShift;
    const pmask = (1 << shift) - 1;
    const capBits = this.#capBits;
    const mask = (1 << capBits) - 1;
    const linkPages = this.#link;
    const s = this.#sig[id >>> shift];
    const links = linkPages[id >>> shift];
    const off = id & pmask;
    for (let j = 0; j < bands; j++) {
      const li = (off * bands + j) << 1;
      const next = (links[li] & ID_MASK) - 1;
      const prev = links[li + 1];
      if (prev === EMPTY) {
        // the summary is kept while the chain lives and cleared with it
        const slot = (j << capBits) + (bandHash(s, off * P + j * rows, rows) & mask);
        this.#heads[slot] = next === EMPTY ? 0 : (this.#heads[slot] & ~ID_MASK) | (next + 1);
      } else {
        const pl = linkPages[prev >>> shift];
        const pi = ((prev & pmask) * bands + j) << 1;
        pl[pi] = (pl[pi] & ~ID_MASK) | (next + 1);
      }
      if (next !== EMPTY) linkPages[next >>> shift][(((next & pmask) * bands + j) << 1) + 1] = prev;
    }
  }

  /** Rebuilds every chain with 2^bits buckets per band. */
  #rehash(bits: number): void {
    this.#capBits = bits;
    this.#heads = new Int32Array(this.params.bands << bits);
    const keyOf = this.#keys.keyOf;
    for (let id = 0; id < keyOf.length; id++) if (keyOf[id] !== undefined) this.#linkId(id);
  }

  /** Makes sure rows [0, limit) exist: page 0 grows by doubling, later pages are allocated whole. */
  #ensureRows(limit: number): void {
    const shift = this.#pageShift;
    const pageRows = 1 << shift;
    const { bands } = this.params;
    const P = this.numPerm;
    while (this.#rowsAllocated < limit) {
      if (this.#rowsAllocated < pageRows) {
        const n = Math.min(pageRows, Math.max(FIRST_ROWS, this.#rowsAllocated * 2));
        const sig = new Uint32Array(n * P);
        const link = new Int32Array(n * bands * 2);
        const mark = new Uint16Array(n);
        if (this.#sig.length > 0) {
          sig.set(this.#sig[0]);
          link.set(this.#link[0]);
          mark.set(this.#mark[0]);
        }
        this.#sig[0] = sig;
        this.#link[0] = link;
        this.#mark[0] = mark;
        this.#rowsAllocated = n;
      } else {
        this.#sig.push(prefault(new Uint32Array(pageRows * P)));
        this.#link.push(prefault(new Int32Array(pageRows * bands * 2)));
        this.#mark.push(prefault(new Uint16Array(pageRows)));
        this.#rowsAllocated += pageRows;
      }
    }
  }
}
