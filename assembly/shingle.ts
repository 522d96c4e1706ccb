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

// Tokens of the current document wait in TOK until their shingles are emitted. TOK is drained
// whenever it fills (keeping the last K-1 tokens, which start the next windows), so documents of
// any length stream through it.
//   TOK_H: u64 x TOK_CAP token hashes | TOK_S, TOK_E: u32 x TOK_CAP token start/end pointers
const TOK_CAP: i32 = 4096;
const TOK_H: usize = memory.data(TOK_CAP * 8, 16);
const TOK_S: usize = memory.data(TOK_CAP * 4, 16);
const TOK_E: usize = memory.data(TOK_CAP * 4, 16);
let ntok: i32 = 0;      // tokens waiting in TOK
let drained: bool = false;  // TOK was drained mid-document (so it had K or more tokens)

export function initClassTable(): void {
  for (let b = 0; b < 256; b++) {
    const word = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b >= 0x80;
    store<u8>(CLASS_PTR + <usize>b, word ? 1 : 0);
  }
}

/** ASCII A-Z to a-z in place (the TS side has already case-folded any non-ASCII text). */
function lowerAscii(p: usize, end: usize): void {
  for (; p < end; p++) {
    const c = load<u8>(p);
    if (<u32>(c - 0x41) < 26) store<u8>(p, c | 0x20);
  }
}

/** Emits the shingle of tokens TOK[i .. i+count). */
@inline function emitShingle(i: i32, count: i32): void {
  if (ALGO == ALGO_DATASKETCH) {
    // datasketch hashes the shingle's bytes: words joined by one space (char mode: concatenated).
    sha1Init();
    for (let j = i; j < i + count; j++) {
      if (j > i && !UNIT_CHAR) sha1Byte(0x20);
      const s = load<u32>(TOK_S + (<usize>j << 2));
      sha1Update(<usize>s, <i32>(load<u32>(TOK_E + (<usize>j << 2)) - s));
    }
    sinkPush(<u64>sha1FinalHash32());
    return;
  }
  let h = SHINGLE_SEED;
  for (let j = i; j < i + count; j++) h = combine(h, load<u64>(TOK_H + (<usize>j << 3)));
  sinkPush(fmix64(h));
}

/** Emits every complete window in TOK and keeps the last K-1 tokens for the next ones. */
function drain(): void {
  const k = K;
  if (ntok < k) return;
  const windows = ntok - k + 1;
  for (let i = 0; i < windows; i++) emitShingle(i, k);
  const keep = k - 1;
  memory.copy(TOK_H, TOK_H + (<usize>windows << 3), <usize>keep << 3);
  memory.copy(TOK_S, TOK_S + (<usize>windows << 2), <usize>keep << 2);
  memory.copy(TOK_E, TOK_E + (<usize>windows << 2), <usize>keep << 2);
  ntok = keep;
}

@inline function token(s: usize, e: usize): void {
  const n = ntok;
  if (ALGO != ALGO_DATASKETCH) store<u64>(TOK_H + (<usize>n << 3), hashBytes(s, <i32>(e - s), TOKEN_SEED));
  store<u32>(TOK_S + (<usize>n << 2), <u32>s);
  store<u32>(TOK_E + (<usize>n << 2), <u32>e);
  ntok = n + 1;
  if (n + 1 == TOK_CAP) { drain(); drained = true; }
}

/**
 * Word mode, SIMD: 16 bytes at a time, fold A-Z, build the bitmask of word bytes, and find word
 * starts and ends as the bits where the mask changes (the boundary-bitmask technique of
 * simdjson's stage 1: G. Langdale, D. Lemire, "Parsing gigabytes of JSON per second", VLDB J.
 * 2019, section 3). Bytes past `end` are masked off (and may be case-folded: harmless, they are
 * the next document of the same batch or slack).
 */
function wordsSimd(p: usize, end: usize, lower: bool): void {
  const bit = i8x16.splat(0x20);
  const az0 = i8x16.splat(0x60), az1 = i8x16.splat(0x7B);   // 'a'-1, 'z'+1 after |0x20
  const AZ0 = i8x16.splat(0x40), AZ1 = i8x16.splat(0x5B);   // 'A'-1, 'Z'+1
  const d0 = i8x16.splat(0x2F), d1 = i8x16.splat(0x3A);     // '0'-1, '9'+1
  const zero = i8x16.splat(0);
  let prev: u32 = 0;          // was the byte before this chunk a word byte (0 or 1)
  let wordStart: usize = p;
  for (let base = p; base < end; base += 16) {
    let v = v128.load(base);
    if (lower) {
      const isUpper = v128.and(i8x16.gt_s(v, AZ0), i8x16.lt_s(v, AZ1));
      v = v128.or(v, v128.and(isUpper, bit));
      v128.store(base, v);
    }
    const f = v128.or(v, bit);
    const alpha = v128.and(i8x16.gt_s(f, az0), i8x16.lt_s(f, az1));
    const digit = v128.and(i8x16.gt_s(v, d0), i8x16.lt_s(v, d1));
    const high = i8x16.lt_s(v, zero);
    let m = <u32>i8x16.bitmask(v128.or(v128.or(alpha, digit), high));
    const left = end - base;
    if (left < 16) m &= (<u32>1 << <u32>left) - 1;
    let x = m ^ ((m << 1) | prev);
    prev = (m >>> 15) & 1;
    while (x != 0) {
      const i = ctz<u32>(x);
      x &= x - 1;
      if ((m >>> i) & 1) wordStart = base + <usize>i;
      else token(wordStart, base + <usize>i);
    }
  }
  if (prev) token(wordStart, end);
}

/** Tokenizes the document in [p, end) and pushes its shingle hashes to the sink. */
export function shingleDoc(p: usize, end: usize): void {
  ntok = 0;
  const k = K;
  if (!UNIT_CHAR) {
    if (ASC_FEATURE_SIMD) {
      wordsSimd(p, end, LOWER);
    } else {
      if (LOWER) lowerAscii(p, end);
      while (p < end) {
        while (p < end && load<u8>(CLASS_PTR + <usize>load<u8>(p)) == 0) p++;
        if (p >= end) break;
        const s = p;
        while (p < end && load<u8>(CLASS_PTR + <usize>load<u8>(p)) != 0) p++;
        token(s, p);
      }
    }
  } else {
    if (LOWER) lowerAscii(p, end);
    let any = false;
    while (p < end) {
      const c = <u32>load<u8>(p);
      if (COLLAPSE && (c == 0x20 || <u32>(c - 0x09) <= 4)) {
        const s = p;
        while (p < end && (load<u8>(p) == 0x20 || <u32>(load<u8>(p) - 0x09) <= 4)) p++;
        if (any && p < end) {
          store<u8>(s, 0x20);
          token(s, s + 1);
        }
        continue;
      }
      const len: usize = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      token(p, p + len);
      any = true;
      p += len;
    }
  }
  // Fewer than K tokens in the whole document (TOK never drained): one shingle of all of them.
  if (ntok > 0 && ntok < k && !drained) emitShingle(0, ntok);
  else drain();
  drained = false;
}
