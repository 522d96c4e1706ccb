// Parallel signing (issue 4): SignPool on every core vs MinHasher.signBatch on one, same process,
// same prompts; checks the signatures are identical. Medians of 3 runs.
//   node bench/parallel.bench.mjs [--n 1000000] [--workers 2]
import { parseArgs } from "node:util";
import { availableParallelism } from "node:os";
import { makeCorpus } from "./corpus.mjs";
import { initSync, MinHasher } from "../dist/index.js";
import { SignPool } from "../dist/node.js";

const { values } = parseArgs({ options: { n: { type: "string", default: "1000000" }, workers: { type: "string", default: String(availableParallelism()) } } });
const N = Number(values.n), W = Number(values.workers);
initSync();
const texts = makeCorpus(N, 77);
const h = new MinHasher();
const pool = new SignPool({}, { workers: W });
await pool.signBatch(texts.slice(0, 10000)); // warm the workers up
const med = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const one = [], par = [];
let a, b;
for (let r = 0; r < 3; r++) {
  let t0 = performance.now(); a = h.signBatch(texts); one.push(performance.now() - t0);
  t0 = performance.now(); b = await pool.signBatch(texts); par.push(performance.now() - t0);
}
await pool.close();
let same = a.length === b.length;
for (let i = 0; same && i < a.length; i++) same = a[i] === b[i];
const r1 = N / med(one) * 1000, rp = N / med(par) * 1000;
console.log(`| signing ${N.toLocaleString()} prompts | prompts/s (median of 3) |\n|---|---:|`);
console.log(`| MinHasher.signBatch, one thread | ${Math.round(r1).toLocaleString()} |`);
console.log(`| SignPool, ${W} workers | ${Math.round(rp).toLocaleString()} |`);
console.log(`\nspeed-up ${(rp / r1).toFixed(2)}x (target >= 1.7x on 2 cores); identical signatures: ${same}`);
if (!same) process.exitCode = 1;
