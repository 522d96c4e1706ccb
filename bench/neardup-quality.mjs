// Near-duplicate mode vs exact Jaccard-threshold clustering (issue 3): on a 5,000-prompt sample
// with planted families of edited copies (true Jaccard spread across the threshold), the exact
// clusters are the connected components of all pairs with Jaccard(word 3-gram sets) >= threshold,
// found by brute force (prefix filtering, Chaudhuri, Ganti, Kaushik, ICDE 2006, makes it fast and
// stays exact). Reports pairwise precision and recall of cluster(..., 'near-duplicate').
//   node bench/neardup-quality.mjs [--n 5000] [--threshold 0.8]
import { parseArgs } from "node:util";
import { makeCorpus, makeRng } from "./corpus.mjs";
import { initSync, cluster, shingles } from "../dist/index.js";

const { values } = parseArgs({ options: { n: { type: "string", default: "5000" }, threshold: { type: "string", default: "0.8" }, seed: { type: "string", default: "5" } } });
const N = Number(values.n), T = Number(values.threshold);
initSync();

/** n prompts: 60% originals, 40% edited copies (1 to 12 word substitutions/insertions/deletions). */
export function sample(n, seed) {
  const rng = makeRng(seed);
  const originals = makeCorpus(Math.ceil(n * 0.6), seed);
  const out = originals.slice();
  while (out.length < n) {
    const src = originals[Math.floor(rng.next() * originals.length)].split(" ");
    const edits = 1 + Math.floor(rng.next() * 12);
    for (let e = 0; e < edits; e++) {
      const i = Math.floor(rng.next() * src.length);
      const r = rng.next();
      if (r < 0.4) src[i] = "edit" + Math.floor(rng.next() * 1e6);
      else if (r < 0.7) src.splice(i, 0, "ins" + Math.floor(rng.next() * 1e6));
      else if (src.length > 5) src.splice(i, 1);
    }
    out.push(src.join(" "));
  }
  return out;
}

function fnv(s) { let h = 0x811c9dc5; for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193); return h >>> 0; }

const texts = sample(N, Number(values.seed));
const sets = texts.map((t) => Uint32Array.from(new Set(shingles(t).map(fnv))).sort());
// global order: rarest first
const freq = new Map();
for (const s of sets) for (const x of s) freq.set(x, (freq.get(x) ?? 0) + 1);
const ordered = sets.map((s) => Array.from(s).sort((a, b) => freq.get(a) - freq.get(b) || a - b));
const postings = new Map();
const parent = Int32Array.from({ length: N }, (_, i) => i);
const find = (x) => { while (parent[x] !== x) { parent[x] = parent[parent[x]]; x = parent[x]; } return x; };
let truePairsChecked = 0;
for (let i = 0; i < N; i++) {
  const a = sets[i];
  const p = a.length - Math.ceil(T * a.length - 1e-9) + 1;
  const seen = new Set();
  for (let k = 0; k < p && k < ordered[i].length; k++) {
    const x = ordered[i][k];
    for (const j of postings.get(x) ?? []) {
      if (seen.has(j)) continue;
      seen.add(j);
      const b = sets[j];
      let u = 0, v = 0, inter = 0;
      while (u < a.length && v < b.length) { if (a[u] === b[v]) { inter++; u++; v++; } else if (a[u] < b[v]) u++; else v++; }
      truePairsChecked++;
      if (inter / (a.length + b.length - inter) >= T) parent[find(i)] = find(j);
    }
    (postings.get(x) ?? postings.set(x, []).get(x)).push(i);
  }
}
const truth = Array.from({ length: N }, (_, i) => find(i));
const pred = cluster(texts, { mode: "near-duplicate", threshold: T }).labels;
// pairwise counts from the contingency table
const pairs = (m) => { let s = 0; for (const c of m.values()) s += (c * (c - 1)) / 2; return s; };
const count = (keys) => { const m = new Map(); for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1); return m; };
const both = pairs(count(truth.map((t, i) => t + ":" + pred[i])));
const tp = pairs(count(truth)), pp = pairs(count(Array.from(pred)));
console.log(`near-duplicate mode vs exact Jaccard >= ${T} components, ${N} prompts (${truePairsChecked.toLocaleString()} candidate pairs checked exactly)`);
console.log(`true same-cluster pairs ${tp}, predicted ${pp}, both ${both}`);
console.log(`pairwise precision ${(both / pp).toFixed(4)}, recall ${(both / tp).toFixed(4)}`);
