/**
 * Dense ids for the keys of an index (LshIndex, SimHashIndex).
 *
 * Each key gets a small integer id, the index of the row that holds its signature or fingerprint;
 * ids of removed keys are reused. The key -> id lookup is an open-addressing table of ids with
 * linear probing and backward-shift deletion (D. E. Knuth, *The Art of Computer Programming* vol. 3,
 * 6.4, Algorithm R), so it needs no tombstones and costs 4 bytes a slot, against ~28-56 bytes an
 * entry for a `Map`:
 *
 *   slots:  Int32Array, power-of-two length, at most 3/4 full   [ -1 | id | id | -1 | id | ... ]
 *   keyOf:  JS array, id -> key (undefined for a free id)       [ "a", 17, undefined, "b", ... ]
 *
 * A slot is matched by comparing `keyOf[id] === key`, so no hash is stored; a key's hash is
 * recomputed when the table grows or an entry shifts back.
 */
import { describeValue } from "./text.js";

/** What an index accepts as a key: a string (well-formed UTF-16) or a finite number. */
export type IndexKey = string | number;

const EMPTY = -1;
const MIN_SLOTS = 16;

/**
 * MurmurHash3's 32-bit finalizer (A. Appleby, MurmurHash3 `fmix32`, public domain): every input
 * bit affects every output bit.
 */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const f64 = new Float64Array(1);
const f64Words = new Uint32Array(f64.buffer);

/** A 32-bit hash of a key: FNV-1a over UTF-16 code units for strings, the value's bits for numbers. */
function hashKey(key: IndexKey): number {
  let h: number;
  if (typeof key === "string") {
    h = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    h ^= key.length;
  } else if ((key | 0) === key) {
    h = key ^ 0x5bd1e995; // -0 lands here as 0, so 0 and -0 (equal keys) hash alike
  } else {
    f64[0] = key;
    h = f64Words[0] ^ Math.imul(f64Words[1], 0x9e3779b1);
  }
  return fmix32(h);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether `s` has no lone surrogate (`String.prototype.isWellFormed` where the engine has it). */
export function isWellFormed(s: string): boolean {
  const native = (s as { isWellFormed?: () => boolean }).isWellFormed;
  return typeof native === "function" ? native.call(s) : !LONE_SURROGATE.test(s);
}

/**
 * Checks a key: a string without lone surrogates (it must survive UTF-8 in a snapshot) or a finite
 * number. Throws a TypeError naming the problem.
 */
export function checkKey(key: unknown, where: string): asserts key is IndexKey {
  if (typeof key === "number") {
    if (Number.isFinite(key)) return;
  } else if (typeof key === "string") {
    if (isWellFormed(key)) return;
    throw new TypeError(`${where}: key ${describeValue(key)} holds a lone surrogate; keys must be well-formed strings (they are stored as UTF-8)`);
  }
  throw new TypeError(`${where}: key must be a string or a finite number, got ${describeValue(key)}`);
}

/** A key for an error message. */
export function describeKey(key: IndexKey): string {
  return typeof key === "string" ? JSON.stringify(key.length > 60 ? key.slice(0, 60) + "…" : key) : String(key);
}

/**
 * The canonical order of keys, used to break ties in sorted results: numbers (ascending) before
 * strings (by UTF-16 code units).
 */
export function compareKeys(a: IndexKey, b: IndexKey): number {
  if (typeof a === "number") return typeof b === "number" ? a - b : -1;
  if (typeof b === "number") return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Key <-> dense id map. Keys must have been checked with `checkKey`. */
export class KeyTable<K extends IndexKey> {
  /** id -> key; `undefined` marks a free id. Read-only for callers. */
  readonly keyOf: (K | undefined)[] = [];
  #slots = new Int32Array(MIN_SLOTS).fill(EMPTY);
  #mask = MIN_SLOTS - 1;
  #count = 0;
  #free: number[] = [];

  /** Number of keys. */
  get size(): number {
    return this.#count;
  }

  /** One past the highest id handed out so far: per-id storage must hold this many rows. */
  get idLimit(): number {
    return this.keyOf.length;
  }

  /** The id of `key`, or -1. */
  find(key: K): number {
    const slots = this.#slots;
    const mask = this.#mask;
    const keyOf = this.keyOf;
    for (let i = hashKey(key) & mask; ; i = (i + 1) & mask) {
      const id = slots[i];
      if (id === EMPTY || keyOf[id] === key) return id;
    }
  }

  /** The id the next `add` will hand out. */
  peekId(): number {
    return this.#free.length > 0 ? this.#free[this.#free.length - 1] : this.keyOf.length;
  }

  /** Adds a key that is not in the table; returns its id. */
  add(key: K): number {
    if (4 * (this.#count + 1) > 3 * this.#slots.length) this.#resize(this.#slots.length * 2);
    if (key === 0) key = 0 as K; // store -0 as 0
    const id = this.#free.length > 0 ? this.#free.pop()! : this.keyOf.length;
    if (id === this.keyOf.length) this.keyOf.push(key);
    else this.keyOf[id] = key;
    this.#place(id, hashKey(key));
    this.#count++;
    return id;
  }

  /** Removes `key`; returns its former id, or -1 if absent. The id becomes free for reuse. */
  delete(key: K): number {
    const slots = this.#slots;
    const mask = this.#mask;
    const keyOf = this.keyOf;
    let i = hashKey(key) & mask;
    for (; ; i = (i + 1) & mask) {
      const id = slots[i];
      if (id === EMPTY) return -1;
      if (keyOf[id] === key) break;
    }
    const removed = slots[i];
    // Backward-shift deletion: pull later entries of the probe run into the hole when their home
    // slot does not lie cyclically in (hole, j].
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const id = slots[j];
      if (id === EMPTY) break;
      const home = hashKey(keyOf[id]!) & mask;
      const stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (!stays) {
        slots[i] = id;
        i = j;
      }
    }
    slots[i] = EMPTY;
    keyOf[removed] = undefined;
    this.#free.push(removed);
    this.#count--;
    return removed;
  }

  #place(id: number, hash: number): void {
    const slots = this.#slots;
    const mask = this.#mask;
    let i = hash & mask;
    while (slots[i] !== EMPTY) i = (i + 1) & mask;
    slots[i] = id;
  }

  /** Grows the slot table ahead so that `n` keys fit without a resize. */
  reserve(n: number): void {
    let slots = this.#slots.length;
    while (4 * n > 3 * slots) slots *= 2;
    if (slots > this.#slots.length) this.#resize(slots);
  }

  #resize(n: number): void {
    this.#slots = new Int32Array(n).fill(EMPTY);
    this.#mask = n - 1;
    const keyOf = this.keyOf;
    for (let id = 0; id < keyOf.length; id++) {
      const key = keyOf[id];
      if (key !== undefined) this.#place(id, hashKey(key));
    }
  }
}
