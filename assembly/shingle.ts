// Tokens and shingles. The TypeScript side hands the kernel UTF-8 text in which every byte is
// valid UTF-8; when normalizing a non-ASCII text it has already applied NFKC, case folding and
// removed invisible characters (src/text.ts). The tokenizer:
//
//   word mode, ASCII document: a word is a maximal run of [0-9A-Za-z]; anything else separates.
//   word mode, other documents (flagged by the caller): UTF-8 is decoded and each code point
//              classified (unicode.ts): letters and digits form words, combining marks continue
//              the current word, each letter of a script written without spaces (Han, kana,
//              Thai, Lao, Khmer, Myanmar) is a word of its own (with its marks), and everything
//              else, invisible characters included, separates.
//   char mode: a token is one code point; with COLLAPSE, runs of ASCII whitespace become one space
//              and leading/trailing whitespace is dropped.
//
// A shingle is K consecutive tokens; a document with 1..K-1 tokens yields one shingle of all of
// them; a document without tokens yields no shingle.
//
// Hashes. token: th = hashBytes(bytes, TOKEN_SEED) (64-bit, hash.ts).
//   t32_j = lo32(th_j) ^ hi32(th_j);  w(seed) = mix32(fold of h = rotl32(h ^ t32_j, 13) * 0x9E3779B1
//   from h = seed), computed 4 windows per v128.
//   narrow ('fast', 'classic'):  shingle = w(lo32(SHINGLE_SEED)), u32.
//   wide   (SimHash, dump):      shingle = w(hi32(SHINGLE_SEED)) << 32 | w(lo32(SHINGLE_SEED)), u64.
//   'datasketch':                SHA-1 of the shingle's bytes (words joined by one space), u32.
import { K, UNIT_CHAR, LOWER, COLLAPSE, TOKEN_SEED, SHINGLE_SEED, ALGO, ALGO_DATASKETCH, ALGO_FAST, ALGO_CLASSIC, ALGO_SPANS } from "./config";
import { CLASS_PTR, OUT_PTR, OUT_BYTES } from "./layout";
import { classOf, CLS_WORD, CLS_STANDALONE, CLS_MARK } from "./unicode";
import { hashBytes, mix32, P2 } from "./hash";
import { sha1Init, sha1Update, sha1Byte, sha1FinalHash32 } from "./sha1";
import { sinkPush64, sinkPush32, sinkReserve, sinkCommit } from "./sink";

// Tokens of the current document wait in TOK until their shingles are emitted. TOK is drained
// whenever it fills (keeping the last K-1 tokens, which start the next windows), so documents of
// any length stream through it.
//   TOK_32: u32 x TOK_CAP folded token hashes (+ SIMD over-read pad)
//   TOK_S, TOK_E: u32 x TOK_CAP token start/end pointers ('datasketch' hashes the bytes)
const TOK_CAP: i32 = 4096;
const TOK_32: usize = memory.data(TOK_CAP * 4 + 64 * 4 + 16, 16);
const TOK_S: usize = memory.data(TOK_CAP * 4, 16);
const TOK_E: usize = memory.data(TOK_CAP * 4, 16);
let ntok: i32 = 0;          // tokens waiting in TOK
let drained: bool = false;  // TOK was drained mid-document (so the document had K or more tokens)
let narrow: bool = false;   // 32-bit shingle hashes ('fast', 'classic'); else 64-bit or SHA-1
let spans: i32 = 0;         // spans mode (test and shingles() hook): tokens written to OUT

/** Number of token spans written by the last spans-mode document. */
export function spanCount(): i32 {
  return spans;
}

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

@inline function narrowStep(h: u32, t: u32): u32 {
  return rotl<u32>(h ^ t, 13) * 0x9E3779B1;
}

/** The window hash w(seed) of tokens TOK_32[i .. i+count). */
@inline function windowHash(i: i32, count: i32, seed: u32): u32 {
  let h = seed;
  for (let j = i; j < i + count; j++) h = narrowStep(h, load<u32>(TOK_32 + (<usize>j << 2)));
  return mix32(h);
}

/** The shingle of tokens TOK[i .. i+count), one at a time (short documents, 'datasketch'). */
function emitOne(i: i32, count: i32): void {
  if (ALGO == ALGO_DATASKETCH) {
    // datasketch hashes the shingle's bytes: words joined by one space (char mode: concatenated).
    sha1Init();
    for (let j = i; j < i + count; j++) {
      if (j > i && !UNIT_CHAR) sha1Byte(0x20);
      const s = load<u32>(TOK_S + (<usize>j << 2));
      sha1Update(<usize>s, <i32>(load<u32>(TOK_E + (<usize>j << 2)) - s));
    }
    sinkPush32(sha1FinalHash32());
  } else if (narrow) {
    sinkPush32(windowHash(i, count, <u32>SHINGLE_SEED));
  } else {
    sinkPush64((<u64>windowHash(i, count, <u32>(SHINGLE_SEED >>> 32)) << 32) | <u64>windowHash(i, count, <u32>SHINGLE_SEED));
  }
}

/** w(seed) of 4 consecutive windows starting at `base` (TOK_32 pointer), K tokens each. */
@inline function windows4(base: usize, k: i32, seed: v128): v128 {
  const mul = i32x4.splat(0x9E3779B1);
  let h = seed;
  for (let j = 0; j < k; j++) {
    const x = v128.xor(h, v128.load(base + (<usize>j << 2)));
    h = i32x4.mul(v128.or(i32x4.shl(x, 13), i32x4.shr_u(x, 19)), mul);
  }
  h = v128.xor(h, i32x4.shr_u(h, 16));
  h = i32x4.mul(h, i32x4.splat(0x21F0AAAD));
  h = v128.xor(h, i32x4.shr_u(h, 15));
  h = i32x4.mul(h, i32x4.splat(0x735A2D97));
  return v128.xor(h, i32x4.shr_u(h, 15));
}

/** Hashes of `windows` K-token windows starting at TOK_32[i], written to `out` (u32, or u64 when wide). */
function hashWindows(i: i32, windows: i32, out: usize, wide: bool): void {
  const k = K;
  const lo = <u32>SHINGLE_SEED, hi = <u32>(SHINGLE_SEED >>> 32);
  let w = 0;
  if (ASC_FEATURE_SIMD) {
    const loV = i32x4.splat(lo), hiV = i32x4.splat(hi);
    for (; w + 4 <= windows; w += 4) {
      const base = TOK_32 + (<usize>(i + w) << 2);
      const a = windows4(base, k, loV);
      if (wide) {
        const b = windows4(base, k, hiV);
        v128.store(out + (<usize>w << 3), i32x4.shuffle(a, b, 0, 4, 1, 5));
        v128.store(out + (<usize>w << 3), i32x4.shuffle(a, b, 2, 6, 3, 7), 16);
      } else {
        v128.store(out + (<usize>w << 2), a);
      }
    }
  }
  for (; w < windows; w++) {
    const a = windowHash(i + w, k, lo);
    if (wide) store<u64>(out + (<usize>w << 3), (<u64>windowHash(i + w, k, hi) << 32) | <u64>a);
    else store<u32>(out + (<usize>w << 2), a);
  }
}

/** Emits every complete window in TOK and keeps the last K-1 tokens for the next ones. */
function drain(): void {
  const k = K;
  if (ntok < k) return;
  const windows = ntok - k + 1;
  if (ALGO == ALGO_DATASKETCH) {
    for (let i = 0; i < windows; i++) emitOne(i, k);
  } else {
    const wide = !narrow;
    let done = 0;
    while (done < windows) {
      const room = sinkReserve();
      const c = windows - done < room ? windows - done : room;
      hashWindows(done, c, sinkCommit(c, wide), wide);
      done += c;
    }
  }
  const keep = k - 1;
  memory.copy(TOK_32, TOK_32 + (<usize>windows << 2), <usize>keep << 2);
  memory.copy(TOK_S, TOK_S + (<usize>windows << 2), <usize>keep << 2);
  memory.copy(TOK_E, TOK_E + (<usize>windows << 2), <usize>keep << 2);
  ntok = keep;
}

/**
 * Token hash: a word of up to 8 bytes is read as one little-endian u64 (its bytes, zero-padded:
 * words never contain a zero byte, so the padding also encodes the length) and multiplied by P2
 * after keying (one multiply; the shingle hash mixes further); longer tokens use hashBytes.
 */
@inline function tokenHash(s: usize, len: i32): u64 {
  if (len <= 8) {
    const k = load<u64>(s) & (<u64>-1 >>> (<u64>(8 - len) << 3));
    return (k ^ TOKEN_SEED) * P2;
  }
  return hashBytes(s, len, TOKEN_SEED);
}

@inline function token(s: usize, e: usize): void {
  if (ALGO == ALGO_SPANS) {
    // (start, end) byte pairs, as offsets from the document's INPUT pointer base, to OUT
    if (spans < (OUT_BYTES >>> 3)) {
      store<u32>(OUT_PTR + (<usize>spans << 3), <u32>s);
      store<u32>(OUT_PTR + (<usize>spans << 3) + 4, <u32>e);
    }
    spans++;
    return;
  }
  const n = ntok;
  if (ALGO == ALGO_DATASKETCH) {
    store<u32>(TOK_S + (<usize>n << 2), <u32>s);
    store<u32>(TOK_E + (<usize>n << 2), <u32>e);
  } else {
    const h = tokenHash(s, <i32>(e - s));
    store<u32>(TOK_32 + (<usize>n << 2), <u32>h ^ <u32>(h >>> 32));
  }
  ntok = n + 1;
  if (n + 1 == TOK_CAP) { drain(); drained = true; }
}

/** Bitmask of the word bytes among the 16 at `p` (folding A-Z in place when `lower`). */
@inline function wordMask16(p: usize, lower: bool): u64 {
  let v = v128.load(p);
  const bit = i8x16.splat(0x20);
  if (lower) {
    const isUpper = v128.and(i8x16.gt_s(v, i8x16.splat(0x40)), i8x16.lt_s(v, i8x16.splat(0x5B)));
    v = v128.or(v, v128.and(isUpper, bit));
    v128.store(p, v);
  }
  const f = v128.or(v, bit);
  const alpha = v128.and(i8x16.gt_s(f, i8x16.splat(0x60)), i8x16.lt_s(f, i8x16.splat(0x7B)));
  const digit = v128.and(i8x16.gt_s(v, i8x16.splat(0x2F)), i8x16.lt_s(v, i8x16.splat(0x3A)));
  const high = i8x16.lt_s(v, i8x16.splat(0));  // bytes >= 0x80
  return <u64><u32>i8x16.bitmask(v128.or(v128.or(alpha, digit), high));
}

// Word state shared by the SIMD scanner and the code point decoder, so a document can switch
// between them block by block.
let inTok = false;
let alone = false;          // the current token is a stand-alone letter
let tokStart: usize = 0;

/**
 * Decodes and classifies code points from p until at least `stop` (a code point may run past it);
 * returns where it stopped. Letters and digits form words, marks continue them, stand-alone letters
 * are words of their own, anything else (invisible characters too) ends the current word.
 */
function unicodeSpan(p: usize, stop: usize, lower: bool): usize {
  let t = inTok, a = alone, start = tokStart;
  while (p < stop) {
    let c = <u32>load<u8>(p);
    let cls: u32, len: usize;
    if (c < 0x80) {
      if (lower && <u32>(c - 0x41) < 26) { c |= 0x20; store<u8>(p, <u8>c); }
      cls = <u32>load<u8>(CLASS_PTR + <usize>c);
      len = 1;
    } else if (c < 0xE0) {
      cls = classOf(((c & 0x1F) << 6) | (<u32>load<u8>(p, 1) & 0x3F));
      len = 2;
    } else if (c < 0xF0) {
      cls = classOf(((c & 0x0F) << 12) | ((<u32>load<u8>(p, 1) & 0x3F) << 6) | (<u32>load<u8>(p, 2) & 0x3F));
      len = 3;
    } else {
      cls = classOf(((c & 0x07) << 18) | ((<u32>load<u8>(p, 1) & 0x3F) << 12) |
        ((<u32>load<u8>(p, 2) & 0x3F) << 6) | (<u32>load<u8>(p, 3) & 0x3F));
      len = 4;
    }
    if (cls == CLS_WORD) {
      if (t && a) { token(start, p); t = false; }
      if (!t) { start = p; t = true; a = false; }
    } else if (cls == CLS_STANDALONE) {
      if (t) token(start, p);
      start = p; t = true; a = true;
    } else if (cls == CLS_MARK) {
      if (!t) { start = p; t = true; a = false; }
    } else if (t) {
      token(start, p);
      t = false;
    }
    p += len;
  }
  inTok = t; alone = a; tokStart = start;
  return p;
}

/**
 * Word mode: 64 bytes at a time, fold A-Z, build the 64-bit mask of word bytes, and find word
 * starts and ends as the bits where the mask changes (the boundary-bitmask technique of
 * simdjson's stage 1: G. Langdale, D. Lemire, "Parsing gigabytes of JSON per second", VLDB J.
 * 2019, section 3). A block holding a byte >= 0x80 goes to the code point decoder instead. Bytes
 * past `end` are masked off (and may be case-folded: harmless, they are the next document of the
 * same batch or INPUT_SLACK). The scalar build decodes every block.
 */
function words(p: usize, end: usize, lower: bool, ascii: bool): void {
  inTok = false; alone = false; tokStart = p;
  let base = p;
  while (base < end) {
    const left = end - base;
    const blockEnd = left < 64 ? end : base + 64;
    if (!ASC_FEATURE_SIMD) {
      base = unicodeSpan(base, blockEnd, lower);
      continue;
    }
    if (!ascii) {
      let high = <u64><u32>i8x16.bitmask(v128.load(base)) | (<u64><u32>i8x16.bitmask(v128.load(base, 16)) << 16) |
        (<u64><u32>i8x16.bitmask(v128.load(base, 32)) << 32) | (<u64><u32>i8x16.bitmask(v128.load(base, 48)) << 48);
      if (left < 64) high &= (<u64>1 << <u64>left) - 1;
      if (high != 0) {
        base = unicodeSpan(base, blockEnd, lower);
        continue;
      }
    }
    if (inTok && alone) { token(tokStart, base); inTok = false; }
    let m = wordMask16(base, lower) | (wordMask16(base + 16, lower) << 16) |
      (wordMask16(base + 32, lower) << 32) | (wordMask16(base + 48, lower) << 48);
    if (left < 64) m &= (<u64>1 << <u64>left) - 1;
    // starts: word byte after a non-word byte; ends: non-word byte after a word byte
    const shifted = (m << 1) | <u64>inTok;
    let st = m & ~shifted;
    let en = ~m & shifted;
    if (inTok && en != 0) {
      token(tokStart, base + <usize>ctz<u64>(en));
      en &= en - 1;
      inTok = false;
    }
    while (st != 0) {
      const s0 = base + <usize>ctz<u64>(st);
      st &= st - 1;
      if (en != 0) {
        token(s0, base + <usize>ctz<u64>(en));
        en &= en - 1;
      } else {
        tokStart = s0;  // the word runs into the next block
        inTok = true;
        alone = false;
      }
    }
    base += 64;
  }
  if (inTok) token(tokStart, end);
}

/**
 * Tokenizes the document in [p, end) and sends its shingle hashes to the sink. `ascii` says the
 * document has no byte >= 0x80 (the caller knows it from the encoder's output length).
 */
export function shingleDoc(p: usize, end: usize, ascii: bool): void {
  ntok = 0;
  drained = false;
  spans = 0;
  narrow = ALGO == ALGO_FAST || ALGO == ALGO_CLASSIC;
  const k = K;
  if (!UNIT_CHAR) {
    words(p, end, LOWER, ascii);
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
  if (ntok > 0 && ntok < k && !drained) emitOne(0, ntok);
  else drain();
}
