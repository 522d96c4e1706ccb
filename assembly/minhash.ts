// MinHash sketches over 64-bit shingle hashes. Each sketch has three steps: begin (reset the
// working state in SKETCH), add (a batch of element hashes from ELEM; may be called many times
// for one document, so a 10 MB text streams through a bounded buffer), finish (write T u32 slots).
import { T } from "./config";
import { SKETCH_PTR, PARAM_A_PTR, PARAM_B_PTR, SEEDS_PTR, ROUNDKEY_PTR } from "./layout";

const EMPTY64: u64 = 0xFFFFFFFFFFFFFFFF;

// ---------------------------------------------------------------------------------------------
// 'fast': Fast Similarity Sketching.
// S. Dahlgaard, M. B. T. Knudsen, M. Thorup, "Fast Similarity Sketching", FOCS 2017, section 2
// (arXiv:1704.04370). Rounds i = 0, 1, 2, ... : in round i < T every element goes to a random bin
// h_i(x) with value i + r_i(x), r in [0,1); in round T + j every element goes to bin j. A bin keeps
// its minimum value. Values of round i are below those of any later round, so once every bin is
// filled at the end of round i no later round can change the sketch and we stop: expected cost
// O(n + T log T). Each bin's value equals the union's minimum with probability J exactly, and
// bins are filled by independent rounds, so sparse sets do not reuse bins the way densified
// one-permutation hashing does (its variance stays at the classic J(1-J)/T, see test/accuracy).
// A value is (round << 32) | r32; the signature keeps r32.
// ---------------------------------------------------------------------------------------------
let filled: i32 = 0;
/** Highest round number present in the sketch once it is full (later rounds cannot matter). */
let stopRound: i32 = 0;

/** Per-round mixer: two multiply-xorshift steps (SplitMix64-style finalizer, Steele et al. 2014). */
@inline function roundHash(x: u64, key: u64): u64 {
  let y = (x ^ key) * 0xBF58476D1CE4E5B9;
  y ^= y >>> 31;
  y *= 0x94D049BB133111EB;
  return y ^ (y >>> 29);
}

export function fastBegin(): void {
  memory.fill(SKETCH_PTR, 0xFF, <usize>T << 3);
  filled = 0;
  stopRound = 2 * T - 1;
}

export function fastAdd(elemPtr: usize, n: i32): void {
  if (n == 0) return;
  const t = T;
  const end = elemPtr + (<usize>n << 3);
  const wasFull = filled == t;
  const last = wasFull ? stopRound : 2 * t - 1;
  for (let i = 0; i <= last; i++) {
    const key = load<u64>(ROUNDKEY_PTR + (<usize>i << 3));
    const hi = <u64>i << 32;
    if (i < t) {
      for (let p = elemPtr; p < end; p += 8) {
        const y = roundHash(load<u64>(p), key);
        const bin = <usize>(((y >>> 32) * <u64>t) >>> 32);
        const v = hi | (y & 0xFFFFFFFF);
        const q = SKETCH_PTR + (bin << 3);
        const old = load<u64>(q);
        // branchless: count a newly filled bin, keep the minimum
        filled += i32(old == EMPTY64);
        store<u64>(q, v < old ? v : old);
      }
    } else {
      const q = SKETCH_PTR + (<usize>(i - t) << 3);
      let best = load<u64>(q);
      const was = best;
      for (let p = elemPtr; p < end; p += 8) {
        const v = hi | (roundHash(load<u64>(p), key) & 0xFFFFFFFF);
        if (v < best) best = v;
      }
      if (best < was) {
        filled += i32(was == EMPTY64);
        store<u64>(q, best);
      }
    }
    if (!wasFull && filled == t) break;
  }
  if (filled == t) {
    // Every bin is full: record the highest round present; a later batch of the same document only
    // needs rounds up to it.
    let m: u64 = 0;
    for (let j = 0; j < t; j++) {
      const v = load<u64>(SKETCH_PTR + (<usize>j << 3));
      if (v > m) m = v;
    }
    stopRound = <i32>(m >>> 32);
  }
}

export function fastFinish(out: usize): void {
  for (let j = 0; j < T; j++) {
    store<u32>(out + (<usize>j << 2), <u32>load<u64>(SKETCH_PTR + (<usize>j << 3)));
  }
}

// ---------------------------------------------------------------------------------------------
// 'classic': T independent hash functions, minimum per slot (A. Broder, "On the resemblance and
// containment of documents", SEQUENCES 1997). Slot k hashes the element's 32-bit folded hash x with
// h_k(x) = mix32(x ^ seed_k), mix32 being the two-round xorshift-multiply integer hash found by
// C. Wellons' hash-prospector ("lowbias32"). SIMD build: 4 slots per v128 lane group.
// ---------------------------------------------------------------------------------------------
@inline function mix32(x: u32): u32 {
  x ^= x >>> 16;
  x *= 0x21F0AAAD;
  x ^= x >>> 15;
  x *= 0x735A2D97;
  x ^= x >>> 15;
  return x;
}

export function minBegin32(): void {
  memory.fill(SKETCH_PTR, 0xFF, <usize>T << 2);
}

export function classicAdd(elemPtr: usize, n: i32): void {
  const t = T;
  const end = elemPtr + (<usize>n << 3);
  let k = 0;
  if (ASC_FEATURE_SIMD) {
    const m1 = i32x4.splat(0x21F0AAAD);
    const m2 = i32x4.splat(0x735A2D97);
    for (; k + 8 <= t; k += 8) {
      const s0 = v128.load(SEEDS_PTR + (<usize>k << 2));
      const s1 = v128.load(SEEDS_PTR + (<usize>k << 2), 16);
      let a0 = v128.load(SKETCH_PTR + (<usize>k << 2));
      let a1 = v128.load(SKETCH_PTR + (<usize>k << 2), 16);
      for (let p = elemPtr; p < end; p += 8) {
        const e = load<u64>(p);
        const x = i32x4.splat(<i32>(<u32>e ^ <u32>(e >>> 32)));
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
    for (let p = elemPtr; p < end; p += 8) {
      const e = load<u64>(p);
      const v = mix32((<u32>e ^ <u32>(e >>> 32)) ^ s);
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
  const end = elemPtr + (<usize>n << 3);
  for (let k = 0; k < t; k++) {
    const a = load<u64>(PARAM_A_PTR + (<usize>k << 3));
    const b = load<u64>(PARAM_B_PTR + (<usize>k << 3));
    let m = load<u32>(SKETCH_PTR + (<usize>k << 2));
    for (let p = elemPtr; p < end; p += 8) {
      const x = a * load<u64>(p) + b;
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
