// Bad input gets a clear error and never corrupts state; memory stops growing.
import { describe, it, expect, beforeAll } from "vitest";
import { init, initSync, MinHasher, SimHasher, jaccard, hamming, tokens, shingles, normalizeText, optimalParams } from "../src/index";
import { kernel } from "../src/kernel";

beforeAll(() => initSync());

const notStrings: unknown[] = [undefined, null, 42, 1n, {}, ["a"], Symbol("s"), new Uint8Array(2), () => "x"];

describe("non-string text", () => {
  const h = new MinHasher();
  const s = new SimHasher();
  it("is a TypeError naming the argument, in every entry point", () => {
    for (const bad of notStrings) {
      expect(() => h.sign(bad as string)).toThrow(/text must be a string/);
      expect(() => h.sign(bad as string)).toThrow(TypeError);
      expect(() => h.signInto(bad as string, new Uint32Array(128))).toThrow(TypeError);
      expect(() => s.fingerprint(bad as string)).toThrow(/text must be a string/);
      expect(() => tokens(bad as string)).toThrow(TypeError);
      expect(() => normalizeText(bad as string)).toThrow(TypeError);
      expect(() => h.signBatch(["ok", bad as string])).toThrow(/texts\[1\] must be a string/);
      expect(() => s.fingerprintBatch(["ok", "fine", bad as string])).toThrow(/texts\[2\] must be a string/);
    }
    expect(() => h.signBatch("abc" as unknown as string[])).toThrow(/texts must be an array/);
    expect(() => h.signShingles([1 as unknown as string])).toThrow(/shingles\[0\] must be a string or Uint8Array/);
  });
  it("leaves the hasher working with the same results", () => {
    const before = Array.from(h.sign("the same prompt every time"));
    expect(() => h.sign(42 as unknown as string)).toThrow();
    expect(() => h.signBatch(["x", 3 as unknown as string])).toThrow();
    expect(Array.from(h.sign("the same prompt every time"))).toEqual(before);
  });
});

describe("options out of range", () => {
  it("numPerm: RangeError naming [1, 8192]", () => {
    for (const numPerm of [0, -1, 8193, 1.5, NaN, Infinity, "128"]) {
      expect(() => new MinHasher({ numPerm: numPerm as number })).toThrow(/numPerm must be an integer in \[1, 8192\]/);
    }
    expect(() => new MinHasher({ numPerm: 0 })).toThrow(RangeError);
  });
  it("seed: RangeError naming [0, 4294967295]", () => {
    for (const seed of [-1, 2 ** 32, 0.5, NaN]) {
      expect(() => new MinHasher({ seed })).toThrow(/seed must be an integer in \[0, 4294967295\]/);
      expect(() => new SimHasher({ seed })).toThrow(RangeError);
    }
    expect(new MinHasher({ seed: 2 ** 32 - 1 }).seed).toBe(4294967295);
  });
  it("unknown algorithm, unit or option names say what is valid", () => {
    expect(() => new MinHasher({ algorithm: "md5" as "fast" })).toThrow(/'fast', 'classic' or 'datasketch'/);
    expect(() => new MinHasher({ shingle: { unit: "line" as "word" } })).toThrow(/'word' or 'char'/);
    expect(() => new MinHasher({ numPerms: 64 } as object)).toThrow(/unknown option 'numPerms'/);
    expect(() => new MinHasher({ shingle: { size: 0 } })).toThrow(/size must be an integer in \[1, 64\]/);
    expect(() => new MinHasher({ shingle: { normalize: "yes" as unknown as boolean } })).toThrow(TypeError);
    expect(() => new MinHasher(5 as unknown as object)).toThrow(/options must be an object/);
  });
});

describe("jaccard and hamming", () => {
  it("jaccard of different lengths is an error saying why (as datasketch does)", () => {
    expect(() => jaccard(new Uint32Array(128), new Uint32Array(64))).toThrow(/different numbers of permutation functions \(128 vs 64\)/);
    expect(() => jaccard(new Uint32Array(0), new Uint32Array(0))).toThrow(RangeError);
    expect(() => jaccard([1, 2] as unknown as Uint32Array, new Uint32Array(2))).toThrow(TypeError);
  });
  it("jaccard is the fraction of equal slots", () => {
    expect(jaccard(Uint32Array.of(1, 2, 3, 4), Uint32Array.of(1, 2, 0, 4))).toBe(0.75);
  });
  it("hamming counts differing bits of 64-bit bigints and rejects anything else", () => {
    expect(hamming(0n, 0xffffffffffffffffn)).toBe(64);
    expect(hamming(0b1011n, 0b0001n)).toBe(2);
    expect(() => hamming(-1n, 0n)).toThrow(/bigint in \[0, 2\^64\)/);
    expect(() => hamming(1 as unknown as bigint, 0n)).toThrow(TypeError);
    expect(() => hamming(0n, 1n << 64n)).toThrow(TypeError);
  });
});

describe("signInto", () => {
  it("checks the output buffer and offset, naming expected and actual sizes", () => {
    const h = new MinHasher({ numPerm: 64 });
    expect(() => h.signInto("a b c", new Uint32Array(63))).toThrow(/out has 63 slots but offset 0 \+ 64 are needed/);
    expect(() => h.signInto("a b c", new Uint32Array(100), 40)).toThrow(RangeError);
    expect(() => h.signInto("a b c", new Uint32Array(128), -1)).toThrow(RangeError);
    expect(() => h.signInto("a b c", new Float64Array(64) as unknown as Uint32Array)).toThrow(TypeError);
    const out = new Uint32Array(192).fill(7);
    h.signInto("a b c d", out, 64);
    expect(Array.from(out.subarray(64, 128))).toEqual(Array.from(h.sign("a b c d")));
    expect(out[0]).toBe(7);
    expect(out[128]).toBe(7);
  });
});

describe("defined results for empty and odd input", () => {
  it("the empty string gets the empty-set signature (all 0xFFFFFFFF, as datasketch) and fingerprint 0", () => {
    for (const algorithm of ["fast", "classic", "datasketch"] as const) {
      const h = new MinHasher({ algorithm, numPerm: 33 });
      expect(Array.from(h.sign(""))).toEqual(new Array(33).fill(0xffffffff));
      expect(Array.from(h.sign("  ,,; ..."))).toEqual(new Array(33).fill(0xffffffff));
      expect(Array.from(h.signShingles([]))).toEqual(new Array(33).fill(0xffffffff));
    }
    expect(new SimHasher().fingerprint("")).toBe(0n);
    expect(shingles("")).toEqual([]);
  });
  it("invalid UTF-8 in Uint8Array shingles is hashed as bytes, never decoded", () => {
    const h = new MinHasher();
    const bad = [Uint8Array.of(0xff, 0xfe, 0x80), Uint8Array.of(0xc3), Uint8Array.of(0xed, 0xa0, 0x80)];
    const a = h.signShingles(bad);
    expect(Array.from(h.signShingles(bad))).toEqual(Array.from(a));
    expect(Array.from(h.signShingles([bad[0]]))).not.toEqual(Array.from(h.signShingles([bad[1]])));
  });
  it("a text of only lone surrogates signs like the empty text in word mode; a valid pair is a character", () => {
    const h = new MinHasher();
    expect(Array.from(h.sign("\uDC00\uD800"))).toEqual(Array.from(h.sign("")));
    // U+10000 (a Linear B syllable, a letter) written as a surrogate pair is a word
    expect(tokens("\uD800\uDC00 x\uDFFF")).toEqual(["\u{10000}", "x"]);
  });
});

describe("memory", () => {
  it("does not grow across 100,000 calls of the same size", () => {
    const h = new MinHasher();
    const s = new SimHasher();
    const text = "Translate into French: the weather is nice today and we are going to the beach. ".repeat(4);
    h.sign(text);
    s.fingerprint(text);
    const before = kernel().exports.memory.buffer.byteLength;
    for (let i = 0; i < 50_000; i++) h.sign(text);
    for (let i = 0; i < 50_000; i++) s.fingerprint(text);
    expect(kernel().exports.memory.buffer.byteLength).toBe(before);
  });
  it("a 10 MB prompt works, then memory stops growing", () => {
    const words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"];
    const parts: string[] = [];
    let len = 0;
    for (let i = 0; len < 10_000_000; i++) {
      const w = words[(i * 7919) % 10] + (i % 1000);
      parts.push(w);
      len += w.length + 1;
    }
    const big = parts.join(" ");
    expect(big.length).toBeGreaterThanOrEqual(10_000_000);
    for (const algorithm of ["fast", "classic", "datasketch"] as const) {
      const h = new MinHasher({ algorithm });
      const sig = h.sign(big);
      expect(sig.every((v) => v !== 0xffffffff)).toBe(true);
      // signing is deterministic across the streamed batches
      expect(Array.from(h.sign(big))).toEqual(Array.from(sig));
    }
    const grown = kernel().exports.memory.buffer.byteLength;
    const h = new MinHasher();
    h.sign(big);
    h.signBatch(parts.slice(0, 50_000));
    for (let i = 0; i < 1000; i++) h.sign("short prompt " + i);
    expect(kernel().exports.memory.buffer.byteLength).toBe(grown);
  });
});

describe("init", () => {
  it("is idempotent and async init resolves after initSync", async () => {
    const k = kernel();
    await init();
    await init();
    initSync();
    expect(kernel()).toBe(k);
  });
  it("optimalParams rejects NaN thresholds", () => {
    expect(() => optimalParams(NaN, 128)).toThrow(RangeError);
  });
});
