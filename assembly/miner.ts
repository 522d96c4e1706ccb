// Token hashes for the template miner's batch pass 1 (src/template.ts, `tokenizeBlock`). For an
// ASCII text this is `tokenizeFold(s, sc, true)` of src/template.ts, byte for byte; for any other
// text, which the caller has normalized (`normalizeText`) and written as UTF-8, it is
// `tokenizeFold(s, sc, false)` over the text's UTF-16 code units, decoded here. The same token
// boundaries, the same FNV-1a hash over the (case-folded) code units (Fowler, Noll, Vo; the 32-bit
// FNV-1a of http://www.isthe.com/chongo/tech/comp/fnv/), the same masking of variable tokens and
// the same MurmurHash3 finalizer (A. Appleby, MurmurHash3.cpp, fmix32). JavaScript spends about
// 9-10 ns a character on that loop (`charCodeAt`, bounds checks); here it runs on the bytes that
// `TextEncoder.encodeInto` wrote, in about 6 ns including the encoding (the serial FNV multiply
// chain bounds both). test/miner-kernel.test.ts checks the two agree on random and hand-made
// texts; when they disagree, the TypeScript one is the reference.
import { DOCS_PTR, DOCS_CAP, OUT_PTR, OUT_BYTES, INPUT_PTR } from "./layout";

// character classes of ASCII (the same flags as CLASS in src/template.ts)
const C_LETTER: u32 = 1, C_DIGIT: u32 = 2, C_CLOSE: u32 = 4, C_TAIL: u32 = 8, C_INNER: u32 = 16, C_OPEN: u32 = 32, C_KEYSEP: u32 = 64, C_PREFIX: u32 = 128;
const MCLASS: usize = memory.data(128, 64);

const WILD: u32 = 0x5bd1e995;
const MASK_SALT: u32 = 0x7feb352d;

function mark(chars: string, flag: u32): void {
  for (let i = 0; i < chars.length; i++) {
    const p = MCLASS + <usize>chars.charCodeAt(i);
    store<u8>(p, load<u8>(p) | <u8>flag);
  }
}

export function initMinerClasses(): void {
  for (let c = 65; c <= 90; c++) { store<u8>(MCLASS + <usize>c, <u8>C_LETTER); store<u8>(MCLASS + <usize>(c + 32), <u8>C_LETTER); }
  for (let c = 48; c <= 57; c++) store<u8>(MCLASS + <usize>c, <u8>C_DIGIT);
  mark(".,;:!?)]\"'", C_CLOSE);
  mark(".,;:!?)\"", C_TAIL);
  mark("'-", C_INNER);
  mark("(\"'[", C_OPEN);
  mark(":=", C_KEYSEP);
  mark("_.-", C_PREFIX);
}

@inline function fmix(h: u32): u32 {
  h ^= h >>> 16;
  h *= 0x85ebca6b;
  h ^= h >>> 13;
  h *= 0xc2b2ae35;
  return h ^ (h >>> 16);
}

/** A token hash whose low bit says whether the token is a plain word (`wordTok` in template.ts). */
@inline function wordTok(h: u32, plain: bool): u32 {
  const x = plain ? h | 1 : h & ~1;
  return x < 3 ? x + 4 : x;
}

/** `()`, `[]`, `{}`, `<>`, `""`, `''`. */
@inline function isEmptyPair(a: u32, b: u32): bool {
  return a == 40 && b == 41 || a == 91 && b == 93 || a == 123 && b == 125 || a == 60 && b == 62 || a == 34 && b == 34 || a == 39 && b == 39;
}

/** Most tokens a batch may produce: OUT holds them (u32 each). */
export const MINER_TOKEN_CAP: i32 = OUT_BYTES >>> 2;

/** Whitespace outside ASCII (`isWideSpace` in template.ts). */
@inline function isWideSpace(c: u32): bool {
  return c == 0x85 || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}
@inline function isSpaceUnit(c: u32): bool {
  return c <= 32 || c >= 0x85 && isWideSpace(c);
}

/**
 * The first UTF-16 code unit of the UTF-8 sequence at p (a code point past U+FFFF gives its high
 * surrogate, which is not a space).
 */
@inline function unitAt(p: usize): u32 {
  const b0 = <u32>load<u8>(p);
  if (b0 < 0x80) return b0;
  if (b0 < 0xe0) return ((b0 & 0x1f) << 6) | (<u32>load<u8>(p + 1) & 0x3f);
  if (b0 < 0xf0) return ((b0 & 0x0f) << 12) | ((<u32>load<u8>(p + 1) & 0x3f) << 6) | (<u32>load<u8>(p + 2) & 0x3f);
  return 0xd800;
}

/**
 * `tokenizeFold(s, sc, fold)` of template.ts over the bytes [s, s + len) of one document: raw
 * ASCII text (`fold`: A-Z hash as a-z), or UTF-8 of a normalized, well-formed text, read back as
 * the UTF-16 code units that the TypeScript tokenizer hashes (`c` is unit i). Writes the token
 * hashes at OUT[n..] and returns the new n.
 */
function docTokens(s: usize, len: i32, n: i32, fold: bool): i32 {
  const out = OUT_PTR, e = s + <usize>len;
  let p = s;
  let low: u32 = 0; // a low surrogate still to be read, or 0
  let i: i32 = 0, start: i32 = 0, inToken = false;
  let h: u32 = 0, core: u32 = 0, keyHash: u32 = 0, first: u32 = 0, second: u32 = 0, last: u32 = 0;
  let sepAt: i32 = 0, punct: i32 = 0;
  let digit = false, prefixOk = false, lastLetter = false, colon = false, wordValue = false;
  let plain = false, tail = false, letter = false, hasCore = false;
  for (;;) {
    // unit i, or the end of the document
    const atEnd = low == 0 && p >= e;
    let c: u32 = 0;
    if (!atEnd) {
      if (low != 0) { c = low; low = 0; }
      else {
        const b0 = <u32>load<u8>(p);
        if (b0 < 0x80) { c = b0; p += 1; }
        else if (b0 < 0xe0) { c = ((b0 & 0x1f) << 6) | (<u32>load<u8>(p + 1) & 0x3f); p += 2; }
        else if (b0 < 0xf0) { c = ((b0 & 0x0f) << 12) | ((<u32>load<u8>(p + 1) & 0x3f) << 6) | (<u32>load<u8>(p + 2) & 0x3f); p += 3; }
        else {
          const x = (((b0 & 0x07) << 18) | ((<u32>load<u8>(p + 1) & 0x3f) << 12) | ((<u32>load<u8>(p + 2) & 0x3f) << 6) | (<u32>load<u8>(p + 3) & 0x3f)) - 0x10000;
          p += 4;
          low = 0xdc00 + (x & 0x3ff);
          c = 0xd800 + (x >>> 10);
        }
      }
    }
    let k: u32 = 0;
    let space = atEnd;
    if (!atEnd) {
      if (c < 128) {
        if (c <= 32) space = true;
        else { if (fold && c - 65 < 26) c += 32; k = <u32>load<u8>(MCLASS + <usize>c); }
      } else if (c >= 0x85 && isWideSpace(c)) space = true;
      else k = c == 8217 ? C_INNER : C_LETTER;
    }
    if (space) {
      if (inToken) {
        // the token is units [start, i); `last` is unit i - 1
        const masked = digit || i - start == 2 && isEmptyPair(first, second)
          || (keyHash != 0 && i > sepAt + 1 && (!colon || wordValue && (punct == 0 || punct == 1 && (last == 44 || last == 59))));
        const t = masked ? (keyHash != 0 ? wordTok(fmix(keyHash ^ MASK_SALT), false) : WILD) : wordTok(fmix(hasCore ? core : h), plain && letter);
        store<u32>(out + (<usize>n << 2), t);
        n++;
        inToken = false;
      }
      if (atEnd) break;
      i++;
      continue;
    }
    if (!inToken) {
      inToken = true; start = i;
      h = 0x811c9dc5; core = h; keyHash = 0; first = c; second = 0; sepAt = 0; punct = 0;
      digit = false; prefixOk = true; lastLetter = false; colon = false; wordValue = true;
      plain = true; tail = false; letter = false; hasCore = false;
    } else if (i == start + 1) second = c;
    last = c;
    if (k == C_LETTER) { // the common case, all the steps below for a letter
      h = (h ^ c) * 0x01000193; core = h; hasCore = true; letter = true;
      if (tail) plain = false;
      if (prefixOk) lastLetter = true;
    } else {
      // an opening bracket or quote is not hashed (when a token character follows), nor is
      // closing punctuation (`core`)
      if (!(i == start && (k & C_OPEN) != 0 && (low != 0 || p < e) && !isSpaceUnit(low != 0 ? low : unitAt(p)))) h = (h ^ c) * 0x01000193;
      if ((k & C_CLOSE) == 0) { core = h; hasCore = true; }
      if ((k & C_LETTER) != 0) { letter = true; if (tail) plain = false; }
      else if ((k & C_INNER) != 0) { if (tail) plain = false; }
      else if ((k & C_TAIL) != 0) tail = true;
      else if (!(i == start && (c == 40 || c == 34))) plain = false;
      if (sepAt > 0 && (k & C_LETTER) == 0) { if (c == 44 || c == 59) punct++; else wordValue = false; }
      if ((k & C_DIGIT) != 0) { digit = true; prefixOk = false; }
      else if (prefixOk) {
        if ((k & C_KEYSEP) != 0 && lastLetter && keyHash == 0) { keyHash = h; prefixOk = false; sepAt = i; colon = c == 58; }
        else if ((k & C_LETTER) != 0) lastLetter = true;
        else if ((k & C_PREFIX) != 0) lastLetter = false;
        else prefixOk = false;
      }
    }
    i++;
  }
  return n;
}

/**
 * Tokenizes `count` documents (document d is INPUT[DOCS[d] .. DOCS[d+1]), offsets in the low 31
 * bits) into OUT, one u32 token hash after another, and replaces DOCS[d] with document d's token
 * count. Returns the total. Bit 31 of DOCS[d+1] flags a document that is not ASCII: UTF-8 of a
 * text `normalizeText` has prepared; an ASCII document is a raw text, case-folded here. A
 * document of L bytes has at most ceil(L / 2) tokens; the caller keeps the batch's total within
 * MINER_TOKEN_CAP.
 */
export function minerTokens(count: i32): i32 {
  assert(count >= 0 && count <= DOCS_CAP, "batch too large");
  let n: i32 = 0;
  for (let d = 0; d < count; d++) {
    const from = load<u32>(DOCS_PTR + (<usize>d << 2)) & 0x7fffffff, endWord = load<u32>(DOCS_PTR + (<usize>(d + 1) << 2));
    const n0 = n;
    n = docTokens(INPUT_PTR + <usize>from, <i32>((endWord & 0x7fffffff) - from), n, (endWord >>> 31) == 0);
    store<u32>(DOCS_PTR + (<usize>d << 2), <u32>(n - n0));
  }
  return n;
}
