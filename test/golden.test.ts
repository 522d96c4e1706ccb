// Golden vectors from Python datasketch 1.10 (test/fixtures/datasketch-golden.json, produced by
// datasketch itself; see /shared/fixtures/README.md). Pinned forever: a change here is a break.
import { describe, it, expect, beforeAll } from "vitest";
import { readFileSync } from "node:fs";
import { initSync, MinHasher, jaccard, shingles } from "../src/index";
import { kernel } from "../src/kernel";

interface GoldenCase { text: string; shingles: string[]; shingle_sha1_hash32: number[]; hashvalues: number[] }
const golden = JSON.parse(readFileSync(new URL("./fixtures/datasketch-golden.json", import.meta.url), "utf8")) as {
  cases: GoldenCase[];
  jaccard_estimates: { i: number; j: number; datasketch_jaccard: number; exact_jaccard: number }[];
  permutations_seed1: { a: string[]; b: string[] };
};

for (const simd of [true, false]) {
  describe(`datasketch compatibility (${simd ? "SIMD" : "scalar"} build)`, () => {
    beforeAll(() => initSync({ simd }));

    it("signShingles equals datasketch's hashvalues for every golden case (numPerm 128, seed 1)", () => {
      expect(kernel().simd).toBe(simd);
      const h = new MinHasher({ algorithm: "datasketch", numPerm: 128, seed: 1 });
      for (const c of golden.cases) {
        expect(Array.from(h.signShingles(c.shingles)), c.text).toEqual(c.hashvalues);
      }
    });

    it("Uint8Array shingles hash the same as their UTF-8 strings", () => {
      const h = new MinHasher({ algorithm: "datasketch" });
      const enc = new TextEncoder();
      for (const c of golden.cases) {
        expect(Array.from(h.signShingles(c.shingles.map((s) => enc.encode(s))))).toEqual(c.hashvalues);
      }
    });

    it("a single shingle's signature is each slot's permutation of its SHA-1 hash (checks the 256 permutations)", () => {
      const h = new MinHasher({ algorithm: "datasketch", numPerm: 256 });
      const P = (1n << 61n) - 1n;
      const M64 = (1n << 64n) - 1n;
      for (const c of golden.cases.slice(0, 4)) {
        if (c.shingles.length === 0) continue;
        const hv = BigInt(c.shingle_sha1_hash32[0]);
        const sig = h.signShingles([c.shingles[0]]);
        const want = golden.permutations_seed1.a.map((a, k) =>
          Number(((((BigInt(a) * hv + BigInt(golden.permutations_seed1.b[k])) & M64) % P) & 0xffffffffn)));
        expect(Array.from(sig)).toEqual(want);
      }
    });

    it("numPerm 128 signatures are the first 128 slots of numPerm 256 ones (same permutation stream)", () => {
      const h128 = new MinHasher({ algorithm: "datasketch", numPerm: 128 });
      const h256 = new MinHasher({ algorithm: "datasketch", numPerm: 256 });
      for (const c of golden.cases) {
        expect(Array.from(h256.signShingles(c.shingles).subarray(0, 128))).toEqual(c.hashvalues);
        expect(Array.from(h128.signShingles(c.shingles))).toEqual(c.hashvalues);
      }
    });

    it("jaccard reproduces datasketch's estimates exactly", () => {
      const h = new MinHasher({ algorithm: "datasketch" });
      for (const e of golden.jaccard_estimates) {
        const a = h.signShingles(golden.cases[e.i].shingles);
        const b = h.signShingles(golden.cases[e.j].shingles);
        expect(jaccard(a, b)).toBe(e.datasketch_jaccard);
      }
    });

    it("sign(text) equals signShingles(shingles(text)) (our tokenizer, datasketch's hashing)", () => {
      const h = new MinHasher({ algorithm: "datasketch" });
      for (const c of golden.cases) {
        expect(Array.from(h.sign(c.text)), c.text).toEqual(Array.from(h.signShingles(shingles(c.text))));
      }
    });

    it("where our shingles equal datasketch's (lowercase, space-separated words), sign(text) equals datasketch", () => {
      const h = new MinHasher({ algorithm: "datasketch" });
      let compared = 0;
      for (const c of golden.cases) {
        const ours = shingles(c.text);
        const same = c.shingles.length >= 1 && ours.length === new Set(ours).size &&
          JSON.stringify(ours) === JSON.stringify(c.shingles);
        if (!same) continue;
        compared++;
        expect(Array.from(h.sign(c.text)), c.text).toEqual(c.hashvalues);
      }
      expect(compared).toBeGreaterThanOrEqual(8);
    });
  });
}
