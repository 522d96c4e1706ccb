// MinHash sketches over 64-bit shingle hashes. Each sketch has three steps: begin (reset the
// working state in SKETCH), add (a batch of element hashes from ELEM; may be called many times
// for one document, so a 10 MB text streams through a bounded buffer), finish (write T u32 slots).
import { T } from "./config";
import { mix32 } from "./hash";
import { SKETCH_PTR, PARAM_A_PTR, PARAM_B_PTR, SEEDS_PTR, ROUNDKEY_PTR } from "./layout";

const EMPTY64: u64 = 0xFFFFFFFFFFFFFFFF;

// ---------------------------------------------------------------------------------------------
// 'fast': Fast Similarity Sketching with a per-bin tail.
// S. Dahlgaard, M. B. T. Knudsen, M. Thorup, "Fast Similarity Sketching", FOCS 2017, section 2
// (arXiv:1704.04370). Rounds i = 0 .. R-1 are random-bin rounds: every element goes to bin h_i(x)
// with value (i, r_i(x)). Round R + j is a per-bin round: every element goes to bin j. A bin keeps
// the lexicographic minimum (round, r), so a value of an earlier round always wins and a round
// can be skipped for a bin that is already filled: we stop as soon as every bin is filled. DKT run
// T random rounds before the per-bin ones (expected cost O(n + T log T)); we run R = RANDOM_ROUNDS
// (a fixed number chosen by measurement, so the schedule is the same for every set) and fill the
// bins still empty with per-bin rounds, which are a vectorised minimum over the elements. Each
// bin's value equals the union's minimum with probability J exactly; bins are filled by
// independent rounds, so sparse sets never copy bins as densified one-permutation hashing does
// (the variance stays at classic MinHash's J(1-J)/T, see test/accuracy.test.ts).
//
// Round hash: y = mix32(x ^ key_i) on the 32-bit element hash x. Random rounds choose the bin
// ((y >>> 16) * T) >>> 16 (multiply-shift range reduction of the top 16 bits, D. Lemire, "Fast
// random integer generation in an interval", TOMACS 2019) and offer (i << 32 | y); the signature
// keeps y. The SIMD build hashes 4 elements per v128; both builds compute the same numbers.
// ---------------------------------------------------------------------------------------------
let filled: i32 = 0;
/** Random-bin rounds before the per-bin rounds begin (set by configure). */
export let RANDOM_ROUNDS: i32 = 4;

export function setRandomRounds(r: i32): void {
  RANDOM_ROUNDS = r;
}

export function fastBegin(): void {
  memory.fill(SKETCH_PTR, 0xFF, <usize>T << 3);
  filled = 0;
}

/**
 * Round hash: multiply-shift hashing (M. Dietzfelbinger et al., "A reliable randomized algorithm
 * for the closest-pair problem", J. Algorithms 1997) of the already random 32-bit element hash with
 * a per-round key and odd multiplier; the top bits, which decide bins and minima, are the
 * well-mixed ones, and the final xorshift folds them into the low bits kept in the signature.
 */
@inline function roundHash(x: u32, k: u32, mul: u32): u32 {
  const y = (x ^ k) * mul;
  return y ^ (y >>> 16);
}

/** Keeps the smaller of bin's value and v, branch-free (the outcome is unpredictable); returns
 *  1 if the bin was empty. */
@inline function keepMin(bin: u32, v: u64): i32 {
  const q = SKETCH_PTR + (<usize>bin << 3);
  const old = load<u64>(q);
  store<u64>(q, v < old ? v : old);
  return i32(old == EMPTY64);
}

/** Offers (round << 32 | y) to the bin chosen by y's top 16 bits; returns 1 if it was empty. */
@inline function offer(y: u32, hi: u64, t: u32): i32 {
  return keepMin(((y >>> 16) * t) >>> 16, hi | <u64>y);
}

/** One random-bin round over the elements X[0 .. n4) (n4 a multiple of 4). */
function randomRound(x: usize, n4: i32, i: i32): void {
  const key = load<u64>(ROUNDKEY_PTR + (<usize>i << 3));
  const k = <u32>key, mul = <u32>(key >>> 32) | 1;
  const hi = <u64>i << 32;
  const t = <u32>T;
  const end = x + (<usize>n4 << 2);
  let f = 0;  // a local: a global counter would chain every offer through memory
  if (ASC_FEATURE_SIMD) {
    const kv = i32x4.splat(k);
    const mv = i32x4.splat(mul);
    for (let p = x; p < end; p += 16) {
      let y = i32x4.mul(v128.xor(v128.load(p), kv), mv);
      y = v128.xor(y, i32x4.shr_u(y, 16));
      f += offer(<u32>i32x4.extract_lane(y, 0), hi, t);
      f += offer(<u32>i32x4.extract_lane(y, 1), hi, t);
      f += offer(<u32>i32x4.extract_lane(y, 2), hi, t);
      f += offer(<u32>i32x4.extract_lane(y, 3), hi, t);
    }
  } else {
    for (let p = x; p < end; p += 4) f += offer(roundHash(load<u32>(p), k, mul), hi, t);
  }
  filled += f;
}

/** Minimum of mix32(x ^ key_i) over X[0 .. n4), as (i << 32 | y): one per-bin round. */
function binRound(x: usize, n4: i32, i: i32): u64 {
  const key = load<u64>(ROUNDKEY_PTR + (<usize>i << 3));
  const k = <u32>key, mul = <u32>(key >>> 32) | 1;
  const end = x + (<usize>n4 << 2);
  let best: u32 = 0xFFFFFFFF;
  if (ASC_FEATURE_SIMD) {
    const kv = i32x4.splat(k);
    const mv = i32x4.splat(mul);
    let acc = i32x4.splat(-1);
    for (let p = x; p < end; p += 16) {
      let y = i32x4.mul(v128.xor(v128.load(p), kv), mv);
      y = v128.xor(y, i32x4.shr_u(y, 16));
      acc = i32x4.min_u(acc, y);
    }
    acc = i32x4.min_u(acc, i32x4.shuffle(acc, acc, 2, 3, 0, 1));
    acc = i32x4.min_u(acc, i32x4.shuffle(acc, acc, 1, 0, 3, 2));
    best = <u32>i32x4.extract_lane(acc, 0);
  } else {
    for (let p = x; p < end; p += 4) {
      const y = roundHash(load<u32>(p), k, mul);
      if (y < best) best = y;
    }
  }
  return (<u64>i << 32) | <u64>best;
}

/**
 * Adds n 32-bit element hashes at x to the sketch. The buffer has room for 3 more; they are set to
 * copies of x[0] so every loop runs on whole v128s (a repeated element changes no minimum).
 */
export function fastAdd(x: usize, n: i32): void {
  if (n == 0) return;
  const t = T;
  const n4 = (n + 3) & ~3;
  const x0 = load<u32>(x);
  for (let j = n; j < n4; j++) store<u32>(x + (<usize>j << 2), x0);
  const R = RANDOM_ROUNDS;
  if (filled < t) {
    // First batch of the document: random rounds until every bin is filled (Dahlgaard et al.),
    // then one round per still-empty bin.
    for (let i = 0; i < R && filled < t; i++) randomRound(x, n4, i);
    if (filled < t) {
      for (let j = 0; j < t; j++) {
        if (load<u64>(SKETCH_PTR + (<usize>j << 3)) == EMPTY64) filled += keepMin(<u32>j, binRound(x, n4, R + j));
      }
    }
  } else {
    // A later batch (documents over ELEM_CAP shingles): only rounds up to the highest one present
    // can still lower a bin.
    let m: u64 = 0;
    for (let j = 0; j < t; j++) {
      const v = load<u64>(SKETCH_PTR + (<usize>j << 3));
      if (v > m) m = v;
    }
    const last = <i32>(m >>> 32);
    for (let i = 0; i < R && i <= last; i++) randomRound(x, n4, i);
    for (let i = R; i <= last; i++) keepMin(<u32>(i - R), binRound(x, n4, i));
  }
}

export function fastFinish(out: usize): void {
  const t = T;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    // keep the low u32 of each u64: lanes 0 and 2 of two loads
    for (; j + 4 <= t; j += 4) {
      const a = v128.load(SKETCH_PTR + (<usize>j << 3));
      const b = v128.load(SKETCH_PTR + (<usize>j << 3), 16);
      v128.store(out + (<usize>j << 2), i32x4.shuffle(a, b, 0, 2, 4, 6));
    }
  }
  for (; j < t; j++) store<u32>(out + (<usize>j << 2), <u32>load<u64>(SKETCH_PTR + (<usize>j << 3)));
}

// ---------------------------------------------------------------------------------------------
// 'classic': T independent hash functions, minimum per slot (A. Broder, "On the resemblance and
// containment of documents", SEQUENCES 1997). Slot k hashes the element's 32-bit folded hash x with
// h_k(x) = mix32(x ^ seed_k), mix32 being the two-round xorshift-multiply integer hash found by
// C. Wellons' hash-prospector ("lowbias32"). SIMD build: 4 slots per v128 lane group.
// ---------------------------------------------------------------------------------------------
export function minBegin32(): void {
  memory.fill(SKETCH_PTR, 0xFF, <usize>T << 2);
}

export function classicAdd(elemPtr: usize, n: i32): void {
  const t = T;
  const end = elemPtr + (<usize>n << 2);
  let k = 0;
  if (ASC_FEATURE_SIMD) {
    const m1 = i32x4.splat(0x21F0AAAD);
    const m2 = i32x4.splat(0x735A2D97);
    for (; k + 8 <= t; k += 8) {
      const s0 = v128.load(SEEDS_PTR + (<usize>k << 2));
      const s1 = v128.load(SEEDS_PTR + (<usize>k << 2), 16);
      let a0 = v128.load(SKETCH_PTR + (<usize>k << 2));
      let a1 = v128.load(SKETCH_PTR + (<usize>k << 2), 16);
      for (let p = elemPtr; p < end; p += 4) {
        const x = i32x4.splat(load<u32>(p));
        let v0 = v128.xor(x, s0);
        let v1 = v128.xor(x, s1);
        v0 = v128.xor(v0, i32x4.shr_u(v0, 16)); v1 = v128.xor(v1, i32x4.shr_u(v1, 16));
        v0 = i32x4.mul(v0, m1); v1 = i32x4.mul(v1, m1);
        v0 = v128.xor(v0, i32x4.shr_u(v0, 15)); v1 = v128.xor(v1, i32x4.shr_u(v1, 15));
        v0 = i32x4.mul(v0, m2); v1 = i32x4.mul(v1, m2);
        v0 = v128.xor(v0, i32x4.shr_u(v0, 15)); v1 = v128.xor(v1, i32x4.shr_u(v1, 15));
        a0 = i32x4.min_u(a0, v0);
        a1 = i32x4.min_u(a1, v1);
      }
      v128.store(SKETCH_PTR + (<usize>k << 2), a0);
      v128.store(SKETCH_PTR + (<usize>k << 2), a1, 16);
    }
  }
  for (; k < t; k++) {
    const s = load<u32>(SEEDS_PTR + (<usize>k << 2));
    let m = load<u32>(SKETCH_PTR + (<usize>k << 2));
    for (let p = elemPtr; p < end; p += 4) {
      const v = mix32(load<u32>(p) ^ s);
      if (v < m) m = v;
    }
    store<u32>(SKETCH_PTR + (<usize>k << 2), m);
  }
}

// ---------------------------------------------------------------------------------------------
// 'datasketch': datasketch 1.10 MinHash.update_batch (datasketch/minhash.py): for 32-bit shingle
// hashes hv, slot k = ((a_k * hv + b_k) mod 2^64) mod (2^61 - 1), masked to 32 bits, and the
// minimum is kept. The mod 2^64 wrap-around is numpy's uint64 arithmetic; mod (2^61-1) uses the
// Mersenne identity 2^61 = 1 (mod p) (Knuth, TAOCP vol. 2, 4.3.2).
// ---------------------------------------------------------------------------------------------
const MERSENNE61: u64 = 0x1FFFFFFFFFFFFFFF;

export function datasketchAdd(elemPtr: usize, n: i32): void {
  const t = T;
  const end = elemPtr + (<usize>n << 2);
  for (let k = 0; k < t; k++) {
    const a = load<u64>(PARAM_A_PTR + (<usize>k << 3));
    const b = load<u64>(PARAM_B_PTR + (<usize>k << 3));
    let m = load<u32>(SKETCH_PTR + (<usize>k << 2));
    for (let p = elemPtr; p < end; p += 4) {
      const x = a * <u64>load<u32>(p) + b;
      let r = (x & MERSENNE61) + (x >>> 61);
      if (r >= MERSENNE61) r -= MERSENNE61;
      const v = <u32>r;
      if (v < m) m = v;
    }
    store<u32>(SKETCH_PTR + (<usize>k << 2), m);
  }
}

export function minFinish32(out: usize): void {
  memory.copy(out, SKETCH_PTR, <usize>T << 2);
}
