// Jaccard estimate accuracy of each MinHash algorithm (the same measurement as
// test/accuracy.test.ts, printed as a table): 2,000 random pairs of shingle sets per cell,
// |A| = |B| = size, true Jaccard near 0.2 / 0.5 / 0.8, numPerm 128.
//   node bench/accuracy.mjs [--pairs 2000]
import { parseArgs } from "node:util";
import { initSync, MinHasher, jaccard } from "../dist/index.js";

const { values } = parseArgs({ options: { pairs: { type: "string", default: "2000" } } });
const PAIRS = Number(values.pairs);
const NUM_PERM = 128;
initSync();

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rows = [];
for (const size of [10, 60, 300]) {
  for (const j of [0.2, 0.5, 0.8]) {
    const c = Math.round((2 * size * j) / (1 + j));
    const trueJ = c / (2 * size - c);
    const row = { size, trueJ };
    for (const algorithm of ["fast", "classic", "datasketch"]) {
      const h = new MinHasher({ algorithm, numPerm: NUM_PERM, seed: 7 });
      const rnd = mulberry32(size * 1000 + j * 10);
      let sum = 0, sq = 0;
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
      row[algorithm] = { z: mean / Math.sqrt(variance / PAIRS), ratio: variance / ((trueJ * (1 - trueJ)) / NUM_PERM) };
    }
    rows.push(row);
  }
}
const f = (r) => `${r.z >= 0 ? "+" : ""}${r.z.toFixed(2)} SE, ${r.ratio.toFixed(2)}×`;
console.log(`| shingles per set | true J | 'fast' bias, variance / J(1-J)/128 | 'classic' | 'datasketch' |`);
console.log(`|---:|---:|---|---|---|`);
for (const r of rows) console.log(`| ${r.size} | ${r.trueJ.toFixed(3)} | ${f(r.fast)} | ${f(r.classic)} | ${f(r.datasketch)} |`);
console.log(`\n(${PAIRS} pairs per cell; bias as mean error in standard errors; node bench/accuracy.mjs)`);
