// The template miner's batch tokenizer in WebAssembly (assembly/miner.ts) against the TypeScript
// one it copies (tokenizeText in src/template.ts): the same token hashes and counts for every text.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { initSync, loadedKernel } from "../src/kernel.js";
import { tokenizeForTest, blockKeysForTest, blockSupportsForTest, packTexts, tokenizeBlock, Buf, Scratch, Partition } from "../src/template.js";

initSync();

/** Characters every branch of the tokenizer looks at: letters, digits, spaces, brackets, key separators, punctuation. */
const ALPHABET = [..."aAbBzZmM09 \t\n\r.,;:!?)]\"'(-[_=<>{}/\\#@*+|~`^&%$"];
/** ... and what normalized text outside ASCII holds: accents, ’ (inside a word), wide spaces,
 * NFKC-folded full-width letters, Cyrillic, CJK, an emoji (two UTF-16 units). */
const WIDE = [...ALPHABET, "é", "ß", "’", "\u00a0", "\u2003", "\u3000", "\u0085", "ｆ", "Ａ", "д", "Ж", "漢", "字", "😀", "\u200b"];
const textArb = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 60 }).map((a) => a.join(""));
const wideArb = fc.array(fc.constantFrom(...WIDE), { maxLength: 60 }).map((a) => a.join(""));

function expectSame(texts: string[]): void {
  const wasm = tokenizeForTest(texts, true), js = tokenizeForTest(texts, false);
  expect(Array.from(wasm.counts)).toEqual(Array.from(js.counts));
  expect(Array.from(wasm.toks)).toEqual(Array.from(js.toks));
}

describe("minerTokens (WebAssembly) agrees with the TypeScript tokenizer", () => {
  it("on hand-made texts that reach each rule", () => {
    expectSame([
      "", " ", "   \t\n ", "a", "A", "Hello, World!", "hello world", "(hello) [x] \"q\" 'it's' don't",
      "user=alice ret:false overlap:true, x:=y ns::name scheme://host a:b,c a:b;c;d",
      "() [] {} <> \"\" '' (x) <br> com.example.Error: at java.lang.Thread.run(Thread.java:745)",
      "id 1234 v2 3.14 0x1f key_name=value key.sub-part=9 -flag --long-flag",
      "Translate into French: The quick brown fox. TL;DR: tl;dr", "end.\" (start \"mid\") ok?!",
      "a.b.c. a- -a a-b a'b a' 'a", "x".repeat(5000), "word ".repeat(3000),
    ]);
  });

  it("on random texts of those characters (fast-check)", () => {
    fc.assert(fc.property(fc.array(textArb, { maxLength: 40 }), (texts) => { expectSame(texts); }), { numRuns: 300 });
  });

  it("on random texts outside ASCII (fast-check; normalized, then tokenized as UTF-8)", () => {
    fc.assert(fc.property(fc.array(wideArb, { maxLength: 40 }), (texts) => { expectSame(texts); }), { numRuns: 300 });
  });

  it("on texts outside ASCII that reach each rule, and lone surrogates (the TypeScript path)", () => {
    expectSame([
      "Café, número 12: ｆｕｌｌ width and\u00a0nbsp", "l’homme d’affaires", "ПРИВЕТ мир: ключ=значение",
      "(«quoted» text) [漢字] \u3000 ideographic space", "emoji 😀 inside wor😀d and at end 😀",
      "key:значение a:b, c:д; ümlaut=ö", "\u2003leading and trailing wide spaces\u2003", "lone \ud800 high and low \udc00 here",
      "(\u00a0) ( ) (é) \"\u2028\" x\u0085y", "Straße ΣΊΣΥΦΟΣ ǅ ﬁ ①②",
    ]);
  });

  it("across batches, with non-ASCII and very long texts in between", () => {
    const texts: string[] = [];
    for (let i = 0; i < 12000; i++) {
      texts.push(i % 97 === 0 ? `Café número ${i}: ｆｕｌｌ width and\u00a0nbsp` : i % 1001 === 0 ? "long text ".repeat(60000)
        : `Prompt ${i}: explain step by step how to item-${i % 13} the thing, key=${i} (see [note]).`);
    }
    expectSame(texts);
  });

  it("rejects a text that is not a string, naming it", () => {
    expect(() => tokenizeForTest(["ok", 5 as unknown as string], true)).toThrow(/texts\[1\] must be a string/);
  });
});

// The n-gram keys of batch pass 1 (minerKeys in assembly/miner.ts) against blockKeys's TypeScript
// loop: the same distinct keys of each text, in the same order, and the same 3-gram of every position.
function expectSameKeys(counts: number[], tokens: number[]): void {
  const pool = Uint32Array.from(tokens), c = Int32Array.from(counts);
  for (const two of [true, false]) {
    const wasm = blockKeysForTest(pool, c, two, true), js = blockKeysForTest(pool, c, two, false);
    if (two) expect(wasm.keys.length).toBeGreaterThanOrEqual(counts.length); // (every text has a 2-gram, BOS EOS at least)
    expect(Array.from(wasm.keys)).toEqual(Array.from(js.keys));
    if (two) expect(wasm.all).toBeNull();
    else expect(Array.from(wasm.all!)).toEqual(Array.from(js.all!));
  }
}

describe("minerKeys (WebAssembly) agrees with blockKeys's TypeScript loop", () => {
  it("on the tokens of real texts, with empty, one-token, repetitive and very long texts", () => {
    const texts = ["", "one", "two words", "the the the the the", "a b a b a b a b c", "x ".repeat(300000),
      ...Array.from({ length: 5000 }, (_, i) => `Prompt ${i}: explain step by step how to item-${i % 13} the thing (see note ${i % 7}).`)];
    const { toks, counts } = tokenizeForTest(texts, true);
    expectSameKeys(Array.from(counts), Array.from(toks));
  });

  it("on random token streams over a small alphabet, so keys repeat within texts (fast-check)", () => {
    // token hashes include 0, 1 and 2 and values whose n-gram hash may be anything
    const textArb2 = fc.array(fc.constantFrom(0, 1, 2, 3, 0x5bd1e995, 0xffffffff, 12345), { maxLength: 30 });
    fc.assert(fc.property(fc.array(textArb2, { minLength: 1, maxLength: 30 }), (texts) => {
      expectSameKeys(texts.map((t) => t.length), texts.flat());
    }), { numRuns: 300 });
  });
});

// Batch pass 2's supports (minerPairs and minerSpecific in assembly/miner.ts, around the 2-gram
// lookups) against blockSupports's TypeScript loops: the same support at every position and the
// same `recurring` flags, under tables whose counts are drawn from each key (so a key repeated
// anywhere has one count), with both outcomes of the specificity test present.
function expectSameSupports(counts: number[], tokens: number[], spread: number): void {
  const pool = Uint32Array.from(tokens), c = Int32Array.from(counts);
  const countOf = (k: number) => (Math.imul(k ^ (k >>> 15), 0x2c1b3c6d) >>> 0) % spread; // 0: not in the table
  const grams = new Map<number, number>(), pairs = new Map<number, number>();
  for (const k of blockKeysForTest(pool, c, false, false).all!) if (countOf(k) > 0) grams.set(k, countOf(k));
  for (const k of blockKeysForTest(pool, c, true, false).keys) if (countOf(k ^ 0x55) > 0) pairs.set(k, countOf(k ^ 0x55) * 2);
  const wasm = blockSupportsForTest(pool, c, grams, pairs, 3, true), js = blockSupportsForTest(pool, c, grams, pairs, 3, false);
  expect(Array.from(wasm.supports)).toEqual(Array.from(js.supports));
  expect(Array.from(wasm.recurring)).toEqual(Array.from(js.recurring));
}

describe("minerPairs and minerSpecific (WebAssembly) agree with blockSupports's TypeScript loops", () => {
  it("on the tokens of real texts, with empty, one-token, repetitive and very long texts", () => {
    const texts = ["", "one", "two words", "the the the the the", "a b a b a b a b c", "x ".repeat(300000), "y 1 ".repeat(1000),
      ...Array.from({ length: 5000 }, (_, i) => `Prompt ${i}: explain step by step how to item-${i % 13} the thing (see note ${i % 7}).`)];
    const { toks, counts } = tokenizeForTest(texts, true);
    expectSameSupports(Array.from(counts), Array.from(toks), 12);
    // (both outcomes of the specificity test, and texts on both sides of the recurring line)
    const pool = toks, c = counts, grams = new Map<number, number>(), pairs = new Map<number, number>();
    for (const k of blockKeysForTest(pool, c, false, false).all!) grams.set(k, 5);
    const keys2 = blockKeysForTest(pool, c, true, false).keys;
    keys2.forEach((k, i) => pairs.set(k, i % 3 === 0 ? 40 : 5));
    const { supports, recurring } = blockSupportsForTest(pool, c, grams, pairs, 3, true);
    const kept = supports.filter((v) => v > 0).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(supports.length);
    expect(recurring.includes(1)).toBe(true);
    expect(recurring[0]).toBe(0); // (the empty text)
  });

  it("on random token streams with masked tokens, so keys repeat and plainness varies (fast-check)", () => {
    const textArb2 = fc.array(fc.constantFrom(0, 1, 2, 3, 0x5bd1e995, 0xffffffff, 12345), { maxLength: 30 });
    fc.assert(fc.property(fc.array(textArb2, { minLength: 1, maxLength: 30 }), fc.integer({ min: 2, max: 30 }), (texts, spread) => {
      expectSameSupports(texts.map((t) => t.length), texts.flat(), spread);
    }), { numRuns: 300 });
  });
});

// The worker thread of `cluster` gets ASCII texts as bytes in shared memory (packTexts) and the
// rest as strings: the same tokens as from the strings.
describe("tokenizeBlock over packed texts", () => {
  it("gives the tokens of the strings, with texts outside ASCII, lone surrogates, empty and very long texts among them", () => {
    const texts = ["", "plain ascii text, key=value (x)", "Café número 12: ｆｕｌｌ", "", "lone \ud800 surrogate", "x y ".repeat(200000) + "end",
      "l’homme", ...Array.from({ length: 3000 }, (_, i) => (i % 7 === 0 ? `naïve ${i}` : `prompt ${i}: explain how to item-${i % 13}`)), ""];
    const plain = tokenizeForTest(texts, true);
    const shared = new Uint8Array(new SharedArrayBuffer(16));
    let grown = 0;
    const { packed, others } = packTexts(texts, 0, texts.length, (n) => { grown++; return new Uint8Array(new SharedArrayBuffer(n)); }, shared);
    expect(grown).toBe(1);
    expect(others.map(([i]) => i)).toEqual(texts.flatMap((t, i) => (/^[\x00-\x7f]*$/.test(t) ? [] : [i])));
    // the worker sees only the strings of the texts that are not ASCII
    const arr: string[] = new Array(texts.length);
    for (const [i, s] of others) arr[i] = s;
    const out = new Buf(), counts = new Int32Array(texts.length);
    tokenizeBlock(arr, 0, texts.length, out, counts, new Scratch(), packed);
    expect(Array.from(counts)).toEqual(Array.from(plain.counts));
    expect(Array.from(out.a.subarray(0, out.n))).toEqual(Array.from(plain.toks));
  });
});

describe("minerSort (WebAssembly) agrees with Partition's TypeScript radix sort", () => {
  /** Keys with few distinct top-22-bit prefixes and repeats, so that stability and runs matter. */
  function keysOf(n: number, seed: number, distinct: number): Uint32Array {
    const pool = new Uint32Array(distinct);
    let s = seed >>> 0;
    const next = (): number => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s; };
    // pairs of keys that share their top 22 bits and differ below, so equal keys can interleave
    for (let i = 0; i < distinct; i++) pool[i] = i % 2 === 1 ? (pool[i - 1] ^ (1 + (next() & 1023))) >>> 0 : next() || 1;
    const keys = new Uint32Array(n);
    for (let i = 0; i < n; i++) keys[i] = pool[next() % distinct];
    return keys;
  }
  for (const [n, distinct] of [[4096, 50], [10_000, 3000], [70_000, 70_000], [200_000, 5000]] as const) {
    it(`${n} keys of ${distinct} values: the same order, indexes, runs and scatter`, () => {
      const keys = keysOf(n, n + distinct, distinct);
      const kernel = loadedKernel();
      expect(kernel).not.toBeNull();
      const a = new Partition(), b = new Partition();
      const ra = a.runs(keys, n, true, kernel), ia = Array.from(a.outIdx);
      expect(a.runKeys.buffer).toBe(kernel!.exports.memory.buffer); // (sorted in the kernel indeed)
      const rb = b.runs(keys, n, true, null), ib = Array.from(b.outIdx);
      // the same order: the same input index at every sorted position
      expect(ia).toEqual(ib);
      expect(ib.length).toBe(n);
      const kb = ib.map((i) => keys[i]);
      // sorted by the top 22 bits, and stable: equal prefixes keep input order
      for (let i = 1; i < n; i++) {
        expect(kb[i - 1] >>> 10 <= kb[i] >>> 10).toBe(true);
        if (kb[i - 1] >>> 10 === kb[i] >>> 10) expect(ib[i - 1] < ib[i]).toBe(true);
      }
      // the same runs, and they are the sorted keys with equal neighbours folded
      expect(ra).toBe(rb);
      expect(Array.from(a.runKeys)).toEqual(Array.from(b.runKeys));
      expect(Array.from(a.runCounts)).toEqual(Array.from(b.runCounts));
      const unfolded: number[] = [];
      for (let j = 0; j < rb; j++) {
        if (j > 0) expect(b.runKeys[j]).not.toBe(b.runKeys[j - 1]);
        for (let c = 0; c < b.runCounts[j]; c++) unfolded.push(b.runKeys[j]);
      }
      expect(unfolded).toEqual(kb);
      // without indexes, the same runs
      expect(a.runs(keys, n, false, kernel)).toBe(rb);
      expect(Array.from(a.runKeys)).toEqual(Array.from(b.runKeys));
      expect(Array.from(a.runCounts)).toEqual(Array.from(b.runCounts));
      // runs with indexes, then a value a run written back to every key's input position
      for (const [part, kern] of [[a, kernel], [b, null]] as const) {
        const nr = part.runs(keys, n, true, kern);
        expect(nr).toBe(rb);
        for (let r = 0; r < nr; r++) part.runKeys[r] = (part.runKeys[r] % 1000) + 1;
        const out = new Int32Array(n + 7).fill(-1);
        part.scatter(out);
        for (let i = 0; i < n; i++) if (out[i] !== (keys[i] % 1000) + 1) expect([i, out[i]]).toEqual([i, (keys[i] % 1000) + 1]);
        expect(Array.from(out.subarray(n))).toEqual(new Array(7).fill(-1));
      }
      // the keys passed in are left as they were
      expect(Array.from(keys)).toEqual(Array.from(keysOf(n, n + distinct, distinct)));
    });
  }

  it("sorts large blocks in a kernel instance of its own, so the shared kernel's memory does not grow", () => {
    const shared = loadedKernel()!, before = shared.exports.memory.buffer.byteLength;
    const n = 1_000_000, keys = keysOf(n, 99, 400_000);
    const own = new Partition(), plain = new Partition();
    const runs = own.runs(keys, n, true);
    expect(own.runKeys.buffer).not.toBe(shared.exports.memory.buffer);
    // (a kernel's memory, with room for the keys and three scratch words a key; the TypeScript
    // sort's arrays are 4 bytes a key)
    expect(own.runKeys.buffer.byteLength).toBeGreaterThanOrEqual(16 * n);
    expect(runs).toBe(plain.runs(keys, n, true, null));
    expect(Array.from(own.outIdx)).toEqual(Array.from(plain.outIdx));
    expect(Array.from(own.runKeys)).toEqual(Array.from(plain.runKeys));
    // 16 MB of keys and scratch went into the Partition's own instance, not the shared one
    expect(shared.exports.memory.buffer.byteLength).toBe(before);
  });
});
