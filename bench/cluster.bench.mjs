// cluster() at scale: wall time and peak RSS for N generated prompts (default 1,000,000; about
// 430 bytes each, 20% templated, plus planted near-duplicate families), one mode per process so
// each peak RSS is its own.
//   node bench/cluster.bench.mjs [--n 1000000] [--mode near-duplicate|template|both]
import { parseArgs } from "node:util";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { makeCorpus, makeRng } from "./corpus.mjs";

const { values } = parseArgs({ options: { n: { type: "string", default: "1000000" }, mode: { type: "string", default: "both" }, child: { type: "boolean", default: false } } });
const N = Number(values.n);

/** The corpus plus near-duplicate families: 1% of prompts are light edits of an earlier one. */
export function clusterCorpus(n, seed = 11) {
  const base = makeCorpus(n, seed);
  const rng = makeRng(seed + 1);
  for (let i = 0; i < n; i += 100) {
    const src = base[Math.floor(rng.next() * Math.max(1, i))];
    base[i] = rng.next() < 0.5 ? src : src.replace(/\b(\w+)\b/, "$1 also");
  }
  return base;
}

if (values.child) {
  const { initSync, cluster } = await import("../dist/index.js");
  initSync();
  const texts = clusterCorpus(N);
  globalThis.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const r = cluster(texts, { mode: values.mode });
  const ms = performance.now() - t0;
  const peak = process.resourceUsage().maxRSS * 1024;
  const sizes = r.clusters.map((c) => c.size).sort((a, b) => b - a);
  console.log(JSON.stringify({ mode: values.mode, n: N, seconds: ms / 1000, peakRssMB: peak / 2 ** 20, rssBeforeMB: rssBefore / 2 ** 20,
    clusters: r.clusters.length, clustersOf5: sizes.filter((s) => s >= 5).length, largest: sizes.slice(0, 5) }));
} else {
  const modes = values.mode === "both" ? ["near-duplicate", "template"] : [values.mode];
  console.log(`cluster() on ${N.toLocaleString()} generated prompts (node ${process.version})`);
  console.log("| mode | wall (s) | peak RSS (MB) | RSS before clustering (MB) | clusters | clusters >= 5 | largest |");
  console.log("|---|---:|---:|---:|---:|---:|---|");
  for (const mode of modes) {
    const out = execFileSync(process.execPath, ["--expose-gc", "--max-old-space-size=4096", fileURLToPath(import.meta.url), "--child", "--mode", mode, "--n", String(N)], { encoding: "utf8" });
    const r = JSON.parse(out.trim().split("\n").pop());
    console.log(`| ${mode} | ${r.seconds.toFixed(2)} | ${r.peakRssMB.toFixed(0)} | ${r.rssBeforeMB.toFixed(0)} | ${r.clusters.toLocaleString()} | ${r.clustersOf5.toLocaleString()} | ${r.largest.join(", ")} |`);
  }
}
