/**
 * Plain-TypeScript reference of every step of the neardup kernel, written from the algorithm
 * descriptions in assembly/*.ts (never calling the kernel). u64 arithmetic uses BigInt masked to
 * 64 bits, u32 arithmetic uses Math.imul and `>>> 0`. Slow but obviously correct: this is what the
 * WebAssembly kernel is cross-checked against in test/kernel.test.ts.
 *
 * The only project code used here is the JavaScript-side text preparation (`prepareText`, which
 * runs before the kernel sees a non-ASCII text) and the datasketch permutation parameters
 * (`datasketchPermutations`, which the TypeScript side writes to PARAM_A / PARAM_B); both are
 * inputs of the kernel, not part of it.
 */
import { createHash } from 'node:crypto';
import { prepareText, type Unit } from '../src/text';
import { datasketchPermutations } from '../src/permutations';

// ---------------------------------------------------------------------------------------------
// 64-bit primitives
// ---------------------------------------------------------------------------------------------

export const MASK64 = 0xffff_ffff_ffff_ffffn;
const MASK32 = 0xffff_ffffn;
export const P1 = 0x9e3779b185ebca87n;
export const P2 = 0xc2b2ae3d27d4eb4fn;
export const P3 = 0x165667b19e3779f9n;
/** "neardup!" read as a big-endian 64-bit constant. */
export const NEARDUP = 0x6e65617264757021n;

export const mul64 = (a: bigint, b: bigint): bigint => (a * b) & MASK64;
export const add64 = (a: bigint, b: bigint): bigint => (a + b) & MASK64;
export const rotl64 = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (64n - r))) & MASK64;

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

/** Little-endian u64 of up to 8 bytes of `b` starting at `off` (missing bytes are 0). */
function readLE(b: Uint8Array, off: number, n: number): bigint {
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[off + i]);
  return v;
}

/** xxHash64-style round over 8-byte little-endian words, tail word zero-padded (= masked). */
export function hashBytes(bytes: Uint8Array, seed: bigint): bigint {
  const len = bytes.length;
  let h = (seed ^ mul64(BigInt(len), P1)) & MASK64;
  let off = 0;
  for (; off + 8 <= len; off += 8) h = mul64(rotl64(h ^ mul64(readLE(bytes, off, 8), P2), 31n), P1);
  if (off < len) h = mul64(rotl64(h ^ mul64(readLE(bytes, off, len - off), P2), 31n), P1);
  return h;
}

/** Order-dependent token-hash combination. */
export const combine = (h: bigint, tokenHash: bigint): bigint => mul64(rotl64(h ^ tokenHash, 23n), P3);

// ---------------------------------------------------------------------------------------------
// configure(): keys derived from the seed
// ---------------------------------------------------------------------------------------------

export interface Keys {
  base: bigint;
  tokenSeed: bigint;
  shingleSeed: bigint;
  /** 'fast' round keys, 2 * t of them. */
  roundKeys: bigint[];
  /** 'classic' per-slot seeds, t of them. */
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
  for (let i = 0; i < 2 * t; i++) roundKeys.push(fmix64(add64(base, mul64(BigInt(i + 3), P1))));
  const seeds = new Uint32Array(t);
  for (let i = 0; i < t; i++) seeds[i] = Number(fmix64(base ^ mul64(BigInt(i + 1), P2)) & MASK32);
  const keys = { base, tokenSeed, shingleSeed, roundKeys, seeds };
  keyCache.set(id, keys);
  return keys;
}

// ---------------------------------------------------------------------------------------------
// Tokens and shingles
// ---------------------------------------------------------------------------------------------

const utf8 = new TextEncoder();
const utf8dec = new TextDecoder('utf-8', { ignoreBOM: true }); // keep a leading U+FEFF: it is a token

/** The UTF-8 bytes the kernel receives for `text` (ASCII as is; anything else via prepareText). */
export function kernelBytes(text: string, unit: Unit, normalize: boolean): Uint8Array {
  return utf8.encode(/^[\x00-\x7f]*$/.test(text) ? text : prepareText(text, unit, normalize));
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

/**
 * Tokens (as byte strings) of the bytes the kernel receives. `lower` folds ASCII A-Z; `collapse`
 * (char mode) turns runs of ASCII whitespace into one space and drops them at the ends.
 */
export function tokenBytes(bytes: Uint8Array, unit: Unit, lower: boolean, collapse: boolean): Uint8Array[] {
  if (unit === 'word') {
    let s = latin1(bytes);
    if (lower) s = s.replace(/[A-Z]/g, (c) => c.toLowerCase());
    return (s.match(/[0-9A-Za-z\x80-\xff]+/g) ?? []).map(fromLatin1);
  }
  // char mode: the kernel's input is always valid UTF-8 (it comes from TextEncoder), so its
  // tokens are the code points of the decoded string.
  let s = utf8dec.decode(bytes);
  if (lower) s = s.replace(/[A-Z]/g, (c) => c.toLowerCase());
  if (collapse) s = s.replace(/[ \t\n\v\f\r]+/g, ' ').replace(/^ /, '').replace(/ $/, '');
  return Array.from(s, (cp) => utf8.encode(cp));
}

/** K consecutive tokens per shingle; 1..K-1 tokens give one shingle of all; none give none. */
export function windows<T>(tokens: T[], k: number): T[][] {
  if (tokens.length === 0) return [];
  if (tokens.length < k) return [tokens.slice()];
  const out: T[][] = [];
  for (let i = 0; i + k <= tokens.length; i++) out.push(tokens.slice(i, i + k));
  return out;
}

export interface ShingleCfg {
  unit: Unit;
  size: number;
  normalize: boolean;
}

/** Shingle hash from token byte strings (non-datasketch algorithms). */
export function shingleHash(tokens: Uint8Array[], keys: Keys): bigint {
  let h = keys.shingleSeed;
  for (const t of tokens) h = combine(h, hashBytes(t, keys.tokenSeed));
  return fmix64(h);
}

/** The shingle hashes of raw kernel input bytes (what dump mode writes), in document order. */
export function shingleHashesOfBytes(bytes: Uint8Array, cfg: ShingleCfg, seed: number): bigint[] {
  const keys = deriveKeys(seed, 1);
  const toks = tokenBytes(bytes, cfg.unit, cfg.normalize, cfg.unit === 'char' && cfg.normalize);
  const memo = new Map<string, bigint>();
  const th = (t: Uint8Array) => {
    const id = latin1(t);
    let h = memo.get(id);
    if (h === undefined) memo.set(id, (h = hashBytes(t, keys.tokenSeed)));
    return h;
  };
  return windows(toks, cfg.size).map((w) => {
    let h = keys.shingleSeed;
    for (const t of w) h = combine(h, th(t));
    return fmix64(h);
  });
}

export function shingleHashes(text: string, cfg: ShingleCfg, seed: number): bigint[] {
  return shingleHashesOfBytes(kernelBytes(text, cfg.unit, cfg.normalize), cfg, seed);
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
  const d = createHash('sha1').update(bytes).digest();
  return d.readUInt32LE(0);
}

/** 'datasketch' shingle hashes: SHA-1 of the tokens joined by a space (word) or concatenated (char). */
export function datasketchShingleHashes(text: string, cfg: ShingleCfg): bigint[] {
  const bytes = kernelBytes(text, cfg.unit, cfg.normalize);
  const toks = tokenBytes(bytes, cfg.unit, cfg.normalize, cfg.unit === 'char' && cfg.normalize);
  const sep = cfg.unit === 'word' ? 0x20 : null;
  return windows(toks, cfg.size).map((w) => BigInt(sha1Hash32(concat(w, sep))));
}

// ---------------------------------------------------------------------------------------------
// Sketches from element hashes
// ---------------------------------------------------------------------------------------------

const EMPTY64 = MASK64;

/** SplitMix64-style per-round mixer of 'fast'. */
export function roundHash(x: bigint, key: bigint): bigint {
  let y = mul64(x ^ key, 0xbf58476d1ce4e5b9n);
  y ^= y >> 31n;
  y = mul64(y, 0x94d049bb133111ebn);
  return y ^ (y >> 29n);
}

/**
 * 'fast' (Dahlgaard-Knudsen-Thorup): round i < t sends x to bin floor(hi32(y) * t / 2^32) with
 * value (i << 32) | lo32(y), y = roundHash(x, key_i); round t + j sends every x to bin j. Bins keep
 * their minimum; stop after the first round at whose end all bins are filled (later rounds have
 * larger values). Signature = low 32 bits; an empty set leaves every bin at 0xFFFFFFFF.
 */
export function fastSketch(elems: readonly bigint[], t: number, keys: Keys): Uint32Array {
  const set = [...new Set(elems)];
  const bins: bigint[] = new Array(t).fill(EMPTY64);
  let filled = 0;
  if (set.length > 0) {
    const T = BigInt(t);
    for (let i = 0; i < 2 * t && filled < t; i++) {
      const key = keys.roundKeys[i];
      const hi = BigInt(i) << 32n;
      for (const x of set) {
        const y = roundHash(x, key);
        const bin = i < t ? Number(((y >> 32n) * T) >> 32n) : i - t;
        const v = hi | (y & MASK32);
        if (v < bins[bin]) {
          if (bins[bin] === EMPTY64) filled++;
          bins[bin] = v;
        }
      }
    }
  }
  return Uint32Array.from(bins, (v) => Number(v & MASK32));
}

/** lowbias32 (C. Wellons). */
export function mix32(x: number): number {
  x >>>= 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x21f0aaad);
  x ^= x >>> 15;
  x = Math.imul(x, 0x735a2d97);
  x ^= x >>> 15;
  return x >>> 0;
}

/** 'classic': slot k = min over x of mix32(fold32(x) ^ seed_k), fold32(x) = lo32(x) ^ hi32(x). */
export function classicSketch(elems: readonly bigint[], t: number, keys: Keys): Uint32Array {
  const folded = [...new Set(elems)].map((e) => Number((e & MASK32) ^ (e >> 32n)) >>> 0);
  const out = new Uint32Array(t).fill(0xffffffff);
  for (let k = 0; k < t; k++) {
    const s = keys.seeds[k];
    let m = 0xffffffff;
    for (const x of folded) {
      const v = mix32((x ^ s) >>> 0);
      if (v < m) m = v;
    }
    out[k] = m;
  }
  return out;
}

const MERSENNE61 = (1n << 61n) - 1n;

/** 'datasketch': slot k = min over hv of (((a_k * hv + b_k) mod 2^64) mod (2^61 - 1)) & 0xFFFFFFFF. */
export function datasketchSketch(elems: readonly bigint[], a: ArrayLike<bigint>, b: ArrayLike<bigint>, t: number): Uint32Array {
  const set = [...new Set(elems)];
  const out = new Uint32Array(t).fill(0xffffffff);
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

/** SimHash: bit i set iff more than half of the element occurrences have bit i set. */
export function simhash(elems: readonly bigint[]): bigint {
  const counts = new Array<number>(64).fill(0);
  for (const e of elems) {
    const lo = Number(e & MASK32), hi = Number(e >> 32n);
    for (let i = 0; i < 32; i++) {
      counts[i] += (lo >>> i) & 1;
      counts[32 + i] += (hi >>> i) & 1;
    }
  }
  let fp = 0n;
  for (let i = 0; i < 64; i++) if (2 * counts[i] > elems.length) fp |= 1n << BigInt(i);
  return fp;
}

// ---------------------------------------------------------------------------------------------
// Whole pipelines (what MinHasher / SimHasher should return)
// ---------------------------------------------------------------------------------------------

export type Algorithm = 'fast' | 'classic' | 'datasketch';

export interface RefMinHashOptions {
  algorithm: Algorithm;
  numPerm: number;
  seed: number;
  shingle: ShingleCfg;
}

/** Sketch of a set of element hashes under `algorithm`. */
export function sketch(elems: readonly bigint[], algorithm: Algorithm, numPerm: number, seed: number): Uint32Array {
  if (algorithm === 'datasketch') {
    const { a, b } = datasketchPermutations(numPerm, seed);
    return datasketchSketch(elems, a, b, numPerm);
  }
  const keys = deriveKeys(seed, numPerm);
  return algorithm === 'fast' ? fastSketch(elems, numPerm, keys) : classicSketch(elems, numPerm, keys);
}

export function refSign(text: string, o: RefMinHashOptions): Uint32Array {
  const elems = o.algorithm === 'datasketch' ? datasketchShingleHashes(text, o.shingle) : shingleHashes(text, o.shingle, o.seed);
  return sketch(elems, o.algorithm, o.numPerm, o.seed);
}

export function refFingerprint(text: string, o: { seed: number; shingle: ShingleCfg }): bigint {
  return simhash(shingleHashes(text, o.shingle, o.seed));
}

/** Element hashes of caller-given shingles (signShingles): strings as UTF-8, bytes as given. */
export function shingleElementHashes(shingles: readonly (string | Uint8Array)[], algorithm: Algorithm, seed: number): bigint[] {
  const keys = deriveKeys(seed, 1);
  return shingles.map((s) => {
    const bytes = typeof s === 'string' ? utf8.encode(s) : s;
    return algorithm === 'datasketch' ? BigInt(sha1Hash32(bytes)) : fmix64(hashBytes(bytes, keys.shingleSeed ^ P2));
  });
}

export function refSignShingles(shingles: readonly (string | Uint8Array)[], o: { algorithm: Algorithm; numPerm: number; seed: number }): Uint32Array {
  return sketch(shingleElementHashes(shingles, o.algorithm, o.seed), o.algorithm, o.numPerm, o.seed);
}
