// Statistical accuracy of the Jaccard estimate (issue 2): for set sizes 10, 60 and 300 and true
// Jaccard 0.2, 0.5 and 0.8, over 2,000 random pairs each, the mean error must be within 3 standard
// errors of zero and the variance at most 15% above classic MinHash's J(1-J)/numPerm (the
// estimator may be better than classic: 'fast' samples bins without replacement within a round).
import { describe, it, expect, beforeAll } from "vitest";
import { initSync, MinHasher, jaccard } from "../src/index";

const PAIRS = 2000;
const NUM_PERM = 128;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Stats { trueJ: number; mean: number; se: number; varRatio: number }

/** |A| = |B| = size with |A ∩ B| = c chosen so that c / (2 size - c) is closest to `j`. */
function measure(h: MinHasher, size: number, j: number, seed: number): Stats {
  const rnd = mulberry32(seed);
  const c = Math.round((2 * size * j) / (1 + j));
  const trueJ = c / (2 * size - c);
  let sum = 0;
  let sq = 0;
  for (let p = 0; p < PAIRS; p++) {
    const tag = Math.floor(rnd() * 2 ** 32).toString(36) + p.toString(36);
    const common = Array.from({ length: c }, (_, i) => `${tag}|c${i}`);
    const a = common.concat(Array.from({ length: size - c }, (_, i) => `${tag}|a${i}`));
    const b = common.concat(Array.from({ length: size - c }, (_, i) => `${tag}|b${i}`));
    const err = jaccard(h.signShingles(a), h.signShingles(b)) - trueJ;
    sum += err;
    sq += err * err;
  }
  const mean = sum / PAIRS;
  const variance = (sq - PAIRS * mean * mean) / (PAIRS - 1);
  return { trueJ, mean, se: Math.sqrt(variance / PAIRS), varRatio: variance / ((trueJ * (1 - trueJ)) / NUM_PERM) };
}

describe("Jaccard estimate accuracy (2,000 pairs per cell)", () => {
  beforeAll(() => initSync());

  for (const algorithm of ["fast", "classic"] as const) {
    for (const size of [10, 60, 300]) {
      for (const j of [0.2, 0.5, 0.8]) {
        it(`${algorithm}: ${size} shingles, J ≈ ${j}: unbiased, variance <= 1.15 J(1-J)/numPerm`, () => {
          const h = new MinHasher({ algorithm, numPerm: NUM_PERM, seed: 7 });
          const s = measure(h, size, j, size * 1000 + j * 10);
          expect(Math.abs(s.mean)).toBeLessThanOrEqual(3 * s.se);
          expect(s.varRatio).toBeLessThanOrEqual(1.15);
          // A variance far below theory would mean the slots are not samples of the sets at all.
          expect(s.varRatio).toBeGreaterThan(algorithm === "classic" ? 0.85 : 0.3);
        });
      }
    }
  }
});
