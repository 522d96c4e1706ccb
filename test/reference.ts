/**
 * Plain-TypeScript reference of every step of the neardup kernel, written from the algorithm
 * descriptions in assembly/*.ts (it never calls the kernel). u64 arithmetic uses BigInt masked to
 * 64 bits, u32 arithmetic uses Math.imul and `>>> 0`. Slow but plainly correct: test/kernel.test.ts
 * cross-checks the WebAssembly kernel (both builds) against it.
 *
 * The only project code used here is `datasketchPermutations`, the datasketch parameters the
 * TypeScript side writes to PARAM_A / PARAM_B (a kernel input, checked by permutations.test.ts).
 * The JavaScript-side text normalization is re-implemented from its description in src/text.ts.
 *
 * Pipeline (assembly/shingle.ts, sink.ts, minhash.ts, simhash.ts, index.ts):
 *   text -> bytes the kernel receives -> tokens -> shingles (K-token windows) -> element hashes
 *        -> sketch ('fast', 'classic', 'datasketch': T x u32; SimHash: u64)
 * Element hashes: 'wide' u64 (SimHash, dump), 'narrow' u32 ('fast', 'classic'), SHA-1 u32
 * ('datasketch').
 */
import { createHash } from 'node:crypto';
import type { Unit } from '../src/text';
import { datasketchPermutations } from '../src/permutations';

// ---------------------------------------------------------------------------------------------
// 64- and 32-bit primitives
// ---------------------------------------------------------------------------------------------

export const MASK64 = 0xffff_ffff_ffff_ffffn;
const MASK32 = 0xffff_ffffn;
export const P1 = 0x9e3779b185ebca87n;
export const P2 = 0xc2b2ae3d27d4eb4fn;
export const P3 = 0x165667b19e3779f9n;
/** "neardup!" read as a big-endian 64-bit constant. */
export const NEARDUP = 0x6e65617264757021n;
/** Random-bin rounds of 'fast' before its per-bin rounds (FAST_RANDOM_ROUNDS in assembly/index.ts). */
export const FAST_RANDOM_ROUNDS = 5;

export const mul64 = (a: bigint, b: bigint): bigint => (a * b) & MASK64;
export const add64 = (a: bigint, b: bigint): bigint => (a + b) & MASK64;
export const rotl64 = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (64n - r))) & MASK64;
export const rotl32 = (x: number, r: number): number => ((x << r) | (x >>> (32 - r))) >>> 0;
export const lo32 = (x: bigint): number => Number(x & MASK32);
/** lo32(x) ^ hi32(x). */
export const fold32 = (x: bigint): number => (Number(x & MASK32) ^ Number(x >> 32n)) >>> 0;

/** MurmurHash3 fmix64. */
export function fmix64(h: bigint): bigint {
  h &= MASK64;
  h ^= h >> 33n;
  h = mul64(h, 0xff51afd7ed558ccdn);
  h ^= h >> 33n;
  h = mul64(h, 0xc4ceb9fe1a85ec53n);
  h ^= h >> 33n;
  return h;
}

/** lowbias32 (C. Wellons' hash-prospector). */
export function mix32(x: number): number {
  x >>>= 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x21f0aaad);
  x ^= x >>> 15;
  x = Math.imul(x, 0x735a2d97);
  x ^= x >>> 15;
  return x >>> 0;
}

/** Little-endian u64 of the `n` (<= 8) bytes of `b` from `off` (missing high bytes are 0). */
function readLE(b: Uint8Array, off: number, n: number): bigint {
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[off + i]);
  return v;
}

/** xxHash64-style round over 8-byte little-endian words; the tail word is zero-padded (= masked). */
export function hashBytes(bytes: Uint8Array, seed: bigint): bigint {
  const len = bytes.length;
  let h = (seed ^ mul64(BigInt(len), P1)) & MASK64;
  let off = 0;
  for (; off + 8 <= len; off += 8) h = mul64(rotl64(h ^ mul64(readLE(bytes, off, 8), P2), 31n), P1);
  if (off < len) h = mul64(rotl64(h ^ mul64(readLE(bytes, off, len - off), P2), 31n), P1);
  return h;
}

/**
 * Token hash: a token of up to 8 bytes, read as one little-endian u64 zero-padded, keyed and
 * multiplied by P2; a longer token: hashBytes.
 */
export function tokenHash(bytes: Uint8Array, seed: bigint): bigint {
  if (bytes.length <= 8) return mul64(readLE(bytes, 0, bytes.length) ^ seed, P2);
  return hashBytes(bytes, seed);
}


/** One step of the narrow (32-bit) shingle hash. */
export const narrowStep = (h: number, t32: number): number => Math.imul(rotl32((h ^ t32) >>> 0, 13), 0x9e3779b1) >>> 0;

// ---------------------------------------------------------------------------------------------
// configure(): keys derived from the seed
// ---------------------------------------------------------------------------------------------

export interface Keys {
  base: bigint;
  tokenSeed: bigint;
  shingleSeed: bigint;
  /** 'fast' round keys (u64): R random rounds, then t per-bin ones. */
  roundKeys: bigint[];
  /** 'classic' per-slot seeds. */
  seeds: Uint32Array;
}

const keyCache = new Map<string, Keys>();

export function deriveKeys(seed: number, t: number): Keys {
  const id = `${seed}/${t}`;
  const hit = keyCache.get(id);
  if (hit) return hit;
  const base = fmix64(BigInt(seed >>> 0) ^ NEARDUP);
  const tokenSeed = fmix64(add64(base, P1));
  const shingleSeed = fmix64(add64(base, mul64(2n, P1)));
  const roundKeys: bigint[] = [];
  for (let i = 0; i < FAST_RANDOM_ROUNDS + t; i++) roundKeys.push(fmix64(add64(base, mul64(BigInt(i + 3), P1))));
  const seeds = new Uint32Array(t);
  for (let i = 0; i < t; i++) seeds[i] = lo32(fmix64(base ^ mul64(BigInt(i + 1), P2)));
  const keys = { base, tokenSeed, shingleSeed, roundKeys, seeds };
  keyCache.set(id, keys);
  return keys;
}

// ---------------------------------------------------------------------------------------------
// What the kernel receives
// ---------------------------------------------------------------------------------------------

const utf8 = new TextEncoder();
/** ignoreBOM: a leading U+FEFF is a character like any other. */
const utf8dec = new TextDecoder('utf-8', { ignoreBOM: true });

export const isAscii = (text: string): boolean => /^[\x00-\x7f]*$/.test(text);

/**
 * The JavaScript-side normalization of non-ASCII text, steps 1-4 of src/text.ts: remove invisible
 * characters (Default_Ignorable_Code_Point, Cf), NFKC, toLowerCase then "ß" -> "ss" and "ς" -> "σ",
 * Cyrillic and Greek look-alikes in Latin words to Latin;
 * char mode: whitespace runs -> one space, ends trimmed. (Written from the description: the
 * project's shortcut for text that needs none of it is checked against this.)
 */
export function normalizeRef(text: string, unit: Unit): string {
  let s = text.replace(/[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu, '').normalize('NFKC').toLowerCase();
  s = s.replace(/ß/g, 'ss').replace(/ς/g, 'σ');
  s = homoglyphsRef(s);
  return unit === 'char' ? s.replace(/\s+/gu, ' ').trim() : s;
}

/** Step 3b of src/text.ts, from its description: look-alike letters of mixed-script words (and of
 * all-look-alike words in mostly Latin text) become Latin. */
const LOOK: [string, string][] = [
  ['а', 'a'], ['в', 'b'], ['с', 'c'], ['ԁ', 'd'], ['е', 'e'], ['һ', 'h'], ['н', 'h'], ['і', 'i'], ['ј', 'j'], ['к', 'k'],
  ['ӏ', 'l'], ['м', 'm'], ['о', 'o'], ['р', 'p'], ['ԛ', 'q'], ['ѕ', 's'], ['т', 't'], ['ѵ', 'v'], ['ԝ', 'w'], ['х', 'x'],
  ['у', 'y'], ['α', 'a'], ['β', 'b'], ['ϲ', 'c'], ['ε', 'e'], ['η', 'h'], ['ι', 'i'], ['κ', 'k'], ['ν', 'v'], ['ο', 'o'],
  ['ρ', 'p'], ['τ', 't'], ['υ', 'u'], ['χ', 'x'], ['ζ', 'z'],
];
function homoglyphsRef(s: string): string {
  const map = new Map(LOOK);
  const chars = Array.from(s);
  let latin = 0, other = 0;
  for (const c of chars) {
    if (c >= 'a' && c <= 'z') latin++;
    const cp = c.codePointAt(0)!;
    if (cp >= 0x370 && cp <= 0x52f) other++;
  }
  const inWord = (c: string) => /[\p{L}\p{M}\p{N}]/u.test(c);
  let out = '';
  for (let i = 0; i < chars.length;) {
    if (!inWord(chars[i])) { out += chars[i++]; continue; }
    let j = i;
    while (j < chars.length && inWord(chars[j])) j++;
    const w = chars.slice(i, j);
    const fold = w.some((c) => c >= 'a' && c <= 'z') || (latin > other && w.every((c) => map.has(c)));
    out += w.map((c) => (fold && map.has(c) ? map.get(c) : c)).join('');
    i = j;
  }
  return out;
}

/**
 * The UTF-8 bytes the kernel receives for `text` (ASCII case folding and ASCII whitespace are
 * the kernel's business): ASCII as it is; other text as it is without normalize (lone surrogates
 * become U+FFFD) and normalized with it. `nonAscii` is the document flag (bit 31 of its DOCS end).
 */
export function kernelInput(text: string, unit: Unit, normalize: boolean): { bytes: Uint8Array; nonAscii: boolean } {
  if (isAscii(text)) return { bytes: utf8.encode(text), nonAscii: false };
  return { bytes: utf8.encode(normalize ? normalizeRef(text, unit) : text), nonAscii: true };
}

// ---------------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------------

/** Word-boundary classes of code points (assembly/unicode.ts, scripts/build-unicode.mjs). */
export const enum Cls { Separator = 0, Word = 1, StandAlone = 2, Invisible = 3, Mark = 4 }

const RE_INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/u;
const RE_MARK = /\p{M}/u;
const RE_LN = /[\p{L}\p{N}]/u;
const RE_NO_SPACE = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]/u;
const classCache = new Map<number, Cls>();

/**
 * Class of a code point: invisible (Default_Ignorable_Code_Point or Cf) first, then combining
 * mark (M), then letter/digit (L, N: stand-alone in a script written without spaces), else separator.
 */
export function classOf(cp: number): Cls {
  let c = classCache.get(cp);
  if (c !== undefined) return c;
  const ch = String.fromCodePoint(cp);
  if (cp >= 0xd800 && cp <= 0xdfff) c = Cls.Separator;
  else if (RE_INVISIBLE.test(ch)) c = Cls.Invisible;
  else if (RE_MARK.test(ch)) c = Cls.Mark;
  else if (RE_LN.test(ch)) c = RE_NO_SPACE.test(ch) ? Cls.StandAlone : Cls.Word;
  else c = Cls.Separator;
  classCache.set(cp, c);
  return c;
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

function fromLatin1(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const lowerAscii = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/**
 * Word tokens of a document with non-ASCII bytes: letters and digits form words, combining marks
 * continue the current word (or start one), each letter of a no-space script is a word of its own
 * (its marks included), separators and invisible characters end words.
 */
function unicodeWords(s: string): string[] {
  const out: string[] = [];
  let cur: string | null = null;
  let alone = false;
  const flush = () => {
    if (cur !== null) out.push(cur);
    cur = null;
  };
  for (const ch of s) {
    const c = classOf(ch.codePointAt(0)!);
    if (c === Cls.Word) {
      if (cur !== null && !alone) cur += ch;
      else { flush(); cur = ch; alone = false; }
    } else if (c === Cls.StandAlone) {
      flush();
      cur = ch;
      alone = true;
    } else if (c === Cls.Mark) {
      if (cur !== null) cur += ch;
      else { cur = ch; alone = false; }
    } else {
      flush();
    }
  }
  flush();
  return out;
}

/**
 * Tokens (as byte strings) of a document as the kernel receives it. `lower` folds ASCII A-Z;
 * `collapse` (char mode) turns runs of ASCII whitespace into one space and drops them at the ends.
 */
export function tokenBytes(bytes: Uint8Array, nonAscii: boolean, unit: Unit, lower: boolean, collapse: boolean): Uint8Array[] {
  if (unit === 'word' && !nonAscii) {
    // ASCII document: a word is a maximal run of [0-9A-Za-z] (bytes >= 0x80 cannot occur)
    let s = latin1(bytes);
    if (lower) s = lowerAscii(s);
    return (s.match(/[0-9A-Za-z\x80-\xff]+/g) ?? []).map(fromLatin1);
  }
  // The kernel's input is valid UTF-8 (it comes from TextEncoder): work on the decoded string.
  let s = utf8dec.decode(bytes);
  if (lower) s = lowerAscii(s);
  if (unit === 'word') return unicodeWords(s).map((w) => utf8.encode(w));
  if (collapse) s = s.replace(/[ \t\n\v\f\r]+/g, ' ').replace(/^ /, '').replace(/ $/, '');
  return Array.from(s, (cp) => utf8.encode(cp));
}

export interface ShingleCfg {
  unit: Unit;
  size: number;
  normalize: boolean;
}

/** Tokens of `text` under `cfg`, as byte strings. */
export function textTokens(text: string, cfg: Omit<ShingleCfg, 'size'>): Uint8Array[] {
  const { bytes, nonAscii } = kernelInput(text, cfg.unit, cfg.normalize);
  return tokenBytes(bytes, nonAscii, cfg.unit, cfg.normalize, cfg.unit === 'char' && cfg.normalize);
}

/** K consecutive tokens per shingle; 1..K-1 tokens give one shingle of all; none give none. */
export function windows<T>(tokens: T[], k: number): T[][] {
  if (tokens.length === 0) return [];
  if (tokens.length < k) return [tokens.slice()];
  const out: T[][] = [];
  for (let i = 0; i + k <= tokens.length; i++) out.push(tokens.slice(i, i + k));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Shingle (element) hashes
// ---------------------------------------------------------------------------------------------

function tokenHasher(keys: Keys): (t: Uint8Array) => bigint {
  const memo = new Map<string, bigint>();
  return (t) => {
    const id = latin1(t);
    let h = memo.get(id);
    if (h === undefined) memo.set(id, (h = tokenHash(t, keys.tokenSeed)));
    return h;
  };
}

/**
 * Wide (u64) shingle hashes, as SimHash and the dump hook see them: the narrow window hash with
 * the high half of SHINGLE_SEED as the high word, with the low half as the low word.
 */
export function wideShingleHashes(text: string, cfg: ShingleCfg, seed: number): bigint[] {
  const keys = deriveKeys(seed, 1);
  const th = tokenHasher(keys);
  const w32 = (w: Uint8Array[], s: number): number => {
    let h = s;
    for (const t of w) h = narrowStep(h, fold32(th(t)));
    return mix32(h);
  };
  return windows(textTokens(text, cfg), cfg.size).map(
    (w) => (BigInt(w32(w, Number(keys.shingleSeed >> 32n))) << 32n) | BigInt(w32(w, lo32(keys.shingleSeed))),
  );
}

/** Narrow (u32) shingle hashes ('fast', 'classic'): mix32 of the narrowStep fold of fold32(token hash). */
export function narrowShingleHashes(text: string, cfg: ShingleCfg, seed: number): number[] {
  const keys = deriveKeys(seed, 1);
  const th = tokenHasher(keys);
  return windows(textTokens(text, cfg), cfg.size).map((w) => {
    let h = lo32(keys.shingleSeed);
    for (const t of w) h = narrowStep(h, fold32(th(t)));
    return mix32(h);
  });
}

function concat(parts: Uint8Array[], sep: number | null): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  if (sep !== null && parts.length > 0) n += parts.length - 1;
  const out = new Uint8Array(n);
  let o = 0;
  parts.forEach((p, i) => {
    if (i > 0 && sep !== null) out[o++] = sep;
    out.set(p, o);
    o += p.length;
  });
  return out;
}

/** datasketch's sha1_hash32: the first 4 bytes of SHA-1, little-endian. */
export function sha1Hash32(bytes: Uint8Array): number {
  return createHash('sha1').update(bytes).digest().readUInt32LE(0);
}

/** The shingles of `text` as byte strings: tokens joined by one space (word) or concatenated (char). */
export function shingleBytes(text: string, cfg: ShingleCfg): Uint8Array[] {
  const sep = cfg.unit === 'word' ? 0x20 : null;
  return windows(textTokens(text, cfg), cfg.size).map((w) => concat(w, sep));
}

/** 'datasketch' shingle hashes: sha1_hash32 of the shingle bytes. */
export function datasketchShingleHashes(text: string, cfg: ShingleCfg): number[] {
  return shingleBytes(text, cfg).map(sha1Hash32);
}

// ---------------------------------------------------------------------------------------------
// Sketches from element hashes
// ---------------------------------------------------------------------------------------------

const TWO32 = 4294967296;

/** 'fast' round hash: multiply-shift of x ^ lo32(key) by the odd hi32(key) | 1, then y ^ (y >>> 16). */
export function roundHash(x: number, key: bigint): number {
  const k = lo32(key), mul = (Number(key >> 32n) | 1) >>> 0;
  const y = Math.imul((x ^ k) >>> 0, mul) >>> 0;
  return (y ^ (y >>> 16)) >>> 0;
}

/**
 * 'fast' (Dahlgaard-Knudsen-Thorup with a per-bin tail). Values are (round, y) pairs compared
 * lexicographically, i.e. round * 2^32 + y (exact in a double: round < 2^14). Random round
 * i < R: y = roundHash(x, key_i), offered to bin ((y >>> 16) * t) >>> 16. Per-bin round R + j:
 * every x offers y = roundHash(x, key_{R+j}) to bin j. Each bin keeps its minimum. A round can never beat a
 * value of an earlier round, so the rounds after the first one that fills a bin do not matter
 * for it: computing all R random rounds and the per-bin rounds of the bins they left empty gives
 * the same sketch as any early-stopping schedule. Signature: y; an empty set leaves 0xFFFFFFFF.
 */
export function fastSketch(elems: readonly number[], t: number, keys: Keys): Uint32Array {
  const set = [...new Set(elems)];
  const bins = new Array<number>(t).fill(Infinity);
  const R = FAST_RANDOM_ROUNDS;
  if (set.length > 0) {
    for (let i = 0; i < R; i++) {
      const key = keys.roundKeys[i];
      for (const x of set) {
        const y = roundHash(x, key);
        const bin = ((y >>> 16) * t) >>> 16;
        const v = i * TWO32 + y;
        if (v < bins[bin]) bins[bin] = v;
      }
    }
    for (let j = 0; j < t; j++) {
      if (bins[j] !== Infinity) continue;
      const key = keys.roundKeys[R + j];
      let best = 0xffffffff;
      for (const x of set) {
        const y = roundHash(x, key);
        if (y < best) best = y;
      }
      bins[j] = (R + j) * TWO32 + best;
    }
  }
  return Uint32Array.from(bins, (v) => (v === Infinity ? 0xffffffff : v % TWO32));
}

/** 'classic': slot k = min over x of mix32(x ^ seed_k). */
export function classicSketch(elems: readonly number[], t: number, keys: Keys): Uint32Array {
  const set = [...new Set(elems)];
  const out = new Uint32Array(t);
  for (let k = 0; k < t; k++) {
    const s = keys.seeds[k];
    let m = 0xffffffff;
    for (const x of set) {
      const v = mix32(x ^ s);
      if (v < m) m = v;
    }
    out[k] = m;
  }
  return out;
}

const MERSENNE61 = (1n << 61n) - 1n;

/** 'datasketch': slot k = min over hv of (((a_k * hv + b_k) mod 2^64) mod (2^61 - 1)) & 0xFFFFFFFF. */
export function datasketchSketch(elems: readonly number[], a: ArrayLike<bigint>, b: ArrayLike<bigint>, t: number): Uint32Array {
  const set = [...new Set(elems)].map(BigInt);
  const out = new Uint32Array(t);
  for (let k = 0; k < t; k++) {
    const ak = a[k], bk = b[k];
    let m = 0xffffffff;
    for (const hv of set) {
      const v = Number((((ak * hv + bk) & MASK64) % MERSENNE61) & MASK32);
      if (v < m) m = v;
    }
    out[k] = m;
  }
  return out;
}

/**
 * SimHash: bit i is set iff more than half of the element occurrences have it set; on a tie
 * (exactly half) it is bit i of the smallest element hash. An empty set gives 0.
 */
export function simhash(elems: readonly bigint[]): bigint {
  const counts = new Array<number>(64).fill(0);
  let smallest = MASK64;
  for (const e of elems) {
    if (e < smallest) smallest = e;
    const lo = Number(e & MASK32), hi = Number(e >> 32n);
    for (let i = 0; i < 32; i++) {
      counts[i] += (lo >>> i) & 1;
      counts[32 + i] += (hi >>> i) & 1;
    }
  }
  let fp = 0n;
  for (let i = 0; i < 64; i++) {
    const bit = 1n << BigInt(i);
    if (2 * counts[i] > elems.length || (elems.length > 0 && 2 * counts[i] === elems.length && (smallest & bit) !== 0n)) fp |= bit;
  }
  return fp;
}

// ---------------------------------------------------------------------------------------------
// Whole pipelines (what MinHasher / SimHasher return)
// ---------------------------------------------------------------------------------------------

export type Algorithm = 'fast' | 'classic' | 'datasketch';

export interface RefMinHashOptions {
  algorithm: Algorithm;
  numPerm: number;
  seed: number;
  shingle: ShingleCfg;
}

/** Sketch of a set of u32 element hashes under `algorithm`. */
export function sketch(elems: readonly number[], algorithm: Algorithm, numPerm: number, seed: number): Uint32Array {
  if (algorithm === 'datasketch') {
    const { a, b } = datasketchPermutations(numPerm, seed);
    return datasketchSketch(elems, a, b, numPerm);
  }
  const keys = deriveKeys(seed, numPerm);
  return algorithm === 'fast' ? fastSketch(elems, numPerm, keys) : classicSketch(elems, numPerm, keys);
}

/** Element hashes of `text` for a MinHash algorithm. */
export function elementHashes(text: string, algorithm: Algorithm, shingle: ShingleCfg, seed: number): number[] {
  return algorithm === 'datasketch' ? datasketchShingleHashes(text, shingle) : narrowShingleHashes(text, shingle, seed);
}

export function refSign(text: string, o: RefMinHashOptions): Uint32Array {
  return sketch(elementHashes(text, o.algorithm, o.shingle, o.seed), o.algorithm, o.numPerm, o.seed);
}

export function refFingerprint(text: string, o: { seed: number; shingle: ShingleCfg }): bigint {
  return simhash(wideShingleHashes(text, o.shingle, o.seed));
}

/**
 * Element hashes of caller-given shingles (signShingles): strings as UTF-8, bytes as given.
 * 'datasketch': sha1_hash32; others: fold32(fmix64(hashBytes(bytes, SHINGLE_SEED ^ P2))).
 */
export function shingleElementHashes(shingles: readonly (string | Uint8Array)[], algorithm: Algorithm, seed: number): number[] {
  const keys = deriveKeys(seed, 1);
  return shingles.map((s) => {
    const bytes = typeof s === 'string' ? utf8.encode(s) : s;
    return algorithm === 'datasketch' ? sha1Hash32(bytes) : fold32(fmix64(hashBytes(bytes, keys.shingleSeed ^ P2)));
  });
}

export function refSignShingles(shingles: readonly (string | Uint8Array)[], o: { algorithm: Algorithm; numPerm: number; seed: number }): Uint32Array {
  return sketch(shingleElementHashes(shingles, o.algorithm, o.seed), o.algorithm, o.numPerm, o.seed);
}
