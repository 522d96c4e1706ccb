// Template mode on the generator's hard cases (bench/prompt-generator.mjs):
//   pairwise F1 over all prompts (truth: same template; organic prompts are their own group),
//   the largest cluster holding an organic prompt (must stay below 5),
//   evasion: campaign prompts rewritten with random case, doubled spaces, zero-width characters and
//   full-width letters must land in their campaign's cluster (>= 99%).
// The generator's templates come in families: 8 frames, each filled with 15 instruction verbs
// ("Given the following passage {P} summarize it ..." / "... proofread it ..."). By default
// (`siblings: 'merge'`) neardup reports a family as one campaign, so F1 is given against both
// truths: per template and per family; `--siblings split` asks for one cluster per template.
// Usage: node bench/template-quality.mjs [--templates 120] [--fills 50] [--organic 3000] [--passages 300] [--siblings merge|split] [--stream]
// (--passages: the pool {P} is drawn from; with 20, a passage fills up to about 300 prompts, up to six times
// as many as each template)
import { makeTemplateBench, evade, makeRng } from './prompt-generator.mjs';

const arg = (name, d) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? Number(process.argv[i + 1]) : d; };
const { initSync, cluster } = await import('../dist/index.js');
initSync();
// what users get: cluster(texts, { mode: 'template' })
const si = process.argv.indexOf('--siblings');
const siblings = si > 0 ? process.argv[si + 1] : 'merge';
const stream = process.argv.includes('--stream'); // the streaming Detector instead of cluster()
const { Detector } = await import('../dist/index.js');
const streamed = (texts) => {
  const d = new Detector({ mode: 'template' });
  const ids = Int32Array.from(texts, (t, i) => d.add(t, { time: i }).clusterId);
  // a prompt's cluster may have merged into another since: follow it through the final clusters
  const now = new Int32Array(texts.length).fill(-1);
  const templates = [];
  for (const c of d.clusters()) { for (const m of c.members) now[m] = templates.length; templates.push(c.template); }
  for (let i = 0; i < texts.length; i++) if (now[i] < 0) { now[i] = templates.length; templates.push(texts[i]); }
  void ids;
  return { labels: now, templates };
};
const mineTemplates = (texts) => { if (stream) return streamed(texts); const r = cluster(texts, { mode: 'template', siblings }); return { labels: r.labels, templates: r.clusters.map((c) => c.template) }; };
const bench = makeTemplateBench({ templates: arg('templates', 120), fills: arg('fills', 50), organic: arg('organic', 3000), passages: arg('passages', 300) });
const { texts, truth, kind } = bench;

// evasion copies of 1,000 campaign prompts, mixed into the same run
const rng = makeRng(99);
const campaign = [];
for (let i = 0; i < texts.length && campaign.length < 1000; i++) if (kind[i] === 'template' && rng.chance(0.2)) campaign.push(i);
const all = texts.concat(campaign.map((i) => evade(texts[i], rng)));

const t0 = performance.now();
const { labels, templates } = mineTemplates(all);
const ms = performance.now() - t0;

// pairwise precision / recall over the original prompts
function pairs(sizes) { let s = 0; for (const n of sizes.values()) s += (n * (n - 1)) / 2; return s; }
const N = texts.length;
function pairF1(truthOf) {
  const byPred = new Map(), byTrue = new Map(), byBoth = new Map();
  for (let i = 0; i < N; i++) {
    const p = labels[i], t = truthOf(i);
    byPred.set(p, (byPred.get(p) ?? 0) + 1);
    byTrue.set(t, (byTrue.get(t) ?? 0) + 1);
    const k = p * 1e6 + (t + 5e5);
    byBoth.set(k, (byBoth.get(k) ?? 0) + 1);
  }
  const tp = pairs(byBoth), pp = pairs(byPred), tt = pairs(byTrue);
  const precision = tp / pp, recall = tp / tt;
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall) };
}
const { precision, recall, f1 } = pairF1((i) => truth[i]);
const fam = pairF1((i) => (truth[i] >= 0 ? bench.families[truth[i]] : truth[i]));

// organic prompts: size of their clusters
const clusterSize = new Map();
for (let i = 0; i < all.length; i++) clusterSize.set(labels[i], (clusterSize.get(labels[i]) ?? 0) + 1);
let worstOrganic = 0, organicIn5 = 0, organic = 0;
for (let i = 0; i < N; i++) if (kind[i] === 'organic') {
  organic++;
  const s = clusterSize.get(labels[i]);
  if (s > worstOrganic) worstOrganic = s;
  if (s >= 5) organicIn5++;
}

// evasion: the campaign's cluster is the most common label of its template
const major = new Map();
for (let i = 0; i < N; i++) if (truth[i] >= 0) {
  const m = major.get(truth[i]) ?? new Map(); major.set(truth[i], m);
  m.set(labels[i], (m.get(labels[i]) ?? 0) + 1);
}
const majorLabel = new Map([...major].map(([t, m]) => [t, [...m].sort((a, b) => b[1] - a[1])[0][0]]));
let kept = 0;
campaign.forEach((i, k) => { if (labels[N + k] === majorLabel.get(truth[i])) kept++; });

const templated = kind.filter((k) => k === 'template').length;
console.log(`prompts: ${N} (${bench.templates.length} templates, ${templated} templated, ${organic} organic) + ${campaign.length} evasions; mined in ${ms.toFixed(0)} ms`);
console.log(stream ? 'streaming Detector (template mode)' : `cluster(), siblings: '${siblings}'`);
console.log(`pairwise, truth = template: precision ${precision.toFixed(4)}  recall ${recall.toFixed(4)}  F1 ${f1.toFixed(4)}  (target >= 0.95)`);
console.log(`pairwise, truth = family:   precision ${fam.precision.toFixed(4)}  recall ${fam.recall.toFixed(4)}  F1 ${fam.f1.toFixed(4)}`);
console.log(`organic prompts in clusters of 5+: ${organicIn5}; largest cluster with an organic prompt: ${worstOrganic} (target < 5)`);
console.log(`evasions in their campaign's cluster: ${kept}/${campaign.length} = ${(kept / campaign.length * 100).toFixed(2)}% (target >= 99%)`);
const ex = majorLabel.get(0);
console.log(`example template: ${templates[ex].slice(0, 160)}`);
if (process.argv.includes('--verbose')) {
  for (const [t, m] of major) if (m.size > 1) console.log(`template ${t} split: ${[...m].map(([l, n]) => `${n}x "${templates[l].slice(0, 80)}"`).join(' | ')}`);
}
