/**
 * Exact Hamming-distance search over 64-bit SimHash fingerprints: every key within `maxDistance`
 * bits of a query, by the permuted-table (pigeonhole) method of G. S. Manku, A. Jain, A. Das Sarma,
 * "Detecting Near-Duplicates for Web Crawling", WWW 2007, section 3: cut the 64 bits into m > d
 * blocks; two fingerprints at distance <= d differ in at most d blocks, so they agree exactly on at
 * least k = m - d of them. One table per k-subset of blocks maps the subset's bits to the ids holding
 * them; a query looks up its own value in every table and verifies each candidate by popcount.
 *
 * The default is m = d + 1 blocks, k = 1: d + 1 tables keyed by one block each. More blocks
 * (`blocks` option; section 3.1.1 of the paper) give C(m, k) tables with longer keys: fewer
 * candidates per query for more memory, which pays at larger distances (d = 6 over 1,000,000
 * fingerprints: 7 tables of 9-bit keys scan about 14,000 candidates a query, 28 tables of 16-bit
 * keys with blocks: 8 about 430).
 *
 * Blocks (d = maxDistance, bit 0 = least significant bit of `lo`):
 *
 *   bit  0                                                     63
 *        [ block 0 | block 1 | ...                 | block m-1 ]   widths floor(64/m) or one more
 *        e.g. d = 3: four 16-bit blocks   lo = [b0 | b1]   hi = [b2 | b3]
 *
 * Memory layout (T tables, B = 2^capBits buckets per table):
 *
 *   fps          Uint32Array   per id: [lo, hi]  (no bigint in the query loop; the query is split once)
 *   bucket meta  Uint32Array   per (table, bucket): start, length, capacity (in entries)
 *   arena[t]     Uint32Array   table t's buckets, each a contiguous run of entries [id, lo, hi]:
 *                              [ bucket 5: e e e e _ _ _ _ | bucket 0: e _ | (moved out) | bucket 9: ...
 *   pos[t]       Uint32Array   per id: where its entry sits in arena[t]
 *
 * Buckets are contiguous so that a query scans them sequentially with the fingerprints inline: a
 * linked chain costs one dependent cache miss per candidate (measured over 1,000,000 fingerprints,
 * d = 3: 115,000 queries/s with chains, 730,000 with contiguous buckets). A full bucket moves to the
 * arena's end with 1.5 times the capacity (amortized O(1) per insert); `remove` moves the bucket's
 * last entry into the hole (O(1), via pos). The space moved buckets leave behind is reclaimed by
 * compacting the arena when it reaches a quarter of it. About 20-30 bytes per (fingerprint, table).
 *
 * A table whose key has w <= capBits bits uses the key itself as bucket number (direct addressing:
 * a bucket holds exactly the ids with that key); a longer key is hashed, and a bucket may mix keys,
 * which the verification filters out. `capBits` grows with the index (size <= 2^(capBits+2)) up to
 * the longest key (at most 26). A near neighbour found in several tables is reported only from the
 * first table it agrees on, so each key appears once without a visited set.
 *
 * Snapshot body (container of persist.ts, kind 2):
 *
 *   u32 maxDistance | u32 blocks | hasher record (SIMHASHER_FIELDS) | u32 n | n keys | n × (u32 lo, u32 hi)
 */
import { checkOptions, describeValue, intOption } from "./text.js";
import { KeyTable, checkKey, compareKeys, describeKey, fmix32, type IndexKey } from "./keys.js";
import {
  SIMHASHER_FIELDS, SnapshotKind, checkHasherMatch, decodeSnapshot, encodeSnapshot, hasherLength, keyLength, readHasher,
  resolveHasher, writeHasher, type SimHasherParams,
} from "./persist.js";

/** Options of `SimHashIndex`. */
export interface SimHashIndexOptions {
  /** Largest Hamming distance `query` reports, an integer in [0, 8]; default 3. */
  maxDistance?: number;
  /**
   * Blocks the 64 bits are cut into, from maxDistance + 1 (default) up; tables = C(blocks,
   * blocks - maxDistance), at most 128. More blocks: fewer candidates per query, about 20-30 bytes
   * per fingerprint and table (maxDistance 6 over 1,000,000 fingerprints: blocks 7 (default) gives 7
   * tables and about 20,000 queries/s, blocks 8 gives 28 tables and about 60,000).
   */
  blocks?: number;
  /**
   * The SimHasher (or its parameters) that makes the fingerprints. Recorded in snapshots, so that
   * loading one with another hasher is refused.
   */
  hasher?: SimHasherParams;
}

export const MAX_DISTANCE = 8;
const MAX_TABLES = 128;
const EMPTY = -1;
const MIN_CAP_BITS = 4;
const MAX_CAP_BITS = 26;
const MIN_ROWS = 16;
/** Words per bucket in `meta` and per entry in an arena. */
const META = 3;
const ENTRY = 3;
const M32 = 0xffffffffn;
const MAX_FP = 0xffffffffffffffffn;

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Bits [from, to) of a 32-bit word as a mask (0 <= from <= to <= 32). */
function bitMask(from: number, to: number): number {
  if (to <= from) return 0;
  return to - from === 32 ? -1 : (((1 << (to - from)) - 1) << from) | 0;
}

/** Bits [a, a + w) of the 64-bit value (lo, hi), w <= 26, as a number. */
function blockValue(lo: number, hi: number, a: number, w: number): number {
  let v: number;
  if (a >= 32) v = hi >>> (a - 32);
  else if (a + w <= 32) v = lo >>> a;
  else v = (lo >>> a) | (hi << (32 - a));
  return v & ((1 << w) - 1);
}

/** A bucket's capacity when rebuilt with `len` entries: len + len/8 (0 for 0). */
function roundCap(len: number): number {
  return len + (len >>> 3);
}

/** A full bucket's next capacity: 1.5 times, at least one more. */
function grownCap(len: number): number {
  return len + (len >>> 1) + 1;
}

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
}

function checkFp(fp: unknown, where: string): asserts fp is bigint {
  if (typeof fp !== "bigint") {
    throw new TypeError(`${where}: fp must be a bigint fingerprint (from SimHasher.fingerprint), got ${describeValue(fp)}`);
  }
  if (fp < 0n || fp > MAX_FP) {
    throw new RangeError(`${where}: fp must be in [0, 2^64 - 1], got ${fp}n; BigInt.asUintN(64, fp) maps a signed value there`);
  }
}

/**
 * Exact Hamming search over 64-bit fingerprints.
 * @example
 * await init();
 * const s = new SimHasher();
 * const index = new SimHashIndex({ maxDistance: 3 });
 * index.insert("a", s.fingerprint("Write a poem about the sea at night"));
 * index.query(s.fingerprint("Write a poem about the sea at night!")) // [{ key: "a", distance: 0 }]
 */
export class SimHashIndex<K extends IndexKey = IndexKey> {
  /** Largest distance `query` reports. */
  readonly maxDistance: number;
  /** Blocks the fingerprint is cut into. */
  readonly blocks: number;
  /** Number of tables: C(blocks, blocks - maxDistance). */
  readonly tables: number;
  /** The hasher parameters given to the constructor, if any. */
  readonly hasher: Readonly<SimHasherParams> | undefined;

  readonly #keys = new KeyTable<K>();
  /** Per table: its blocks' start bits and widths (k each, flattened), key width, masks. */
  readonly #start: Int32Array;
  readonly #width: Int32Array;
  readonly #keyBits: Int32Array;
  readonly #maskLo: Int32Array;
  readonly #maskHi: Int32Array;
  readonly #perTable: number;
  readonly #maxCapBits: number;
  #capBits = MIN_CAP_BITS;
  #fps = new Uint32Array(0);
  #rows = 0;
  /** Bucket (t << capBits) + b: start at META * i, length at META * i + 1, capacity at META * i + 2. */
  #meta: Uint32Array;
  readonly #arena: Uint32Array[] = [];
  /** Entries of arena[t] in use, live or left behind by moved buckets. */
  readonly #used: number[] = [];
  /** Entries of arena[t] left behind by moved buckets. */
  readonly #garbage: number[] = [];
  readonly #pos: Uint32Array[] = [];

  constructor(opts?: SimHashIndexOptions) {
    const where = "SimHashIndex";
    const o = checkOptions(opts, ["maxDistance", "blocks", "hasher"], where);
    const d = intOption(o.maxDistance, "maxDistance", 0, MAX_DISTANCE, 3, where);
    const m = intOption(o.blocks, "blocks", d + 1, 32, d + 1, where);
    const k = m - d;
    const tables = binomial(m, k);
    if (tables > MAX_TABLES) {
      throw new RangeError(`${where}: blocks ${m} with maxDistance ${d} needs C(${m}, ${k}) = ${tables} tables, more than ${MAX_TABLES}; use fewer blocks`);
    }
    this.maxDistance = d;
    this.blocks = m;
    this.tables = tables;
    this.hasher = o.hasher === undefined ? undefined : resolveHasher<SimHasherParams>(o.hasher, SIMHASHER_FIELDS, where);
    const blockStart: number[] = [];
    const blockWidth: number[] = [];
    for (let i = 0, a = 0; i < m; i++) {
      const w = Math.floor(64 / m) + (i < 64 % m ? 1 : 0);
      blockStart.push(a);
      blockWidth.push(w);
      a += w;
    }
    this.#perTable = k;
    this.#start = new Int32Array(tables * k);
    this.#width = new Int32Array(tables * k);
    this.#keyBits = new Int32Array(tables);
    this.#maskLo = new Int32Array(tables);
    this.#maskHi = new Int32Array(tables);
    // The k-subsets of the blocks in lexicographic order.
    const subset = Array.from({ length: k }, (_, i) => i);
    let longest = 0;
    for (let t = 0; t < tables; t++) {
      let bits = 0;
      for (let j = 0; j < k; j++) {
        const a = blockStart[subset[j]];
        const w = blockWidth[subset[j]];
        this.#start[t * k + j] = a;
        this.#width[t * k + j] = w;
        this.#maskLo[t] |= bitMask(Math.min(a, 32), Math.min(a + w, 32));
        this.#maskHi[t] |= bitMask(Math.max(a, 32) - 32, Math.max(a + w, 32) - 32);
        bits += w;
      }
      this.#keyBits[t] = bits;
      longest = Math.max(longest, bits);
      let j = k - 1;
      while (j >= 0 && subset[j] === m - k + j) j--;
      if (j < 0) break;
      subset[j]++;
      for (let i = j + 1; i < k; i++) subset[i] = subset[i - 1] + 1;
    }
    this.#maxCapBits = Math.max(MIN_CAP_BITS, Math.min(MAX_CAP_BITS, longest));
    this.#meta = new Uint32Array((tables << MIN_CAP_BITS) * META);
    for (let t = 0; t < tables; t++) {
      this.#arena.push(new Uint32Array(0));
      this.#used.push(0);
      this.#garbage.push(0);
      this.#pos.push(new Uint32Array(0));
    }
  }

  /** Number of keys. */
  get size(): number {
    return this.#keys.size;
  }

  /** Whether `key` is in the index. */
  has(key: K): boolean {
    checkKey(key, "SimHashIndex.has");
    return this.#keys.find(key) !== EMPTY;
  }

  /**
   * Adds `key` with fingerprint `fp`. A key already in the index is an error: remove it first.
   * @example index.insert("prompt-1", simHasher.fingerprint(text));
   */
  insert(key: K, fp: bigint): void {
    checkKey(key, "SimHashIndex.insert");
    checkFp(fp, "SimHashIndex.insert");
    if (this.#keys.find(key) !== EMPTY) {
      throw new Error(`SimHashIndex.insert: key ${describeKey(key)} is already in the index; remove it first to replace its fingerprint`);
    }
    this.#ensureRows(this.#keys.peekId() + 1);
    const id = this.#keys.add(key);
    this.#fps[id << 1] = Number(fp & M32);
    this.#fps[(id << 1) + 1] = Number(fp >> 32n);
    if (this.#keys.size > 4 << this.#capBits && this.#capBits < this.#maxCapBits) this.#build(this.#capBits + 1);
    else this.#addId(id);
  }

  /**
   * Removes `key`; returns whether it was there.
   * @example index.remove("prompt-1"); // true
   */
  remove(key: K): boolean {
    checkKey(key, "SimHashIndex.remove");
    const id = this.#keys.find(key);
    if (id === EMPTY) return false;
    this.#removeId(id);
    this.#keys.delete(key);
    return true;
  }

  /**
   * Every key whose fingerprint is within `maxDistance` bits of `fp`, nearest first (ties in key
   * order: numbers, then strings). Exact: no key within the distance is missed.
   * @example index.query(fp) // [{ key: "a", distance: 0 }, { key: "b", distance: 2 }]
   */
  query(fp: bigint): { key: K; distance: number }[] {
    checkFp(fp, "SimHashIndex.query");
    const out: { key: K; distance: number }[] = [];
    if (this.#keys.size === 0) return out;
    const lo = Number(fp & M32);
    const hi = Number(fp >> 32n);
    const d = this.maxDistance;
    const maskLo = this.#maskLo;
    const maskHi = this.#maskHi;
    const capBits = this.#capBits;
    const meta = this.#meta;
    const keyOf = this.#keys.keyOf;
    for (let t = 0; t < this.tables; t++) {
      const ml = maskLo[t];
      const mh = maskHi[t];
      const arena = this.#arena[t];
      const bi = META * ((t << capBits) + this.#slot(t, lo, hi));
      for (let e = ENTRY * meta[bi], end = e + ENTRY * meta[bi + 1]; e < end; e += ENTRY) {
        const xl = arena[e + 1] ^ lo;
        const xh = arena[e + 2] ^ hi;
        if ((xl & ml) !== 0 || (xh & mh) !== 0) continue;
        const distance = popcount32(xl) + popcount32(xh);
        if (distance > d) continue;
        // Report from the first table it agrees on only.
        let u = 0;
        while (u < t && ((xl & maskLo[u]) !== 0 || (xh & maskHi[u]) !== 0)) u++;
        if (u === t) out.push({ key: keyOf[arena[e]]!, distance });
      }
    }
    if (out.length > 1) out.sort((a, b) => a.distance - b.distance || compareKeys(a.key, b.key));
    return out;
  }

  /**
   * The index as bytes (see persist.ts for the container).
   * @example fs.writeFileSync("fps.ndup", index.serialize());
   */
  serialize(): Uint8Array {
    const keyOf = this.#keys.keyOf;
    const n = this.#keys.size;
    let keyBytes = 0;
    for (const key of keyOf) if (key !== undefined) keyBytes += keyLength(key);
    const bodyLength = 8 + hasherLength(this.hasher, SIMHASHER_FIELDS) + 4 + keyBytes + 8 * n;
    return encodeSnapshot(SnapshotKind.SimHash, bodyLength, (w) => {
      w.u32(this.maxDistance);
      w.u32(this.blocks);
      writeHasher(w, this.hasher, SIMHASHER_FIELDS);
      w.u32(n);
      for (const key of keyOf) if (key !== undefined) w.key(key);
      for (let id = 0; id < keyOf.length; id++) if (keyOf[id] !== undefined) w.u32s(this.#fps, id << 1, 2);
    });
  }

  /**
   * Loads an index written by `serialize`. With `opts.hasher`, a snapshot built with other hasher
   * parameters is refused; anything but an intact SimHashIndex snapshot throws a `SnapshotError`.
   * @example const index = SimHashIndex.deserialize(fs.readFileSync("fps.ndup"), { hasher: simHasher });
   */
  static deserialize<K extends IndexKey = IndexKey>(bytes: Uint8Array, opts?: { hasher?: SimHasherParams }): SimHashIndex<K> {
    const where = "SimHashIndex.deserialize";
    const o = checkOptions(opts, ["hasher"], where);
    const expected = o.hasher === undefined ? undefined : resolveHasher<SimHasherParams>(o.hasher, SIMHASHER_FIELDS, where);
    const r = decodeSnapshot(bytes, SnapshotKind.SimHash, where);
    const maxDistance = r.u32("maxDistance");
    const blocks = r.u32("blocks");
    const hasher = readHasher<SimHasherParams>(r, SIMHASHER_FIELDS);
    if (maxDistance > MAX_DISTANCE) throw r.malformed(`maxDistance ${maxDistance}`);
    if (blocks <= maxDistance || blocks > 32 || binomial(blocks, blocks - maxDistance) > MAX_TABLES) throw r.malformed(`blocks ${blocks}`);
    checkHasherMatch(hasher, expected, SIMHASHER_FIELDS, where);
    const n = r.u32("the key count");
    if (n * 13 > r.end - r.pos) throw r.malformed(`${n} keys do not fit in the body`);
    const index = new SimHashIndex<K>({ maxDistance, blocks, hasher });
    const keys: K[] = new Array(n);
    for (let i = 0; i < n; i++) keys[i] = r.key(`key ${i}`) as K;
    index.#ensureRows(n);
    for (let i = 0; i < n; i++) {
      if (index.#keys.find(keys[i]) !== EMPTY) throw r.malformed(`key ${describeKey(keys[i])} appears twice`);
      const id = index.#keys.add(keys[i]);
      r.u32s(index.#fps, id << 1, 2, `the fingerprint of key ${i}`);
    }
    r.done();
    let bits = MIN_CAP_BITS;
    while (n > 4 << bits && bits < index.#maxCapBits) bits++;
    index.#build(bits);
    return index;
  }

  /** The bucket of (lo, hi) in table `t` (2^capBits buckets). */
  #slot(t: number, lo: number, hi: number): number {
    const bits = this.#capBits;
    if (this.#keyBits[t] <= bits) {
      // Direct: the table's blocks side by side (at most 26 bits).
      const k = this.#perTable;
      let v = 0;
      for (let j = t * k, end = j + k; j < end; j++) {
        const w = this.#width[j];
        v = (v << w) | blockValue(lo, hi, this.#start[j], w);
      }
      return v;
    }
    const h = fmix32((lo & this.#maskLo[t]) ^ fmix32((hi & this.#maskHi[t]) ^ Math.imul(t + 1, 0x9e3779b9)));
    return h & ((1 << bits) - 1);
  }

  /** Adds id's entry to its bucket in every table. */
  #addId(id: number): void {
    const lo = this.#fps[id << 1];
    const hi = this.#fps[(id << 1) + 1];
    const capBits = this.#capBits;
    for (let t = 0; t < this.tables; t++) {
      const bi = META * ((t << capBits) + this.#slot(t, lo, hi));
      const len = this.#meta[bi + 1];
      if (len === this.#meta[bi + 2]) this.#moveBucket(t, bi, grownCap(len));
      const e = this.#meta[bi] + len;
      const arena = this.#arena[t];
      arena[ENTRY * e] = id;
      arena[ENTRY * e + 1] = lo;
      arena[ENTRY * e + 2] = hi;
      this.#pos[t][id] = e;
      this.#meta[bi + 1] = len + 1;
    }
  }

  /** Removes id's entry from every table: the bucket's last entry fills the hole. */
  #removeId(id: number): void {
    const lo = this.#fps[id << 1];
    const hi = this.#fps[(id << 1) + 1];
    const capBits = this.#capBits;
    const meta = this.#meta;
    for (let t = 0; t < this.tables; t++) {
      const bi = META * ((t << capBits) + this.#slot(t, lo, hi));
      const arena = this.#arena[t];
      const e = this.#pos[t][id];
      const last = meta[bi] + meta[bi + 1] - 1;
      if (e !== last) {
        arena.copyWithin(ENTRY * e, ENTRY * last, ENTRY * last + ENTRY);
        this.#pos[t][arena[ENTRY * e]] = e;
      }
      meta[bi + 1]--;
    }
  }

  /** Moves bucket `bi` of table t to the arena's end with room for `cap` entries. */
  #moveBucket(t: number, bi: number, cap: number): void {
    const meta = this.#meta;
    if (ENTRY * (this.#used[t] + cap) > this.#arena[t].length) {
      // Compact when most of the arena is space left behind; otherwise grow it.
      if (4 * this.#garbage[t] > this.#used[t]) this.#compact(t);
      if (ENTRY * (this.#used[t] + cap) > this.#arena[t].length) {
        const grown = new Uint32Array(ENTRY * Math.max(this.#used[t] + (this.#used[t] >>> 1), this.#used[t] + cap, 64));
        grown.set(this.#arena[t].subarray(0, ENTRY * this.#used[t]));
        this.#arena[t] = grown;
      }
    }
    const arena = this.#arena[t];
    const pos = this.#pos[t];
    const from = meta[bi];
    const len = meta[bi + 1];
    const to = this.#used[t];
    arena.copyWithin(ENTRY * to, ENTRY * from, ENTRY * (from + len));
    for (let i = 0; i < len; i++) pos[arena[ENTRY * (to + i)]] = to + i;
    this.#garbage[t] += meta[bi + 2];
    meta[bi] = to;
    meta[bi + 2] = cap;
    this.#used[t] = to + cap;
  }

  /** Rewrites table t's arena with its buckets packed, each with capacity a power of two >= its length. */
  #compact(t: number): void {
    const meta = this.#meta;
    const nb = 1 << this.#capBits;
    const base = META * (t << this.#capBits);
    let total = 0;
    for (let b = 0; b < nb; b++) total += roundCap(meta[base + META * b + 1]);
    const old = this.#arena[t];
    const arena = new Uint32Array(ENTRY * (total + (total >>> 3) + 64));
    const pos = this.#pos[t];
    let at = 0;
    for (let b = 0; b < nb; b++) {
      const bi = base + META * b;
      const len = meta[bi + 1];
      arena.set(old.subarray(ENTRY * meta[bi], ENTRY * (meta[bi] + len)), ENTRY * at);
      for (let i = 0; i < len; i++) pos[arena[ENTRY * (at + i)]] = at + i;
      meta[bi] = at;
      meta[bi + 2] = roundCap(len);
      at += roundCap(len);
    }
    this.#arena[t] = arena;
    this.#used[t] = at;
    this.#garbage[t] = 0;
  }

  /** Rebuilds every table with 2^bits buckets (a counting sort of the live ids by bucket). */
  #build(bits: number): void {
    this.#capBits = bits;
    const nb = 1 << bits;
    const meta = (this.#meta = new Uint32Array(META * (this.tables << bits)));
    const keyOf = this.#keys.keyOf;
    const fps = this.#fps;
    for (let id = 0; id < keyOf.length; id++) {
      if (keyOf[id] === undefined) continue;
      for (let t = 0; t < this.tables; t++) meta[META * ((t << bits) + this.#slot(t, fps[id << 1], fps[(id << 1) + 1])) + 1]++;
    }
    for (let t = 0; t < this.tables; t++) {
      let at = 0;
      for (let b = 0; b < nb; b++) {
        const bi = META * ((t << bits) + b);
        const cap = roundCap(meta[bi + 1]);
        meta[bi] = at;
        meta[bi + 1] = 0;
        meta[bi + 2] = cap;
        at += cap;
      }
      this.#arena[t] = new Uint32Array(ENTRY * (at + (at >>> 3) + 64));
      this.#used[t] = at;
      this.#garbage[t] = 0;
    }
    for (let id = 0; id < keyOf.length; id++) if (keyOf[id] !== undefined) this.#addId(id);
  }

  #ensureRows(limit: number): void {
    if (limit <= this.#rows) return;
    const rows = Math.max(MIN_ROWS, limit, this.#rows * 2);
    const fps = new Uint32Array(rows * 2);
    fps.set(this.#fps);
    this.#fps = fps;
    for (let t = 0; t < this.tables; t++) {
      const pos = new Uint32Array(rows);
      pos.set(this.#pos[t]);
      this.#pos[t] = pos;
    }
    this.#rows = rows;
  }
}
