// neardup kernel entry: every export the TypeScript side uses (listed again, typed, in
// src/kernel.ts). Built twice from this source: with SIMD (ASC_FEATURE_SIMD true) and without;
// both builds export the same functions and produce bit-identical results.
import {
  PARAM_A_PTR, PARAM_B_PTR, SEEDS_PTR, ROUNDKEY_PTR, ELEM_PTR, ELEM_CAP, DOCS_PTR, DOCS_CAP, OUT_PTR,
  OUT_BYTES, INPUT_PTR, MAX_PERM, MAX_SHINGLE, growInputTo, inputCapacity as capacity,
} from "./layout";
import { setConfig, T, ALGO, ALGO_SIMHASH, ALGO_DATASKETCH, ALGO_DUMP, SHINGLE_SEED } from "./config";
import { setRandomRounds } from "./minhash";
import { fmix64, hashBytes, P1, P2 } from "./hash";
import { initClassTable, shingleDoc, spanCount } from "./shingle";
import { initUnicode } from "./unicode";
import { initMinerClasses, minerTokens, minerKeys, minerPairs, minerSpecific, minerSort, minerScatter } from "./miner";
export { spanCount, minerTokens, minerKeys, minerPairs, minerSpecific, minerSort, minerScatter };
import { initSpreadTable } from "./simhash";
import { sinkBegin, sinkAdd, sinkPush32, sinkPush64, sinkFinish } from "./sink";
import { sha1Init, sha1Update, sha1FinalHash32 } from "./sha1";

/** Random-bin rounds of the 'fast' sketch before its per-bin rounds (minhash.ts). */
const FAST_RANDOM_ROUNDS: i32 = 5;

initClassTable();
initUnicode();
initSpreadTable();
initMinerClasses();

/** Layout fields, in this order, for `layout(i)`. */
export function layout(field: i32): usize {
  switch (field) {
    case 0: return PARAM_A_PTR;
    case 1: return PARAM_B_PTR;
    case 2: return SEEDS_PTR;
    case 3: return ELEM_PTR;
    case 4: return <usize>ELEM_CAP;
    case 5: return DOCS_PTR;
    case 6: return <usize>DOCS_CAP;
    case 7: return OUT_PTR;
    case 8: return <usize>OUT_BYTES;
    case 9: return INPUT_PTR;
    case 10: return <usize>MAX_PERM;
    case 11: return <usize>MAX_SHINGLE;
    case 12: return ROUNDKEY_PTR;
    case 13: return <usize>(ASC_FEATURE_SIMD ? 1 : 0);
  }
  return 0;
}

/** Bytes the INPUT region holds now. */
export function inputCapacity(): i32 { return capacity(); }

/** Grows memory so INPUT holds `bytes`; returns the new capacity, or -1 if memory cannot grow. */
export function ensureInput(bytes: i32): i32 {
  return growInputTo(bytes) ? capacity() : -1;
}

/**
 * Selects the algorithm and shingling for the following calls and derives every key from `seed`.
 * 'datasketch' permutations (PARAM_A/PARAM_B) are written by the caller before signing.
 */
export function configure(algo: i32, t: i32, k: i32, unitChar: bool, lower: bool, collapse: bool, seed: u32): void {
  assert(t >= 1 && t <= MAX_PERM, "numPerm out of range");
  assert(k >= 1 && k <= MAX_SHINGLE, "shingle size out of range");
  // "neardup!" as a 64-bit constant, so seed 0 does not give an all-zero key.
  const base = fmix64(<u64>seed ^ 0x6E65617264757021);
  setConfig(algo, t, k, unitChar, lower, collapse, fmix64(base + P1), fmix64(base + 2 * P1));
  for (let i = 0; i < FAST_RANDOM_ROUNDS + t; i++) {
    store<u64>(ROUNDKEY_PTR + (<usize>i << 3), fmix64(base + <u64>(i + 3) * P1));
  }
  setRandomRounds(FAST_RANDOM_ROUNDS);
  for (let i = 0; i < t; i++) {
    store<u32>(SEEDS_PTR + (<usize>i << 2), <u32>fmix64(base ^ (<u64>(i + 1) * P2)));
  }
}

/** SimHash and dump use 64-bit element hashes, the MinHash algorithms 32-bit ones. */
@inline function wide(): bool {
  return ALGO == ALGO_SIMHASH || ALGO == ALGO_DUMP;
}

@inline function outStride(): usize {
  return ALGO == ALGO_SIMHASH ? 8 : ALGO >= ALGO_DUMP ? 0 : <usize>T << 2;
}

/**
 * Signs `count` documents: document d is INPUT[DOCS[d] .. DOCS[d+1]), offsets in the low 31 bits;
 * bit 31 of DOCS[d+1] flags a document with non-ASCII bytes. Writes one signature
 * (T x u32) or fingerprint (u64) per document to OUT, row after row. Returns the number of
 * hashes written in dump mode (test hook), else 0.
 */
export function signDocs(count: i32): i32 {
  assert(count >= 0 && count <= DOCS_CAP && <usize>count * outStride() <= <usize>OUT_BYTES, "batch too large");
  let r = 0;
  const stride = outStride();
  for (let d = 0; d < count; d++) {
    const s = INPUT_PTR + <usize>(load<u32>(DOCS_PTR + (<usize>d << 2)) & 0x7FFFFFFF);
    const endWord = load<u32>(DOCS_PTR + (<usize>(d + 1) << 2));
    const e = INPUT_PTR + <usize>(endWord & 0x7FFFFFFF);
    sinkBegin();
    shingleDoc(s, e, (endWord >>> 31) == 0);
    r = sinkFinish(OUT_PTR + <usize>d * stride);
  }
  return r;
}

/**
 * Adds `count` raw byte strings to one set's signature: shingle i is INPUT[DOCS[i] .. DOCS[i+1]).
 * `first` starts a new signature, `last` writes it to OUT (a set larger than DOCS_CAP shingles
 * takes several calls). 'datasketch' hashes each with SHA-1 (first 4 bytes, little-endian); the
 * others with the 64-bit byte hash. Bytes are never decoded: any byte string is accepted.
 */
export function signShingles(count: i32, first: bool, last: bool): void {
  assert(count >= 0 && count <= DOCS_CAP, "batch too large");
  if (first) sinkBegin();
  for (let i = 0; i < count; i++) {
    const s = INPUT_PTR + <usize>load<u32>(DOCS_PTR + (<usize>i << 2));
    const len = <i32>(load<u32>(DOCS_PTR + (<usize>(i + 1) << 2)) - load<u32>(DOCS_PTR + (<usize>i << 2)));
    if (ALGO == ALGO_DATASKETCH) {
      sha1Init();
      sha1Update(s, len);
      sinkPush32(sha1FinalHash32());
    } else {
      const h = fmix64(hashBytes(s, len, SHINGLE_SEED ^ P2));
      if (wide()) sinkPush64(h);
      else sinkPush32(<u32>h ^ <u32>(h >>> 32));
    }
  }
  if (last) sinkFinish(OUT_PTR);
}

/** Signs the set of `n` element hashes the caller wrote to ELEM: u32 for the MinHash algorithms,
 *  u64 for SimHash (a test and research hook). */
export function signElements(n: i32): void {
  assert(n >= 0 && n <= ELEM_CAP, "too many elements");
  sinkBegin();
  sinkAdd(ELEM_PTR, n);
  sinkFinish(OUT_PTR);
}

