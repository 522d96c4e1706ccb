// 64-bit hashing of byte strings and of token sequences.
//
// hashBytes: an 8-byte-at-a-time multiply-rotate hash in the style of xxHash64 (Y. Collet,
// https://github.com/Cyan4973/xxHash, XXH64 round function: acc = rotl(acc ^ lane * P2, 31) * P1),
// followed where needed by the MurmurHash3 64-bit finalizer fmix64 (A. Appleby, MurmurHash3.cpp).
// It reads whole 8-byte words and masks the tail, so callers keep INPUT_SLACK bytes readable.

export const P1: u64 = 0x9E3779B185EBCA87;
export const P2: u64 = 0xC2B2AE3D27D4EB4F;

/** MurmurHash3 fmix64: full avalanche of a 64-bit value. */
@inline export function fmix64(h: u64): u64 {
  h ^= h >>> 33;
  h *= 0xFF51AFD7ED558CCD;
  h ^= h >>> 33;
  h *= 0xC4CEB9FE1A85EC53;
  h ^= h >>> 33;
  return h;
}

/** Hash of `len` bytes at `ptr` (not finalized: callers combine or fmix64 it). */
@inline export function hashBytes(ptr: usize, len: i32, seed: u64): u64 {
  let h = seed ^ (<u64>len * P1);
  while (len >= 8) {
    h = rotl<u64>(h ^ (load<u64>(ptr) * P2), 31) * P1;
    ptr += 8;
    len -= 8;
  }
  if (len > 0) {
    const k = load<u64>(ptr) & ((<u64>1 << (<u64>len << 3)) - 1);
    h = rotl<u64>(h ^ (k * P2), 31) * P1;
  }
  return h;
}


/** 32-bit integer hash, two xorshift-multiply rounds ("lowbias32", C. Wellons' hash-prospector). */
@inline export function mix32(x: u32): u32 {
  x ^= x >>> 16;
  x *= 0x21F0AAAD;
  x ^= x >>> 15;
  x *= 0x735A2D97;
  x ^= x >>> 15;
  return x;
}
