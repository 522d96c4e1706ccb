// Tokens and shingles. The TypeScript side hands the kernel UTF-8 text in which every byte is
// either an ASCII byte or part of a non-ASCII code point; for non-ASCII texts it has already
// applied Unicode normalization and replaced every run of non-letter/digit characters by a space
// (see src/text.ts), so the kernel's byte rules below are the whole tokenizer:
//
//   word mode: a word is a maximal run of bytes in [0-9A-Za-z] or >= 0x80; everything else separates.
//   char mode: a token is one code point; with COLLAPSE, runs of ASCII whitespace become one space
//              and leading/trailing whitespace is dropped.
//
// A shingle is K consecutive tokens; a document with 1..K-1 tokens yields one shingle of all of
// them; a document without tokens yields no shingle. Shingle hashes go to the sink (sink.ts).
import { K, UNIT_CHAR, LOWER, COLLAPSE, TOKEN_SEED, SHINGLE_SEED, ALGO, ALGO_DATASKETCH } from "./config";
import { CLASS_PTR } from "./layout";
import { hashBytes, combine, fmix64 } from "./hash";
import { sha1Init, sha1Update, sha1Byte, sha1FinalHash32 } from "./sha1";
import { sinkPush } from "./sink";

const RING_H: usize = memory.data(64 * 8, 16);   // token hashes, circular, K entries
const RING_S: usize = memory.data(64 * 4, 16);   // token start pointers
const RING_E: usize = memory.data(64 * 4, 16);   // token end pointers
let ringHead: i32 = 0;   // index of the oldest token once the ring is full
let tokens: i32 = 0;     // tokens seen in this document

export function initClassTable(): void {
  for (let b = 0; b < 256; b++) {
    const word = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b >= 0x80;
    store<u8>(CLASS_PTR + <usize>b, word ? 1 : 0);
  }
}

/** ASCII A-Z to a-z in place (the TS side has already case-folded any non-ASCII text). */
function lowerAscii(p: usize, end: usize): void {
  if (ASC_FEATURE_SIMD) {
    const a = i8x16.splat(0x40);  // 'A' - 1
    const z = i8x16.splat(0x5B);  // 'Z' + 1
    const bit = i8x16.splat(0x20);
    for (; p + 16 <= end; p += 16) {
      const v = v128.load(p);
      // signed compares: bytes >= 0x80 are negative and so never in 'A'..'Z'
      const isUpper = v128.and(i8x16.gt_s(v, a), i8x16.lt_s(v, z));
      v128.store(p, v128.or(v, v128.and(isUpper, bit)));
    }
  }
  for (; p < end; p++) {
    const c = load<u8>(p);
    if (<u32>(c - 0x41) < 26) store<u8>(p, c | 0x20);
  }
}

function emitShingle(count: i32, first: i32): void {
  if (ALGO == ALGO_DATASKETCH) {
    // datasketch hashes the shingle's bytes: words joined by one space (char mode: concatenated).
    sha1Init();
    for (let j = 0; j < count; j++) {
      let idx = first + j;
      if (idx >= K) idx -= K;
      if (j > 0 && !UNIT_CHAR) sha1Byte(0x20);
      const s = load<u32>(RING_S + (<usize>idx << 2));
      sha1Update(<usize>s, <i32>(load<u32>(RING_E + (<usize>idx << 2)) - s));
    }
    sinkPush(<u64>sha1FinalHash32());
    return;
  }
  let h = SHINGLE_SEED;
  for (let j = 0; j < count; j++) {
    let idx = first + j;
    if (idx >= K) idx -= K;
    h = combine(h, load<u64>(RING_H + (<usize>idx << 3)));
  }
  sinkPush(fmix64(h));
}

@inline function token(s: usize, e: usize): void {
  let slot: i32;
  if (tokens < K) {
    slot = tokens;
  } else {
    slot = ringHead;
    ringHead = ringHead + 1 == K ? 0 : ringHead + 1;
  }
  if (ALGO != ALGO_DATASKETCH) {
    store<u64>(RING_H + (<usize>slot << 3), hashBytes(s, <i32>(e - s), TOKEN_SEED));
  }
  store<u32>(RING_S + (<usize>slot << 2), <u32>s);
  store<u32>(RING_E + (<usize>slot << 2), <u32>e);
  tokens++;
  if (tokens >= K) emitShingle(K, ringHead);
}

/** Tokenizes the document in [p, end) and pushes its shingle hashes to the sink. */
export function shingleDoc(p: usize, end: usize): void {
  tokens = 0;
  ringHead = 0;
  if (LOWER) lowerAscii(p, end);
  if (!UNIT_CHAR) {
    while (p < end) {
      while (p < end && load<u8>(CLASS_PTR + <usize>load<u8>(p)) == 0) p++;
      if (p >= end) break;
      const s = p;
      while (p < end && load<u8>(CLASS_PTR + <usize>load<u8>(p)) != 0) p++;
      token(s, p);
    }
  } else {
    while (p < end) {
      const c = <u32>load<u8>(p);
      if (COLLAPSE && (c == 0x20 || (c >= 0x09 && c <= 0x0D))) {
        const s = p;
        while (p < end && (load<u8>(p) == 0x20 || <u32>(load<u8>(p) - 0x09) <= 4)) p++;
        if (tokens > 0 && p < end) {
          store<u8>(s, 0x20);
          token(s, s + 1);
        }
        continue;
      }
      const len: usize = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      token(p, p + len);
      p += len;
    }
  }
  if (tokens > 0 && tokens < K) emitShingle(tokens, 0);
}
