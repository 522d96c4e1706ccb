// 64-bit SimHash (M. Charikar, "Similarity estimation techniques from rounding algorithms",
// STOC 2002, section 3; G. S. Manku, A. Jain, A. Das Sarma, "Detecting near-duplicates for web
// crawling", WWW 2007): every shingle occurrence votes +1 for each set bit of its 64-bit hash and
// -1 for each clear bit; the fingerprint keeps the bits with a positive total. A tied bit (common
// for short texts: with 4 shingles, 3 bits in 8 tie) takes that bit of the smallest element hash,
// so unrelated texts still differ in about 32 bits while near-duplicates, which share their
// smallest element with probability J (Broder 1997), mostly agree on it.
//
// Packed 8-bit counters, flushed into 32-bit totals every 255 elements before any can overflow.
// Scalar build: as in hash4j's FastSimHash (Dynatrace, hash4j, SimHash policy "FastSimHash"),
// SPREAD[b] spreads the 8 bits of byte b over the 8 bytes of a u64, so adding SPREAD[byte k of h]
// to acc[k] counts 8 bits at once. SIMD build: 64 u8 lanes in 4 v128s; lane i of vector q counts
// bit 16q+i: a swizzle brings byte (16q+i)/8 of h to the lane, a mask and compare turn its bit into
// 0 or -1, and subtracting that adds one.
import { SPREAD_PTR } from "./layout";

const ACC: usize = memory.data(64, 16);      // u64 x 8 packed 8-bit counters (scalar), u8 x 64 lanes (SIMD)
const TOTAL: usize = memory.data(256, 16);   // u32 x 64 bit counts
let sinceFlush: i32 = 0;
let elements: u32 = 0;
let smallest: u64 = 0;

export function initSpreadTable(): void {
  for (let b = 0; b < 256; b++) {
    let v: u64 = 0;
    for (let i = 0; i < 8; i++) {
      if ((b >>> i) & 1) v |= <u64>1 << (<u64>i << 3);
    }
    store<u64>(SPREAD_PTR + (<usize>b << 3), v);
  }
}

function flush(): void {
  if (ASC_FEATURE_SIMD) {
    for (let bit = 0; bit < 64; bit++) {
      const q = TOTAL + (<usize>bit << 2);
      store<u32>(q, load<u32>(q) + <u32>load<u8>(ACC + <usize>bit));
    }
  } else {
    for (let k = 0; k < 8; k++) {
      const a = load<u64>(ACC + (<usize>k << 3));
      for (let i = 0; i < 8; i++) {
        const bit = (k << 3) + i;
        const q = TOTAL + (<usize>bit << 2);
        store<u32>(q, load<u32>(q) + <u32>((a >>> (<u64>i << 3)) & 0xFF));
      }
    }
  }
  memory.fill(ACC, 0, 64);
  sinceFlush = 0;
}

export function simBegin(): void {
  memory.fill(ACC, 0, 64);
  memory.fill(TOTAL, 0, 256);
  sinceFlush = 0;
  elements = 0;
  smallest = 0xFFFFFFFFFFFFFFFF;
}

export function simAdd(elemPtr: usize, n: i32): void {
  const end = elemPtr + (<usize>n << 3);
  let low = smallest;
  let since = sinceFlush;
  if (ASC_FEATURE_SIMD) {
    const bits = i8x16(1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128);
    const i0 = i8x16(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
    const i1 = i8x16(2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
    const i2 = i8x16(4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5);
    const i3 = i8x16(6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7);
    let c0 = v128.load(ACC), c1 = v128.load(ACC, 16), c2 = v128.load(ACC, 32), c3 = v128.load(ACC, 48);
    for (let p = elemPtr; p < end; p += 8) {
      const h = load<u64>(p);
      low = h < low ? h : low;
      const v = i64x2.splat(h);
      c0 = i8x16.sub(c0, i8x16.eq(v128.and(i8x16.swizzle(v, i0), bits), bits));
      c1 = i8x16.sub(c1, i8x16.eq(v128.and(i8x16.swizzle(v, i1), bits), bits));
      c2 = i8x16.sub(c2, i8x16.eq(v128.and(i8x16.swizzle(v, i2), bits), bits));
      c3 = i8x16.sub(c3, i8x16.eq(v128.and(i8x16.swizzle(v, i3), bits), bits));
      if (++since == 255) {
        v128.store(ACC, c0); v128.store(ACC, c1, 16); v128.store(ACC, c2, 32); v128.store(ACC, c3, 48);
        flush();
        since = 0;
        c0 = i8x16.splat(0); c1 = c0; c2 = c0; c3 = c0;
      }
    }
    v128.store(ACC, c0); v128.store(ACC, c1, 16); v128.store(ACC, c2, 32); v128.store(ACC, c3, 48);
  } else {
    let a0 = load<u64>(ACC), a1 = load<u64>(ACC, 8), a2 = load<u64>(ACC, 16), a3 = load<u64>(ACC, 24);
    let a4 = load<u64>(ACC, 32), a5 = load<u64>(ACC, 40), a6 = load<u64>(ACC, 48), a7 = load<u64>(ACC, 56);
    for (let p = elemPtr; p < end; p += 8) {
      const h = load<u64>(p);
      low = h < low ? h : low;
      a0 += load<u64>(SPREAD_PTR + (<usize>(h & 0xFF) << 3));
      a1 += load<u64>(SPREAD_PTR + (<usize>((h >>> 8) & 0xFF) << 3));
      a2 += load<u64>(SPREAD_PTR + (<usize>((h >>> 16) & 0xFF) << 3));
      a3 += load<u64>(SPREAD_PTR + (<usize>((h >>> 24) & 0xFF) << 3));
      a4 += load<u64>(SPREAD_PTR + (<usize>((h >>> 32) & 0xFF) << 3));
      a5 += load<u64>(SPREAD_PTR + (<usize>((h >>> 40) & 0xFF) << 3));
      a6 += load<u64>(SPREAD_PTR + (<usize>((h >>> 48) & 0xFF) << 3));
      a7 += load<u64>(SPREAD_PTR + (<usize>(h >>> 56) << 3));
      if (++since == 255) {
        store<u64>(ACC, a0); store<u64>(ACC, a1, 8); store<u64>(ACC, a2, 16); store<u64>(ACC, a3, 24);
        store<u64>(ACC, a4, 32); store<u64>(ACC, a5, 40); store<u64>(ACC, a6, 48); store<u64>(ACC, a7, 56);
        flush();
        since = 0;
        a0 = 0; a1 = 0; a2 = 0; a3 = 0; a4 = 0; a5 = 0; a6 = 0; a7 = 0;
      }
    }
    store<u64>(ACC, a0); store<u64>(ACC, a1, 8); store<u64>(ACC, a2, 16); store<u64>(ACC, a3, 24);
    store<u64>(ACC, a4, 32); store<u64>(ACC, a5, 40); store<u64>(ACC, a6, 48); store<u64>(ACC, a7, 56);
  }
  sinceFlush = since;
  elements += <u32>n;
  smallest = low;
}

export function simFinish(): u64 {
  flush();
  let fp: u64 = 0;
  for (let bit = 0; bit < 64; bit++) {
    // set votes minus clear votes > 0  <=>  2 * set > elements; a tie takes the smallest hash's bit
    const twice = <u64>load<u32>(TOTAL + (<usize>bit << 2)) * 2;
    const set = twice > <u64>elements || (elements > 0 && twice == <u64>elements && ((smallest >>> <u64>bit) & 1) != 0);
    if (set) fp |= <u64>1 << <u64>bit;
  }
  return fp;
}
