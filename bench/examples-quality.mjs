// How well each mode recovers the campaigns planted in examples/prompts.jsonl (ground truth from
// scripts/make-examples.mjs): for each campaign, the cluster holding most of it, the share of the
// campaign it holds (recall) and the share of that cluster that is the campaign (purity); plus
// the largest cluster made only of organic prompts. With --stream, the same for the streaming
// Detector in template mode (the file's prompts added in order, no batch passes) instead of
// near-duplicate mode.
//   node bench/examples-quality.mjs [--stream]
import { initSync, cluster, Detector } from "../dist/index.js";
import { makeExamples } from "../scripts/make-examples.mjs";

initSync();
const { records, campaigns } = makeExamples();
const texts = records.map((r) => r.prompt);
const campaignOf = new Map();
for (const c of campaigns) for (const id of c.ids) campaignOf.set(id, c.name);
const ids = records.map((r) => r.id);
const stream = process.argv.includes("--stream");
const second = stream ? "Detector (template)" : "near-duplicate";
console.log(`| campaign | prompts | template mode: recall / purity | ${second}: recall / purity |\n|---|---:|---|---|`);
const results = {};
results.template = cluster(texts, { mode: "template" });
if (stream) {
  const d = new Detector({ mode: "template" });
  texts.forEach((t, i) => d.add(t, { time: i }));
  results[second] = { clusters: d.clusters() };
} else results[second] = cluster(texts, { mode: "near-duplicate" });
for (const c of campaigns) {
  const cells = ["template", second].map((mode) => {
    let best = null, inBest = 0;
    for (const cl of results[mode].clusters) {
      const n = cl.members.filter((m) => campaignOf.get(ids[m]) === c.name).length;
      if (n > inBest) { inBest = n; best = cl; }
    }
    return `${(inBest / c.ids.length).toFixed(2)} / ${best ? (inBest / best.size).toFixed(2) : "-"}`;
  });
  console.log(`| ${c.name} | ${c.ids.length} | ${cells[0]} | ${cells[1]} |`);
}
for (const mode of ["template", second]) {
  const organicBig = results[mode].clusters.filter((cl) => cl.size >= 5 && cl.members.every((m) => !campaignOf.has(ids[m])));
  console.log(`\n${mode}: clusters of 5+ made only of organic prompts: ${organicBig.length} (largest ${Math.max(0, ...organicBig.map((c) => c.size))})`);
}
