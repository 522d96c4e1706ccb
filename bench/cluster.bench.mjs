// cluster() at scale: wall time and peak RSS for N generated prompts (default 1,000,000; about
// 430 bytes each, 20% templated, plus planted near-duplicate families), one mode per process so
// each peak RSS is its own.
//   node bench/cluster.bench.mjs [--n 1000000] [--mode near-duplicate|template|both] [--parallel] [--runs 1]
// --parallel also times neardup/node's clusterParallel (a worker thread; same answer) in its own
// child process, alternating with cluster() run by run, and checks that the two agree.
import { parseArgs } from "node:util";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { makeCorpus, makeRng } from "./corpus.mjs";

const { values } = parseArgs({ options: {
  n: { type: "string", default: "1000000" }, mode: { type: "string", default: "both" }, child: { type: "boolean", default: false },
  parallel: { type: "boolean", default: false }, runs: { type: "string", default: "1" },
} });
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
  const { clusterParallel } = await import("../dist/node.js");
  initSync();
  const texts = clusterCorpus(N);
  globalThis.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const r = values.parallel ? await clusterParallel(texts, { mode: values.mode }) : cluster(texts, { mode: values.mode });
  const ms = performance.now() - t0;
  const peak = process.resourceUsage().maxRSS * 1024;
  const sizes = r.clusters.map((c) => c.size).sort((a, b) => b - a);
  // a digest of the labels, so that runs of cluster and clusterParallel can be compared
  let digest = 0;
  for (let i = 0; i < r.labels.length; i++) digest = Math.imul(digest ^ r.labels[i], 0x9e3779b1) >>> 0;
  console.log(JSON.stringify({ mode: values.mode, n: N, digest, seconds: ms / 1000, peakRssMB: peak / 2 ** 20, rssBeforeMB: rssBefore / 2 ** 20,
    clusters: r.clusters.length, clustersOf5: sizes.filter((s) => s >= 5).length, largest: sizes.slice(0, 5) }));
} else {
  const modes = values.mode === "both" ? ["near-duplicate", "template"] : [values.mode];
  console.log(`cluster() on ${N.toLocaleString()} generated prompts (node ${process.version})`);
  console.log("| mode | function | run | wall (s) | peak RSS (MB) | RSS before clustering (MB) | clusters | clusters >= 5 | largest | labels digest |");
  console.log("|---|---|---:|---:|---:|---:|---:|---:|---|---|");
  const fns = values.parallel ? ["cluster", "clusterParallel"] : ["cluster"];
  for (const mode of modes) {
    const walls = new Map(fns.map((f) => [f, []]));
    const digests = new Set();
    for (let run = 1; run <= Number(values.runs); run++) {
      for (const fn of fns) {
        const args = ["--expose-gc", "--max-old-space-size=4096", fileURLToPath(import.meta.url), "--child", "--mode", mode, "--n", String(N)];
        if (fn === "clusterParallel") args.push("--parallel");
        const out = execFileSync(process.execPath, args, { encoding: "utf8" });
        const r = JSON.parse(out.trim().split("\n").pop());
        walls.get(fn).push(r.seconds);
        digests.add(r.digest);
        console.log(`| ${mode} | ${fn} | ${run} | ${r.seconds.toFixed(2)} | ${r.peakRssMB.toFixed(0)} | ${r.rssBeforeMB.toFixed(0)} | ${r.clusters.toLocaleString()} | ${r.clustersOf5.toLocaleString()} | ${r.largest.join(", ")} | ${r.digest.toString(16)} |`);
      }
    }
    const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
    if (values.parallel) {
      console.log(`${mode}: median wall cluster ${median(walls.get("cluster")).toFixed(2)} s, clusterParallel ${median(walls.get("clusterParallel")).toFixed(2)} s ` +
        `(ratio ${(median(walls.get("cluster")) / median(walls.get("clusterParallel"))).toFixed(2)}); labels ${digests.size === 1 ? "identical" : "DIFFER"}`);
    }
  }
}
