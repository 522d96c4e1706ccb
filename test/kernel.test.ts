/**
 * Cross-checks of the WebAssembly kernel against the plain-TypeScript reference in
 * test/reference.ts: tokenizer and shingle hashes (dump mode), every sketch, signShingles, the
 * SIMD build against the scalar build, batches against single calls, and long (streaming) texts.
 */
import { readFileSync } from 'node:fs';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { initSync, MinHasher, SimHasher, shingles, tokens } from '../src/index';
import { kernel, Algo } from '../src/kernel';
import { datasketchPermutations } from '../src/permutations';
import type { Unit } from '../src/text';
import * as ref from './reference';

type Algorithm = ref.Algorithm;
type ShingleCfg = ref.ShingleCfg;

const ALGORITHMS: Algorithm[] = ['fast', 'classic', 'datasketch'];
/** numPerm values around the 4-lane / 8-slot SIMD groups. */
const NUM_PERMS = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 127, 128, 129, 256];

// ---------------------------------------------------------------------------------------------
// Kernel access
// ---------------------------------------------------------------------------------------------

/** The shingle hashes the kernel computes for `text` (dump mode), in document order. */
function kernelDump(text: string, cfg: ShingleCfg, seed: number): bigint[] {
  const k = kernel();
  k.invalidate();
  const norm = cfg.normalize ? 1 : 0;
  k.exports.configure(Algo.Dump, 1, cfg.size, cfg.unit === 'char' ? 1 : 0, norm, norm, seed);
  const len = k.writeText(text, 0, cfg.unit, cfg.normalize);
  k.docs[0] = 0;
  k.docs[1] = k.docFlag(len);
  const n = k.exports.signDocs(1);
  const o = k.OUT >>> 3;
  const out = Array.from(k.u64.subarray(o, o + n));
  k.invalidate();
  return out;
}

/**
 * The kernel's sketch of caller-written element hashes (signElements): u32 hashes for the MinHash
 * algorithms, u64 for SimHash. `perms` overrides the datasketch parameters written to PARAM_A/B.
 */
function kernelElements(elems: number[], algo: Algorithm, t: number, seed: number, perms?: { a: BigUint64Array; b: BigUint64Array }): Uint32Array {
  const k = kernel();
  k.invalidate();
  const code = { fast: Algo.Fast, classic: Algo.Classic, datasketch: Algo.Datasketch }[algo];
  k.exports.configure(code, t, 3, 0, 1, 1, seed);
  if (algo === 'datasketch') {
    const { a, b } = perms ?? datasketchPermutations(t, seed);
    k.u64.set(a.subarray(0, t), k.PARAM_A >>> 3);
    k.u64.set(b.subarray(0, t), k.PARAM_B >>> 3);
  }
  k.u32.set(Uint32Array.from(elems), k.ELEM >>> 2);
  k.exports.signElements(elems.length);
  k.invalidate();
  return k.u32.slice(k.OUT >>> 2, (k.OUT >>> 2) + t);
}

function kernelSimElements(elems: bigint[]): bigint {
  const k = kernel();
  k.invalidate();
  k.exports.configure(Algo.SimHash, 1, 3, 0, 1, 1, 1);
  k.u64.set(elems, k.ELEM >>> 3);
  k.exports.signElements(elems.length);
  k.invalidate();
  return k.u64[k.OUT >>> 3];
}

/** A new SIMD kernel instance, with its memory at the initial size (switching builds re-instantiates). */
function freshKernel(): void {
  initSync({ simd: false });
  initSync({ simd: true });
}

function withBuild<T>(simd: boolean, f: () => T): T {
  initSync({ simd });
  try {
    return f();
  } finally {
    initSync({ simd: true });
  }
}


/** Equality of two sequences with a short failure message (first difference only, no huge diff). */
function expectSame<T extends number | bigint | string>(got: ArrayLike<T>, want: ArrayLike<T>, what = ''): void {
  const n = Math.min(got.length, want.length);
  let i = 0;
  while (i < n && got[i] === want[i]) i++;
  if (i === n && got.length === want.length) return;
  const show = (xs: ArrayLike<T>) =>
    Array.from({ length: Math.min(4, xs.length - i) }, (_, j) => (typeof xs[i + j] === 'bigint' ? (xs[i + j] as bigint).toString(16) : JSON.stringify(xs[i + j]))).join(' ');
  expect.fail(`${what} length got ${got.length} / want ${want.length}; first difference at ${i}: got [${show(got)}] want [${show(want)}]`);
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

const WORD_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** Separators, including the bytes just outside the kernel's [0-9], [A-Z] and [a-z] ranges. */
const SEPARATORS = [' ', ' ', '  ', '\t', '\n', '\r\n', '\v', '\f', '.', ',', '-', '_', '!', '@', '[', '`', '{', '/', ':', '\x00', '\x7f', '~', ' \t '];

/** ASCII words of 0..40 bytes (around 8-byte hash words and 16-byte SIMD blocks) and separators. */
const asciiWords = (maxWords: number) =>
  fc
    .array(
      fc.tuple(
        fc.string({ unit: fc.constantFrom(...WORD_CHARS), minLength: 0, maxLength: 40 }),
        fc.string({ unit: fc.constantFrom(...SEPARATORS), minLength: 1, maxLength: 3 }),
      ),
      { maxLength: maxWords },
    )
    .chain((parts) =>
      fc.boolean().map((leadingSep) => (leadingSep ? ' ' : '') + parts.map(([w, s]) => w + s).join('')),
    )
    .chain((s) => fc.boolean().map((trim) => (trim ? s.replace(/[^0-9A-Za-z]+$/, '') : s)));

/** Any ASCII (control bytes included). */
const asciiAny = fc.string({ unit: fc.integer({ min: 0, max: 127 }).map((c) => String.fromCharCode(c)), maxLength: 300 });

const UNICODE_PIECES = [
  // Latin, with case, ß/ẞ/ſ, accents, full-width and ligatures
  'a', 'B', 'z', 'Q', '7', 'é', 'É', 'ß', 'ẞ', 'ſ', 'ǅ', 'İ', 'ı', 'Ａ', 'ｂ', '１', 'ﬁ', 'ﷺ', '½',
  // characters that need no normalization (Latin-1 lowercase, curly quotes, dashes) and neighbours
  'café', 'naïve', 'ÿ', 'ø', 'à', 'ö', '÷', '×', 'ª', 'µ', '’', '‘', '“', '”', '„', '‟', '–', '—', '―', '‐',
  // Cyrillic, Greek (final sigma), Arabic, Hebrew, Devanagari
  'Привет', 'мир', 'Ё', 'Σ', 'σ', 'ς', 'ΟΔΟΣ', 'λόγος', 'سلام', 'שלום', 'नमस्ते',
  // CJK, kana, Thai (with marks), Khmer
  '漢', '字', '日本語', '中文', 'ひらがな', 'カタカナ', 'ｶﾀｶﾅ', 'ภาษาไทย', 'กั', 'ៗ',
  // emoji, ZWJ sequences, flags, skin tones
  '😀', '👍🏽', '👨\u200D👩\u200D👧', '🇫🇷', '🫠',
  // combining marks, zero-width and invisible characters, BOM, soft hyphen, variation selector
  '\u0301', '\u0308', '\u0323', '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD', '\uFE0F', '\u202E',
  // lone surrogates; astral letters, digits, Han, marks and tag characters
  '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '𝐀𝐁', '𠀀', '𝟘', '𐍈', '\u{E0041}', '\u{1D167}', '𑀀𑀸',
  // Unicode and ASCII whitespace, punctuation
  ' ', ' ', ' ', '\t', '\n', '\u00A0', '\u3000', '\u2028', '\u2003', '.', ',', '!', '—', '«', '»', '、', '。',
];

const unicodeText = (maxLength: number) =>
  fc
    .array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...UNICODE_PIECES) }, { weight: 2, arbitrary: fc.constantFrom(...WORD_CHARS, ...SEPARATORS) }), { maxLength })
    .map((xs) => xs.join(''));

/** Mostly ASCII words with sparse non-ASCII pieces: 64-byte blocks of both kinds in one document. */
const mixedText = (maxParts: number) =>
  fc
    .array(
      fc.oneof(
        { weight: 6, arbitrary: fc.tuple(fc.string({ unit: fc.constantFrom(...WORD_CHARS), minLength: 1, maxLength: 24 }), fc.constantFrom(' ', ' ', ' ', '\n', '. ', '-')).map(([w, s]) => w + s) },
        { weight: 1, arbitrary: fc.constantFrom(...UNICODE_PIECES) },
      ),
      { maxLength: maxParts },
    )
    .map((xs) => xs.join(''));

/** A mix of every kind of text. */
const anyText = fc.oneof(asciiWords(60), asciiAny, unicodeText(120), mixedText(60), fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 }));

const shingleCfg: fc.Arbitrary<ShingleCfg> = fc.record({
  unit: fc.constantFrom<Unit>('word', 'char'),
  size: fc.integer({ min: 1, max: 6 }),
  normalize: fc.boolean(),
});
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const seedArb = fc.oneof(fc.constantFrom(0, 1, 42, 0xffffffff), fc.integer({ min: 0, max: 0xffffffff }));
const numPermArb = fc.constantFrom(...NUM_PERMS);

/** Deterministic pseudo-random generator for large fixed inputs. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

const VOCAB = [
  'the', 'Quick', 'brown', 'FOX', 'jumps', 'over', 'lazy', 'dog', 'explain', 'step', 'by', 'how', 'to', 'bake',
  'bread', 'a', 'cake', 'translate', 'into', 'French', 'good', 'morning', 'write', 'JavaScript', 'function',
  'that', 'reverses', 'linked', 'list', 'x', '42', '2024', 'supercalifragilisticexpialidocious', 'ABCDEFGHIJKLMNOPQRS',
];
const VOCAB_UNI = [...VOCAB, 'Привет', 'мир', 'ΟΔΟΣ', 'λόγος', '日本語', 'ภาษาไทย', 'naïve', 'Straße', '😀', 'ｶﾀｶﾅ', 'ﬁle'];

/** A text of about `bytes` bytes from a vocabulary, with assorted separators. */
function makeText(r: () => number, bytes: number, vocab = VOCAB): string {
  const parts: string[] = [];
  let n = 0;
  while (n < bytes) {
    const w = vocab[Math.floor(r() * vocab.length)];
    const s = r() < 0.85 ? ' ' : SEPARATORS[Math.floor(r() * SEPARATORS.length)];
    parts.push(w, s);
    n += w.length + s.length;
  }
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------

beforeAll(() => {
  initSync({ simd: true });
});
afterAll(() => {
  initSync({ simd: true });
});

describe('reference sanity', () => {
  it('fmix64 / hashBytes / SHA-1 basics', () => {
    expect(ref.fmix64(0n)).toBe(0n);
    // SHA-1("") = da39a3ee...: datasketch's sha1_hash32 reads the first 4 bytes little-endian.
    expect(ref.sha1Hash32(new Uint8Array(0))).toBe(0xeea339da);
    // the tail word is zero-padded: a trailing 0 byte changes the length term only
    const a = ref.hashBytes(new Uint8Array([1, 2, 3]), 5n);
    const b = ref.hashBytes(new Uint8Array([1, 2, 3, 0]), 5n ^ ref.mul64(3n, ref.P1) ^ ref.mul64(4n, ref.P1));
    expect(a).toBe(b);
  });

  it('datasketch reference reproduces the golden datasketch signatures', () => {
    const golden = JSON.parse(readFileSync(new URL('./fixtures/datasketch-golden.json', import.meta.url), 'utf8')) as {
      cases: { text: string; shingles: string[]; shingle_sha1_hash32: number[]; hashvalues: number[] }[];
    };
    for (const c of golden.cases) {
      expect(c.shingles.map((s) => ref.sha1Hash32(new TextEncoder().encode(s)))).toEqual(c.shingle_sha1_hash32);
      const sig = ref.refSignShingles(c.shingles, { algorithm: 'datasketch', numPerm: 128, seed: 1 });
      expect(Array.from(sig)).toEqual(c.hashvalues);
    }
  });
});

describe('tokenizer and shingle hashes (dump mode) vs reference', () => {
  const check = (text: string, cfg: ShingleCfg, seed: number) => {
    const got = kernelDump(text, cfg, seed);
    const want = ref.wideShingleHashes(text, cfg, seed);
    expectSame(got, want, `dump ${JSON.stringify(text).slice(0, 80)} ${JSON.stringify(cfg)} seed ${seed}:`);
  };

  it('known small cases', () => {
    const w = (size: number, normalize = true): ShingleCfg => ({ unit: 'word', size, normalize });
    const c = (size: number, normalize = true): ShingleCfg => ({ unit: 'char', size, normalize });
    expect(kernelDump('', w(3), 1)).toEqual([]);
    expect(kernelDump(' .,; ', w(3), 1)).toEqual([]);
    expect(kernelDump('   ', c(3), 1)).toEqual([]);
    expect(kernelDump('one two', w(3), 1)).toHaveLength(1);
    expect(kernelDump('a b c d', w(3), 1)).toHaveLength(2);
    expect(kernelDump('  ab \t\n c  ', c(2), 1)).toHaveLength(3); // "ab c" -> ab, "b ", " c"
    expect(kernelDump('The Quick', w(1), 1)).toEqual(kernelDump('the quick', w(1), 1));
    expect(kernelDump('The Quick', w(1, false), 1)).not.toEqual(kernelDump('the quick', w(1, false), 1));
    for (const [t, cfg] of [
      ['The quick brown fox jumps over the lazy dog', w(3)],
      ['Hello, World! 12345 abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', w(2)],
      ['  Hello \t World \n ', c(3)],
      ['  Hello \t World \n ', c(3, false)],
      ['Grüße aus Köln — 日本語のテキスト 😀 ok', w(2)],
      ['Grüße aus Köln — 日本語のテキスト 😀 ok', c(4)],
    ] as [string, ShingleCfg][]) check(t, cfg, 1);
  });

  it('random ASCII texts (words of 0..40 bytes)', () => {
    fc.assert(fc.property(asciiWords(80), shingleCfg, seedArb, (t, cfg, seed) => check(t, cfg, seed)), { numRuns: 200 });
  });

  it('random ASCII byte soup', () => {
    fc.assert(fc.property(asciiAny, shingleCfg, seedArb, (t, cfg, seed) => check(t, cfg, seed)), { numRuns: 150 });
  });

  it('mostly-ASCII texts with sparse non-ASCII pieces', () => {
    fc.assert(fc.property(mixedText(150), shingleCfg, seedArb, (t, cfg, seed) => check(t, cfg, seed)), { numRuns: 150 });
  });

  it('word state across 64-byte blocks: stand-alone letters, marks and words meeting ASCII blocks', () => {
    const dec = new TextDecoder('utf-8', { ignoreBOM: true });
    const heads = ['日', 'ภ', 'ｶ', 'é', 'a\u0301', '😀', ''];
    const tails = ['over é', 'over日', 'over\u0301x', 'over', 'é over', '日over', ' over 日'];
    for (const head of heads) {
      for (const tail of tails) {
        for (let pad = 50; pad <= 140; pad++) {
          for (const sep of [' ', 'x']) {
            const text = head + sep.repeat(pad) + tail;
            for (const normalize of [true, false]) {
              const want = ref.textTokens(text, { unit: 'word', normalize }).map((t) => dec.decode(t));
              expectSame(tokens(text, { unit: 'word', normalize }), want, JSON.stringify(text));
            }
          }
        }
      }
    }
    check('日' + ' '.repeat(123) + 'over é', { unit: 'word', size: 1, normalize: true }, 1);
  });

  it('random Unicode texts', () => {
    fc.assert(fc.property(unicodeText(150), shingleCfg, seedArb, (t, cfg, seed) => check(t, cfg, seed)), { numRuns: 200 });
  });

  it('random full-range strings (graphemes and code points, lone surrogates)', () => {
    const s = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ maxLength: 80 }));
    fc.assert(fc.property(s, shingleCfg, seedArb, (t, cfg, seed) => check(t, cfg, seed)), { numRuns: 150 });
  });

  it('texts up to a few KB', () => {
    fc.assert(fc.property(fc.oneof(asciiWords(400), unicodeText(1500)), shingleCfg, (t, cfg) => check(t, cfg, 1)), { numRuns: 40 });
  });

  it('one word of every length 0..80 at every offset 0..17 (8-byte words, 16-byte blocks)', () => {
    for (let off = 0; off <= 17; off++) {
      for (let len = 0; len <= 80; len++) {
        const word = WORD_CHARS.repeat(2).slice(off % 7, (off % 7) + len);
        const text = ' '.repeat(off) + word + (len % 3 === 0 ? '' : ' x');
        check(text, { unit: 'word', size: 1, normalize: true }, 7);
        check(text, { unit: 'word', size: 2, normalize: false }, 7);
      }
    }
  });

  it('token counts around the kernel token buffer (4096) and all shingle sizes 1..64', () => {
    for (const n of [4094, 4095, 4096, 4097, 4098, 4099, 8191, 8192, 8193]) {
      const r = rng(n);
      let text = '';
      for (let i = 0; i < n; i++) text += WORD_CHARS[Math.floor(r() * WORD_CHARS.length)];
      for (const size of [1, 2, 3, 5, 6]) check(text, { unit: 'char', size, normalize: true }, 3);
      const words = Array.from({ length: n }, (_, i) => (i * 2654435761 >>> 0).toString(36)).join(' ');
      check(words, { unit: 'word', size: 3, normalize: true }, 3);
    }
  });

  it('tokens() (the kernel spans hook) equals the reference tokens', () => {
    const dec = new TextDecoder('utf-8', { ignoreBOM: true });
    for (const [text, unit, normalize] of [
      ['Hello, WORLD', 'word', true], ['Hello, WORLD', 'word', false], ['  Hello \t World  ', 'char', true],
      ['漢字かな 𠀀x ẞtraße ΟΔΟΣ', 'word', true], ['\u0301a\u0301 漢\u0301x', 'word', false],
      // U+FEFF is a character in char mode without normalization (a TextDecoder drops it by default)
      ['\uFEFF', 'char', false], ['a\uFEFFb', 'char', false], ['\uFEFFab', 'char', false],
    ] as [string, Unit, boolean][]) {
      expect(tokens(text, { unit, normalize }), JSON.stringify([text, unit, normalize])).toEqual(ref.textTokens(text, { unit, normalize }).map((t) => dec.decode(t)));
    }
    fc.assert(
      fc.property(anyText, fc.constantFrom<Unit>('word', 'char'), fc.boolean(), (text, unit, normalize) => {
        expect(tokens(text, { unit, normalize })).toEqual(ref.textTokens(text, { unit, normalize }).map((t) => dec.decode(t)));
      }),
      { numRuns: 200 },
    );
  });

  it('word classes of every code point of planes 0, 1, 2, 3 and 14 (kernel table vs Unicode properties)', () => {
    // "漢" + ch + "x": a separator or invisible ch gives [漢, x], a letter [漢, chx], a stand-alone
    // letter [漢, ch, x], a combining mark [漢ch, x].
    const dec = new TextDecoder('utf-8', { ignoreBOM: true });
    for (const plane of [0, 1, 2, 3, 14]) {
      for (let lo = 0; lo < 0x10000; lo += 0x4000) {
        const parts: string[] = [];
        for (let cp = plane * 0x10000 + lo; cp < plane * 0x10000 + lo + 0x4000; cp++) {
          if (cp >= 0xd800 && cp <= 0xdfff) continue;
          parts.push('漢' + String.fromCodePoint(cp) + 'x');
        }
        const text = parts.join(' ');
        const got = tokens(text, { unit: 'word', normalize: false });
        const want = ref.textTokens(text, { unit: 'word', normalize: false }).map((t) => dec.decode(t));
        expectSame(got, want, `plane ${plane} from ${lo.toString(16)}:`);
      }
    }
  });

  it('shingle sizes 7..64 (MAX_SHINGLE)', () => {
    const sizes = fc.oneof(fc.integer({ min: 7, max: 12 }), fc.integer({ min: 13, max: 64 }));
    fc.assert(
      fc.property(fc.oneof(asciiWords(120), unicodeText(200)), fc.constantFrom<Unit>('word', 'char'), sizes, fc.boolean(), (t, unit, size, normalize) =>
        check(t, { unit, size, normalize }, 1),
      ),
      { numRuns: 60 },
    );
  });
});

describe('sketches of element hashes (signElements) vs reference', () => {
  const elemsArb = fc.oneof(
    fc.array(u32, { maxLength: 300 }),
    fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 300 }),
    fc.array(fc.constantFrom(0, 1, 0xffffffff, 0x80000000, 0x7fffffff, 0xffff, 0x10000), { maxLength: 20 }),
  );

  it('fast / classic / datasketch', () => {
    fc.assert(
      fc.property(elemsArb, fc.constantFrom(...ALGORITHMS), numPermArb, seedArb, (elems, algo, t, seed) => {
        const got = kernelElements(elems, algo, t, seed);
        expectSame(got, ref.sketch(elems, algo, t, seed), `${algo} t=${t}`);
      }),
      { numRuns: 200 },
    );
  });

  it('empty set: every slot 0xFFFFFFFF; SimHash 0', () => {
    for (const algo of ALGORITHMS) {
      for (const t of [1, 8, 129]) expect(Array.from(kernelElements([], algo, t, 1))).toEqual(new Array(t).fill(0xffffffff));
    }
    expect(kernelSimElements([])).toBe(0n);
  });

  it('fast with large numPerm (many rounds before every bin is filled)', () => {
    fc.assert(
      fc.property(fc.array(u32, { minLength: 1, maxLength: 40 }), fc.constantFrom(100, 1000, 4096, 8192), (elems, t) => {
        const got = kernelElements(elems, 'fast', t, 9);
        expectSame(got, ref.sketch(elems, 'fast', t, 9), `fast t=${t}`);
      }),
      { numRuns: 12 },
    );
  });

  it('SimHash: one element repeated n times (packed 8-bit counters must not overflow)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: ref.MASK64 }), fc.integer({ min: 1, max: 1100 }), (x, n) => {
        const elems = new Array<bigint>(n).fill(x);
        expect(kernelSimElements(elems).toString(16)).toBe(ref.simhash(elems).toString(16));
      }),
      { numRuns: 40 },
    );
    for (const n of [254, 255, 256, 257, 300, 510, 511, 512, 513, 1000]) {
      for (const x of [ref.MASK64, 0x8000000000000001n, 0x0123456789abcdefn]) {
        expect(kernelSimElements(new Array<bigint>(n).fill(x)), `n ${n}`).toBe(x);
        // x on n - 1 elements and ~x on one: the bits of x win
        expect(kernelSimElements([...new Array<bigint>(n - 1).fill(x), x ^ ref.MASK64]), `n ${n}`).toBe(x);
      }
    }
  });

  it('datasketch: reduction mod 2^61 - 1 at its edge values (chosen PARAM_A / PARAM_B)', () => {
    // Element hashes are 32-bit, so with datasketch's own parameters the wrap-around values are out
    // of reach; the kernel takes any (a, b), so pick b_k = X_k - a_k * hv to land exactly on X_k.
    const M = (1n << 61n) - 1n;
    const targets = [M - 1n, M, M + 1n, 2n * M - 1n, 2n * M, 2n * M + 1n, 4n * M + 3n, 7n * M + 6n, 8n * M - 1n, 8n * M, 8n * M + 6n, ref.MASK64, 1n << 63n, 0n, 1n];
    const t = targets.length;
    fc.assert(
      fc.property(u32, fc.array(fc.bigInt({ min: 0n, max: ref.MASK64 }), { minLength: t, maxLength: t }), (hv, as) => {
        const a = BigUint64Array.from(as);
        const b = BigUint64Array.from(targets, (X, k) => (X - a[k] * BigInt(hv)) & ref.MASK64);
        const got = kernelElements([hv], 'datasketch', t, 1, { a, b });
        expect(Array.from(got)).toEqual(targets.map((X) => Number((X % M) & 0xffffffffn)));
        expectSame(got, ref.datasketchSketch([hv], a, b, t));
      }),
      { numRuns: 30 },
    );
  });

  it('SimHash ties take the bit of the smallest element hash', () => {
    const x = 0x0123456789abcdefn, y = x ^ ref.MASK64;
    expect(kernelSimElements([x, y])).toBe(x < y ? x : y);
    expect(kernelSimElements([y, x, x, y])).toBe(x < y ? x : y);
    expect(kernelSimElements([5n, 3n])).toBe(3n | (5n & 3n)); // bit 0 both set, bits 1 and 2 tie -> 3's
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: ref.MASK64 }), { minLength: 1, maxLength: 4 }), fc.array(fc.nat(3), { maxLength: 12 }), (vals, picks) => {
        const elems = picks.map((i) => vals[i % vals.length]);
        expect(kernelSimElements(elems).toString(16)).toBe(ref.simhash(elems).toString(16));
      }),
      { numRuns: 100 },
    );
  });

  it('SimHash (with duplicates and > 255 elements between counter flushes)', () => {
    const arb = fc.oneof(
      fc.array(fc.bigInt({ min: 0n, max: ref.MASK64 }), { maxLength: 1200 }),
      fc.array(fc.constantFrom(ref.MASK64, 0n, 0x8000000000000001n), { maxLength: 1200 }),
    );
    fc.assert(
      fc.property(arb, (elems) => {
        expect(kernelSimElements(elems).toString(16)).toBe(ref.simhash(elems).toString(16));
      }),
      { numRuns: 100 },
    );
  });
});

describe('MinHasher.sign / SimHasher.fingerprint vs reference', () => {
  it('every algorithm, numPerm around SIMD lanes, random texts', () => {
    fc.assert(
      fc.property(anyText, fc.constantFrom(...ALGORITHMS), numPermArb, seedArb, shingleCfg, (text, algorithm, numPerm, seed, shingle) => {
        const h = new MinHasher({ algorithm, numPerm, seed, shingle });
        const got = h.sign(text);
        const want = ref.refSign(text, { algorithm, numPerm, seed, shingle });
        expectSame(got, want, `${algorithm} numPerm ${numPerm}`);
      }),
      { numRuns: 200 },
    );
  });

  it('SimHash fingerprint, random texts', () => {
    fc.assert(
      fc.property(anyText, seedArb, shingleCfg, (text, seed, shingle) => {
        const got = new SimHasher({ seed, shingle }).fingerprint(text);
        expect(got.toString(16)).toBe(ref.refFingerprint(text, { seed, shingle }).toString(16));
      }),
      { numRuns: 200 },
    );
  });

  it('default options', () => {
    const text = 'Explain step by step how to bake bread. Explain step by step how to bake a cake.';
    const d = { unit: 'word', size: 3, normalize: true } as const;
    expect(Array.from(new MinHasher().sign(text))).toEqual(Array.from(ref.refSign(text, { algorithm: 'fast', numPerm: 128, seed: 1, shingle: d })));
    expect(new SimHasher().fingerprint(text)).toBe(ref.refFingerprint(text, { seed: 1, shingle: d }));
  });
});

describe('signShingles vs reference', () => {
  const shingleArb = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.constantFrom(...UNICODE_PIECES),
    fc.uint8Array({ maxLength: 40 }),
    // invalid UTF-8: stray continuation bytes, truncated sequences, overlongs, surrogates, 0xFF
    fc.constantFrom(
      new Uint8Array([0x80]), new Uint8Array([0xc3]), new Uint8Array([0xe2, 0x82]), new Uint8Array([0xf0, 0x9f, 0x98]),
      new Uint8Array([0xc0, 0xaf]), new Uint8Array([0xed, 0xa0, 0x80]), new Uint8Array([0xff, 0xfe]), new Uint8Array(0),
    ),
  );

  it('random strings and byte arrays, every algorithm', () => {
    fc.assert(
      fc.property(fc.array(shingleArb, { maxLength: 60 }), fc.constantFrom(...ALGORITHMS), numPermArb, seedArb, (sh, algorithm, numPerm, seed) => {
        const got = new MinHasher({ algorithm, numPerm, seed }).signShingles(sh);
        expectSame(got, ref.refSignShingles(sh, { algorithm, numPerm, seed }), `${algorithm} numPerm ${numPerm}`);
      }),
      { numRuns: 150 },
    );
  });

  it('a string and its UTF-8 bytes give the same signature', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 20 }), { maxLength: 20 }), fc.constantFrom(...ALGORITHMS), (sh, algorithm) => {
        const h = new MinHasher({ algorithm, numPerm: 17 });
        const enc = new TextEncoder();
        expect(Array.from(h.signShingles(sh))).toEqual(Array.from(h.signShingles(sh.map((s) => enc.encode(s)))));
      }),
      { numRuns: 50 },
    );
  });

  it('more than DOCS_CAP (4096) and more than ELEM_CAP (16384) shingles: several calls', () => {
    const r = rng(77);
    const many: (string | Uint8Array)[] = [];
    for (let i = 0; i < 20000; i++) {
      if (i % 3 === 0) many.push(Uint8Array.from({ length: Math.floor(r() * 24) }, () => Math.floor(r() * 256)));
      else many.push(`${VOCAB_UNI[i % VOCAB_UNI.length]} ${i} ${Math.floor(r() * 1e6)}`);
    }
    const sizes = [4097, 20000];
    for (const n of sizes) {
      const sh = many.slice(0, n);
      for (const algorithm of ALGORITHMS) {
        for (const numPerm of algorithm === 'datasketch' ? [16] : algorithm === 'fast' ? [64, 8192] : [64]) {
          const got = new MinHasher({ algorithm, numPerm, seed: 5 }).signShingles(sh);
          const want = ref.refSignShingles(sh, { algorithm, numPerm, seed: 5 });
          expectSame(got, want, `${algorithm} numPerm ${numPerm} n ${n}`);
        }
      }
    }
  });

  it('a shingle larger than the initial input buffer (memory grows during the call)', () => {
    // Few shingles and many slots, so that a mis-hashed shingle changes the signature.
    const big = new Uint8Array(1_600_000).map((_, i) => (i * 2654435761) >>> 24);
    for (const sh of [[big], ['before', big, 'after'], [...Array.from({ length: 10 }, (_, i) => `s${i}`), big]] as (string | Uint8Array)[][]) {
      for (const algorithm of ALGORITHMS) {
        freshKernel();
        const got = new MinHasher({ algorithm, numPerm: 256 }).signShingles(sh);
        expectSame(got, ref.refSignShingles(sh, { algorithm, numPerm: 256, seed: 1 }), `${algorithm}, ${sh.length} shingles:`);
      }
    }
  });

  it('empty list: every slot 0xFFFFFFFF', () => {
    for (const algorithm of ALGORITHMS) expect(Array.from(new MinHasher({ algorithm, numPerm: 9 }).signShingles([]))).toEqual(new Array(9).fill(0xffffffff));
  });
});

describe('datasketch: sign(text) equals signShingles(shingles(text))', () => {
  it('known cases', () => {
    for (const [text, unit, normalize] of [
      ['The quick brown fox jumps over the lazy dog', 'word', true], ['Grüße aus 日本 😀', 'char', true],
      ['\uFEFF', 'char', false], ['a\uFEFFbcdef', 'char', false],
    ] as [string, Unit, boolean][]) {
      const shingle = { unit, size: 3, normalize };
      const h = new MinHasher({ algorithm: 'datasketch', numPerm: 16, shingle });
      expectSame(h.sign(text), h.signShingles(shingles(text, shingle)), JSON.stringify(text));
      expectSame(h.sign(text), ref.refSign(text, { algorithm: 'datasketch', numPerm: 16, seed: 1, shingle }), JSON.stringify(text));
    }
  });

  it('random texts', () => {
    fc.assert(
      fc.property(anyText, shingleCfg, numPermArb, seedArb, (text, shingle, numPerm, seed) => {
        const h = new MinHasher({ algorithm: 'datasketch', numPerm, seed, shingle });
        expectSame(h.sign(text), h.signShingles(shingles(text, shingle)));
      }),
      { numRuns: 150 },
    );
  });
});

describe('SIMD build equals scalar build', () => {
  it('every algorithm and SimHash, random texts', () => {
    fc.assert(
      fc.property(anyText, fc.constantFrom(...ALGORITHMS), numPermArb, seedArb, shingleCfg, (text, algorithm, numPerm, seed, shingle) => {
        const h = new MinHasher({ algorithm, numPerm, seed, shingle });
        const s = new SimHasher({ seed, shingle });
        const simd = { sig: h.sign(text), fp: s.fingerprint(text), dump: kernelDump(text, shingle, seed) };
        const scalar = withBuild(false, () => ({ sig: h.sign(text), fp: s.fingerprint(text), dump: kernelDump(text, shingle, seed) }));
        expectSame(simd.dump, scalar.dump, 'dump simd vs scalar:');
        expectSame(simd.sig, scalar.sig, `${algorithm} simd vs scalar:`);
        expect(simd.fp).toBe(scalar.fp);
      }),
      { numRuns: 120 },
    );
    expect(kernel().simd).toBe(true);
  });

  it('batches of texts (documents at unaligned offsets)', () => {
    fc.assert(
      fc.property(fc.array(anyText, { maxLength: 20 }), fc.constantFrom(...ALGORITHMS), shingleCfg, (texts, algorithm, shingle) => {
        const h = new MinHasher({ algorithm, numPerm: 33, shingle });
        const s = new SimHasher({ shingle });
        const a = { sig: h.signBatch(texts), fp: s.fingerprintBatch(texts) };
        const b = withBuild(false, () => ({ sig: h.signBatch(texts), fp: s.fingerprintBatch(texts) }));
        expectSame(a.sig, b.sig, `${algorithm} simd vs scalar:`);
        expectSame(a.fp, b.fp, 'SimHash simd vs scalar:');
      }),
      { numRuns: 60 },
    );
    expect(kernel().simd).toBe(true);
  });

  it('init({ simd: false }) (async) selects the scalar build', async () => {
    const { init } = await import('../src/index');
    const text = 'A quick check that the async loader switches builds';
    const h = new MinHasher({ algorithm: 'classic', numPerm: 40 });
    const simd = h.sign(text);
    await init({ simd: false });
    try {
      expect(kernel().simd).toBe(false);
      expect(Array.from(h.sign(text))).toEqual(Array.from(simd));
    } finally {
      initSync({ simd: true });
    }
  });
});

describe('batch equals one-by-one', () => {
  it('random small batches, every algorithm and SimHash', () => {
    fc.assert(
      fc.property(fc.array(anyText, { maxLength: 30 }), fc.constantFrom(...ALGORITHMS), numPermArb, shingleCfg, (texts, algorithm, numPerm, shingle) => {
        const h = new MinHasher({ algorithm, numPerm, shingle });
        const batch = h.signBatch(texts);
        texts.forEach((t, i) => expectSame(batch.subarray(i * numPerm, (i + 1) * numPerm), h.sign(t), `row ${i}:`));
        const s = new SimHasher({ shingle });
        expect(Array.from(s.fingerprintBatch(texts))).toEqual(texts.map((t) => s.fingerprint(t)));
      }),
      { numRuns: 60 },
    );
  });

  it('> 4096 texts (DOCS_CAP) and > 1 MiB of text (several kernel calls, memory growth)', () => {
    const r = rng(2024);
    // 10000 short texts (~0.6 MB): the batches are cut by DOCS_CAP.
    const shortTexts = Array.from({ length: 10000 }, (_, i) => (i % 97 === 0 ? '' : makeText(r, Math.floor(r() * 120), i % 5 === 0 ? VOCAB_UNI : VOCAB)));
    // 2500 longer texts (~2 MB) with one 1.3 MB text in the middle: cut by the 1 MiB budget.
    const longTexts = Array.from({ length: 2500 }, (_, i) => makeText(r, Math.floor(r() * 1600), i % 4 === 0 ? VOCAB_UNI : VOCAB));
    longTexts[1234] = makeText(r, 1_300_000, VOCAB_UNI);
    const total = (ts: string[]) => ts.reduce((n, t) => n + Buffer.byteLength(t), 0);
    expect(shortTexts.length).toBeGreaterThan(4096);
    expect(total(longTexts)).toBeGreaterThan(2 * (1 << 20));

    const cases: [string[], Algorithm, number][] = [
      [shortTexts, 'fast', 16],
      [shortTexts, 'classic', 9],
      [shortTexts, 'datasketch', 4],
      [longTexts, 'fast', 128],
      [longTexts, 'classic', 33],
      [longTexts, 'datasketch', 8],
    ];
    for (const [texts, algorithm, numPerm] of cases) {
      freshKernel(); // memory grows inside the batch (the 1.3 MB text)
      const h = new MinHasher({ algorithm, numPerm });
      const batch = h.signBatch(texts);
      const one = new Uint32Array(texts.length * numPerm);
      texts.forEach((t, i) => h.signInto(t, one, i * numPerm));
      expectSame(batch, one, `${algorithm} numPerm ${numPerm}, ${texts.length} texts:`);
    }
    // a few rows against the reference as well
    for (const i of [0, 1, 4095, 4096, 4097, 9999]) {
      const h = new MinHasher({ algorithm: 'fast', numPerm: 16 });
      const want = ref.refSign(shortTexts[i], { algorithm: 'fast', numPerm: 16, seed: 1, shingle: h.shingle });
      expectSame(h.signBatch(shortTexts).subarray(i * 16, (i + 1) * 16), want, `row ${i}:`);
    }
    for (const texts of [shortTexts, longTexts]) {
      freshKernel();
      const s = new SimHasher({ shingle: { unit: 'char', size: 4 } });
      const fps = s.fingerprintBatch(texts);
      texts.forEach((t, i) => {
        if (fps[i] !== s.fingerprint(t)) expect(`fingerprint ${i}: ${fps[i]}`).toBe(`fingerprint ${i}: ${s.fingerprint(t)}`);
      });
    }
  });
});

describe('long texts (> 16384 shingles: streaming batches) vs reference', () => {
  const r = rng(99);
  const longAscii = makeText(r, 200_000); // ~30k words
  const longUni = makeText(r, 120_000, VOCAB_UNI);
  const word3: ShingleCfg = { unit: 'word', size: 3, normalize: true };
  const char5: ShingleCfg = { unit: 'char', size: 5, normalize: true };

  it('has more than 16384 shingles', () => {
    expect(ref.windows(ref.textTokens(longAscii, word3), 3).length).toBeGreaterThan(16384);
    expect(ref.windows(ref.textTokens(longUni, word3), 3).length).toBeGreaterThan(16384);
    expect(ref.windows(ref.textTokens(longUni, char5), 5).length).toBeGreaterThan(16384);
  });

  it('dump (tokenizer and shingle hashes)', () => {
    expectSame(kernelDump(longAscii, word3, 1), ref.wideShingleHashes(longAscii, word3, 1), 'word 3:');
    expectSame(kernelDump(longUni, char5, 1), ref.wideShingleHashes(longUni, char5, 1), 'char 5:');
    expectSame(kernelDump(longUni, word3, 1), ref.wideShingleHashes(longUni, word3, 1), 'unicode word 3:');
  });

  const cases: [string, Algorithm, number, ShingleCfg][] = [
    ['fast 128 word', 'fast', 128, word3],
    ['fast 8192 word (second batch stops at stopRound)', 'fast', 8192, word3],
    ['fast 256 char unicode', 'fast', 256, char5],
    ['classic 128 word', 'classic', 128, word3],
    ['classic 33 char unicode', 'classic', 33, char5],
    ['datasketch 16 word', 'datasketch', 16, word3],
    ['datasketch 5 char unicode', 'datasketch', 5, char5],
  ];
  for (const [name, algorithm, numPerm, shingle] of cases) {
    it(name, () => {
      const text = shingle.unit === 'word' ? longAscii : longUni;
      const got = new MinHasher({ algorithm, numPerm, shingle }).sign(text);
      const want = ref.refSign(text, { algorithm, numPerm, seed: 1, shingle });
      expectSame(got, want);
    });
  }

  it('fast: a first batch of one repeated shingle, then distinct ones (later batches run per-bin rounds)', () => {
    const text = 'a '.repeat(20000) + longAscii.slice(0, 100_000);
    for (const numPerm of [300, 1024]) {
      const got = new MinHasher({ numPerm, shingle: word3 }).sign(text);
      expectSame(got, ref.refSign(text, { algorithm: 'fast', numPerm, seed: 1, shingle: word3 }), `numPerm ${numPerm}:`);
    }
    // One element fills the first batch (bins filled by per-bin rounds, stopRound near R + T - 1),
    // then one or two new elements: a later batch must run every per-bin round up to stopRound.
    for (const [tail, numPerm] of [[['B'], 7], [['B'], 300], [['B', 'C'], 64], [['B', 'C', 'D'], 1000]] as [string[], number][]) {
      const few = [...new Array<string>(16384).fill('A'), ...tail];
      expectSame(new MinHasher({ numPerm }).signShingles(few), ref.refSignShingles(few, { algorithm: 'fast', numPerm, seed: 1 }), `tail ${tail} numPerm ${numPerm}:`);
    }
    const sh = [...new Array<string>(17000).fill('same'), ...Array.from({ length: 20000 }, (_, i) => `s${i}`), 'same'];
    expectSame(new MinHasher({ numPerm: 700 }).signShingles(sh), ref.refSignShingles(sh, { algorithm: 'fast', numPerm: 700, seed: 1 }));
  });

  it('SimHash word and char', () => {
    for (const [text, shingle] of [[longAscii, word3], [longUni, char5]] as const) {
      expect(new SimHasher({ shingle }).fingerprint(text)).toBe(ref.refFingerprint(text, { seed: 1, shingle }));
    }
  });
});
