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

// UTF-8 reader of the current document: the text's UTF-16 code units, one at a time (the
// TypeScript tokenizer hashes code units; a code point past U+FFFF is its two surrogates).
let rp: usize = 0;     // next byte
let rEnd: usize = 0;   // end of the document
let rLow: u32 = 0;     // a low surrogate still to be read, or 0
/** The next code unit (the caller checks `more()` first). */
@inline function nextUnit(): u32 {
  if (rLow != 0) { const u = rLow; rLow = 0; return u; }
  const b0 = <u32>load<u8>(rp);
  if (b0 < 0x80) { rp += 1; return b0; }
  if (b0 < 0xe0) { const c = ((b0 & 0x1f) << 6) | (<u32>load<u8>(rp + 1) & 0x3f); rp += 2; return c; }
  if (b0 < 0xf0) {
    const c = ((b0 & 0x0f) << 12) | ((<u32>load<u8>(rp + 1) & 0x3f) << 6) | (<u32>load<u8>(rp + 2) & 0x3f);
    rp += 3; return c;
  }
  const c = (((b0 & 0x07) << 18) | ((<u32>load<u8>(rp + 1) & 0x3f) << 12) | ((<u32>load<u8>(rp + 2) & 0x3f) << 6) | (<u32>load<u8>(rp + 3) & 0x3f)) - 0x10000;
  rp += 4;
  rLow = 0xdc00 + (c & 0x3ff);
  return 0xd800 + (c >>> 10);
}
@inline function more(): bool { return rLow != 0 || rp < rEnd; }
/** The unit `nextUnit` would return, without reading it (0 at the end). */
@inline function peekUnit(): u32 {
  if (rLow != 0) return rLow;
  if (rp >= rEnd) return 0;
  const b0 = <u32>load<u8>(rp);
  if (b0 < 0x80) return b0;
  if (b0 < 0xe0) return ((b0 & 0x1f) << 6) | (<u32>load<u8>(rp + 1) & 0x3f);
  if (b0 < 0xf0) return ((b0 & 0x0f) << 12) | ((<u32>load<u8>(rp + 1) & 0x3f) << 6) | (<u32>load<u8>(rp + 2) & 0x3f);
  return 0xd800; // a high surrogate: not a space
}

/**
 * `tokenizeFold(s, sc, false)` of template.ts over the UTF-8 bytes [s, s + len) of an already
 * normalized, well-formed text (`normalizeText`), hashing its UTF-16 code units: unit i of the
 * text is `c` below. Writes the token hashes at OUT[n..] and returns the new n.
 */
function tokensUtf8(s: usize, len: i32, n: i32): i32 {
  rp = s; rEnd = s + <usize>len; rLow = 0;
  const out = OUT_PTR;
  let i: i32 = 0;
  let has = more();
  let c: u32 = has ? nextUnit() : 0;
  while (has) {
    while (isSpaceUnit(c)) { i++; has = more(); if (!has) break; c = nextUnit(); }
    if (!has) break;
    const start = i;
    let h: u32 = 0x811c9dc5;
    let digit = false, prefixOk = true, lastLetter = false;
    let keyHash: u32 = 0, sepAt: i32 = 0, colon = false, wordValue = true, punct: i32 = 0;
    let plain = true, tail = false, letter = false;
    let core = h, hasCore = false;
    const first = c;
    let second: u32 = 0, last: u32 = 0;
    while (has) {
      let k: u32;
      if (c < 128) {
        if (c <= 32) break;
        k = <u32>load<u8>(MCLASS + <usize>c);
      } else {
        if (c >= 0x85 && isWideSpace(c)) break;
        k = c == 8217 ? C_INNER : C_LETTER;
      }
      if (i == start + 1) second = c;
      last = c;
      if (k == C_LETTER) {
        h = (h ^ c) * 0x01000193; core = h; hasCore = true; letter = true;
        if (tail) plain = false;
        if (prefixOk) lastLetter = true;
      } else {
        if (!(i == start && (k & C_OPEN) != 0 && more() && !isSpaceUnit(peekUnit()))) h = (h ^ c) * 0x01000193;
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
      has = more();
      if (has) c = nextUnit();
    }
    // the token is units [start, i); `last` is unit i - 1
    const masked = digit || i - start == 2 && isEmptyPair(first, second)
      || (keyHash != 0 && i > sepAt + 1 && (!colon || wordValue && (punct == 0 || punct == 1 && (last == 44 || last == 59))));
    const t = masked ? (keyHash != 0 ? wordTok(fmix(keyHash ^ MASK_SALT), false) : WILD) : wordTok(fmix(hasCore ? core : h), plain && letter);
    store<u32>(out + (<usize>n << 2), t);
    n++;
  }
  return n;
}

/**
 * Tokenizes `count` documents (document d is INPUT[DOCS[d] .. DOCS[d+1]), offsets in the low 31
 * bits) into OUT, one u32 token hash after another, and replaces DOCS[d] with document d's token
 * count. Returns the total. Bit 31 of DOCS[d+1] flags a document that is not ASCII: UTF-8 of a
 * text `normalizeText` has prepared (`tokensUtf8`); an ASCII document is a raw text, case-folded
 * here. A document of L bytes has at most ceil(L / 2) tokens; the caller keeps the batch's total
 * within MINER_TOKEN_CAP.
 */
export function minerTokens(count: i32): i32 {
  assert(count >= 0 && count <= DOCS_CAP, "batch too large");
  let n: i32 = 0;
  const out = OUT_PTR;
  for (let d = 0; d < count; d++) {
    const from = load<u32>(DOCS_PTR + (<usize>d << 2)) & 0x7fffffff, endWord = load<u32>(DOCS_PTR + (<usize>(d + 1) << 2));
    const s = INPUT_PTR + <usize>from;
    const len = <i32>((endWord & 0x7fffffff) - from);
    const n0 = n;
    if ((endWord >>> 31) != 0) {
      n = tokensUtf8(s, len, n);
      store<u32>(DOCS_PTR + (<usize>d << 2), <u32>(n - n0));
      continue;
    }
    let i: i32 = 0;
    while (i < len) {
      while (i < len && <u32>load<u8>(s + <usize>i) <= 32) i++;
      if (i >= len) break;
      const start = i;
      let h: u32 = 0x811c9dc5;
      let digit = false, prefixOk = true, lastLetter = false;
      let keyHash: u32 = 0, sepAt: i32 = 0, colon = false, wordValue = true, punct: i32 = 0;
      let plain = true, tail = false, letter = false;
      let core = h, hasCore = false;
      for (; i < len; i++) {
        let c = <u32>load<u8>(s + <usize>i);
        if (c <= 32) break;
        if (c - 65 < 26) c += 32;
        const k = <u32>load<u8>(MCLASS + <usize>c);
        if (k == C_LETTER) {
          h = (h ^ c) * 0x01000193; core = h; hasCore = true; letter = true;
          if (tail) plain = false;
          if (prefixOk) lastLetter = true;
          continue;
        }
        if (!(i == start && (k & C_OPEN) != 0 && i + 1 < len && <u32>load<u8>(s + <usize>(i + 1)) > 32)) h = (h ^ c) * 0x01000193;
        if ((k & C_CLOSE) == 0) { core = h; hasCore = true; }
        if ((k & C_LETTER) != 0) { letter = true; if (tail) plain = false; }
        else if ((k & C_INNER) != 0) { if (tail) plain = false; }
        else if ((k & C_TAIL) != 0) tail = true;
        else if (!(i == start && (c == 40 || c == 34))) plain = false;
        if (sepAt > 0 && (k & C_LETTER) == 0) { if (c == 44 || c == 59) punct++; else wordValue = false; }
        if ((k & C_DIGIT) != 0) { digit = true; prefixOk = false; }
        else if (prefixOk) {
          if ((k & C_KEYSEP) != 0 && lastLetter && keyHash == 0) { keyHash = h; prefixOk = false; sepAt = i; colon = c == 58; continue; }
          else if ((k & C_LETTER) != 0) lastLetter = true;
          else if ((k & C_PREFIX) != 0) lastLetter = false;
          else prefixOk = false;
        }
      }
      const last = <u32>load<u8>(s + <usize>(i - 1));
      const masked = digit || i - start == 2 && isEmptyPair(<u32>load<u8>(s + <usize>start), <u32>load<u8>(s + <usize>(start + 1)))
        || (keyHash != 0 && i > sepAt + 1 && (!colon || wordValue && (punct == 0 || punct == 1 && (last == 44 || last == 59))));
      const t = masked ? (keyHash != 0 ? wordTok(fmix(keyHash ^ MASK_SALT), false) : WILD) : wordTok(fmix(hasCore ? core : h), plain && letter);
      store<u32>(out + (<usize>n << 2), t);
      n++;
    }
    store<u32>(DOCS_PTR + (<usize>d << 2), <u32>(n - n0));
  }
  return n;
}

// The n-gram keys of batch pass 1 (`blockKeys` in src/template.ts, key for key and in the same
// order): the 2-grams (BOS t0, t0 t1, ..., t(n-1) EOS) or 3-grams (centred on each token, BOS and
// EOS at the ends) of each text, hashed as `mix2` / `mix3` there (the MurmurHash3 finalizer over a
// multiplicative combination; 0 becomes 1, the empty key), each kept once per text in order of
// first occurrence (document frequencies). JavaScript spent about 28 ns a token on this loop here
// (2-grams, one thread, 1M prompts; the kernel 10); the per-text set below is an open-addressing
// table (linear probing, Knuth, TAOCP vol. 3, 6.4 Algorithm L) cleared for each text.
const BOS: u32 = 0x27d4eb2f;
const EOS: u32 = 0x165667b1;
const GOLDEN: u32 = 0x9e3779b1;
@inline function mix2(a: u32, b: u32): u32 { return fmix(a * GOLDEN + b); }
@inline function mix3(a: u32, b: u32, c: u32): u32 { return fmix(mix2(a, b) * GOLDEN + c); }

/**
 * Keys of `docs` texts whose token counts are the u32 words at `counts` and whose tokens follow
 * one another at `toks`. Writes each text's distinct keys at `keys` (returns how many) and, when
 * `all` is not 0, every key at `all` (key j of a text at the text's token offset + j; 3-grams
 * only). `table` is scratch room for 2^`bits` u32 words, at least twice the keys of the longest
 * text. `two` selects 2-grams. With `keys` 0, only `all` is written (no table is needed).
 */
export function minerKeys(counts: usize, docs: i32, toks: usize, keys: usize, all: usize, table: usize, bits: i32, two: bool): i32 {
  let nk: i32 = 0;
  let p = toks;
  let q = two ? 0 : all; // (`all` is for 3-grams only)
  for (let d = 0; d < docs; d++) {
    const n = <i32>load<u32>(counts + (<usize>d << 2));
    const m = two ? n + 1 : n;
    let tb: i32 = 4;
    while ((1 << tb) < 2 * m) tb++;
    const mask: u32 = (<u32>1 << <u32>tb) - 1;
    if (keys != 0) {
      assert(tb <= bits, "minerKeys: table too small");
      memory.fill(table, 0, <usize>4 << <usize>tb);
    }
    for (let j = 0; j < m; j++) {
      let k: u32;
      if (two) {
        const a = j == 0 ? BOS : load<u32>(p + (<usize>(j - 1) << 2));
        const b = j == n ? EOS : load<u32>(p + (<usize>j << 2));
        k = mix2(a, b);
      } else {
        const a = j == 0 ? BOS : load<u32>(p + (<usize>(j - 1) << 2));
        const c = j == n - 1 ? EOS : load<u32>(p + (<usize>(j + 1) << 2));
        k = mix3(a, load<u32>(p + (<usize>j << 2)), c);
      }
      if (k == 0) k = 1;
      if (q != 0) store<u32>(q + (<usize>j << 2), k);
      if (keys == 0) continue;
      let i = (k * GOLDEN) & mask;
      for (;;) {
        const e = load<u32>(table + (<usize>i << 2));
        if (e == 0) {
          store<u32>(table + (<usize>i << 2), k);
          store<u32>(keys + (<usize>nk << 2), k);
          nk++;
          break;
        }
        if (e == k) break;
        i = (i + 1) & mask;
      }
    }
    p += <usize>n << 2;
    if (q != 0) q += <usize>n << 2;
  }
  return nk;
}

// Batch pass 2's per-token loops around the 2-gram lookups of `blockSupports` (src/template.ts),
// the same arithmetic on the same words: JavaScript spent about 36 ns a token on the first and 16
// on the second here (one thread, 1M prompts), mostly bounds checks and typed-array dispatch.

/**
 * The 2-gram keys `blockSupports` looks up, for `docs` texts (token counts at `counts`, tokens at
 * `toks`, 3-gram counts at `gc`, both one word a token): where a text has a 3-gram counted
 * `theta` times or more, its 2-grams (BOS t0, t0 t1, ..., t(n-1) EOS, hashed as in `minerKeys`)
 * that such a 3-gram covers, each 2-gram position once, with its position (2-gram j of text d at
 * `posBase` + its token offset + d + j) at `pos`. `rec` gets a byte a text: 1 when at least half
 * of its 3-grams reach theta. Returns the number of keys.
 */
export function minerPairs(counts: usize, docs: i32, toks: usize, gc: usize, theta: i32, keys: usize, pos: usize, rec: usize, posBase: i32): i32 {
  let nk: i32 = 0, off: i32 = 0;
  for (let d = 0; d < docs; d++) {
    const n = <i32>load<u32>(counts + (<usize>d << 2));
    const p = toks + (<usize>off << 2), g = gc + (<usize>off << 2);
    let r: i32 = 0;
    for (let j = 0; j < n; j++) if (load<i32>(g + (<usize>j << 2)) >= theta) r++;
    store<u8>(rec + <usize>d, r > 0 && r * 2 >= n ? 1 : 0);
    if (r > 0) {
      const q0 = posBase + off + d;
      let prev = false;
      for (let j = 0; j <= n; j++) {
        const cur = j < n && load<i32>(g + (<usize>j << 2)) >= theta;
        if (cur || prev) {
          const a = j == 0 ? BOS : load<u32>(p + (<usize>(j - 1) << 2));
          const b = j == n ? EOS : load<u32>(p + (<usize>j << 2));
          let k = mix2(a, b);
          if (k == 0) k = 1;
          store<u32>(keys + (<usize>nk << 2), k);
          store<i32>(pos + (<usize>nk << 2), q0 + j);
          nk++;
        }
        prev = cur;
      }
    }
    off += n;
  }
  return nk;
}

/**
 * `blockSupports`'s last step for `docs` texts (as in `minerPairs`): a 3-gram count at `gc` of
 * `theta` or more stays only when the 3-gram is specific (`specific` of src/template.ts, with its
 * constants `sp`, `det` and `shared`; 2-gram counts at `bv`, 2-gram j of text d at its token offset
 * + d + j; plain when none of its tokens is `wild`); every other count becomes 0. In place.
 */
export function minerSpecific(counts: usize, docs: i32, toks: usize, gc: usize, bv: usize, theta: i32, sp: f64, det: f64, shared: f64, wild: u32): void {
  let off: i32 = 0;
  for (let d = 0; d < docs; d++) {
    const n = <i32>load<u32>(counts + (<usize>d << 2));
    const p = toks + (<usize>off << 2), g = gc + (<usize>off << 2), v = bv + (<usize>(off + d) << 2);
    for (let j = 0; j < n; j++) {
      const c = load<i32>(g + (<usize>j << 2));
      if (c < theta) { store<i32>(g + (<usize>j << 2), 0); continue; }
      const l = load<i32>(v + (<usize>j << 2)), r = load<i32>(v + (<usize>(j + 1) << 2));
      const hi = l > r ? l : r, lo = l > r ? r : l;
      const plain = load<u32>(p + (<usize>j << 2)) != wild && (j == 0 || load<u32>(p + (<usize>(j - 1) << 2)) != wild) &&
        (j == n - 1 || load<u32>(p + (<usize>(j + 1) << 2)) != wild);
      const fc = <f64>c;
      const ok = fc >= sp * <f64>hi || (plain && fc >= det * <f64>lo && fc >= shared * <f64>hi);
      if (!ok) store<i32>(g + (<usize>j << 2), 0);
    }
    off += n;
  }
}

// The batch miner's radix sort (`Partition` in src/template.ts): the same LSD sort of a block's
// keys by their top 22 bits, two stable counting passes of 11 bits (bits 10..20, then 21..31),
// both histograms in one read of the keys; Knuth, TAOCP vol. 3, 5.2.5 (radix sorting). Here it
// runs without JavaScript's bounds checks and typed-array dispatch (README, "Speed": the 1M
// template run before and after it moved here).

/** Bytes `minerSort` needs at `at` for n keys: the keys, three scratch words a key, two histograms. */
@inline function histAt(at: usize, n: i32): usize { return at + (<usize>n << 4); }

/**
 * Sorts the `n` u32 keys at `at` by their top 22 bits, stably, and folds equal adjacent keys into
 * runs. Room: the keys at `at`, then three regions of n words (`tk`, `ti`, `oi`) and 2 x 2049
 * words of histograms. Afterwards the distinct keys of the runs are at `at` and the length of each
 * run at `at + 4n`; returns the number of runs. With `withIdx`, the input index of every key, in
 * sorted order, is at `oi` (at + 12n).
 */
export function minerSort(at: usize, n: i32, withIdx: bool): i32 {
  const tk = at + (<usize>n << 2), ti = at + (<usize>n << 3), oi = at + <usize>n * 12;
  const h = histAt(at, n), h2 = h + 2049 * 4;
  memory.fill(h, 0, 2 * 2049 * 4);
  for (let i = 0; i < n; i++) {
    const k = load<u32>(at + (<usize>i << 2));
    const a = h + ((<usize>((k >>> 10) & 2047) + 1) << 2), b = h2 + ((<usize>(k >>> 21) + 1) << 2);
    store<i32>(a, load<i32>(a) + 1);
    store<i32>(b, load<i32>(b) + 1);
  }
  for (let b: usize = 0; b < 2048; b++) {
    const a = h + ((b + 1) << 2), c = h2 + ((b + 1) << 2);
    store<i32>(a, load<i32>(a) + load<i32>(a - 4));
    store<i32>(c, load<i32>(c) + load<i32>(c - 4));
  }
  // pass 1: bits 10..20 into tk (ti); pass 2: bits 21..31 back to `at` (oi)
  if (withIdx) {
    for (let i = 0; i < n; i++) {
      const k = load<u32>(at + (<usize>i << 2));
      const a = h + (<usize>((k >>> 10) & 2047) << 2), d = <usize>load<i32>(a) << 2;
      store<i32>(a, load<i32>(a) + 1);
      store<u32>(tk + d, k);
      store<i32>(ti + d, i);
    }
    for (let i = 0; i < n; i++) {
      const k = load<u32>(tk + (<usize>i << 2));
      const a = h2 + (<usize>(k >>> 21) << 2), d = <usize>load<i32>(a) << 2;
      store<i32>(a, load<i32>(a) + 1);
      store<u32>(at + d, k);
      store<i32>(oi + d, load<i32>(ti + (<usize>i << 2)));
    }
  } else {
    for (let i = 0; i < n; i++) {
      const k = load<u32>(at + (<usize>i << 2));
      const a = h + (<usize>((k >>> 10) & 2047) << 2);
      const d = load<i32>(a);
      store<i32>(a, d + 1);
      store<u32>(tk + (<usize>d << 2), k);
    }
    for (let i = 0; i < n; i++) {
      const k = load<u32>(tk + (<usize>i << 2));
      const a = h2 + (<usize>(k >>> 21) << 2);
      const d = load<i32>(a);
      store<i32>(a, d + 1);
      store<u32>(at + (<usize>d << 2), k);
    }
  }
  let nr: i32 = 0;
  for (let j = 0; j < n;) {
    const k = load<u32>(at + (<usize>j << 2));
    let e = j + 1;
    while (e < n && load<u32>(at + (<usize>e << 2)) == k) e++;
    store<u32>(at + (<usize>nr << 2), k);
    store<i32>(tk + (<usize>nr << 2), e - j);
    nr++;
    j = e;
  }
  return nr;
}

/**
 * After `minerSort` with `withIdx` and `runs` over n keys at `at`: the caller has replaced each of
 * the `nr` run keys at `at` by a value; writes that value for every key of the run at its input
 * index, into `at + 8n` (n words). (`lookupBlock`: one table lookup a run, the scatter here.)
 */
export function minerScatter(at: usize, n: i32, nr: i32): void {
  const len = at + (<usize>n << 2), out = at + (<usize>n << 3), oi = at + <usize>n * 12;
  let j: usize = 0;
  for (let r = 0; r < nr; r++) {
    const v = load<i32>(at + (<usize>r << 2)), e = j + <usize>load<i32>(len + (<usize>r << 2));
    for (; j < e; j++) store<i32>(out + (<usize>load<i32>(oi + (j << 2)) << 2), v);
  }
}
