// cluster() at scale: wall time and peak RSS for N generated prompts (default 1,000,000; about
// 430 bytes each, 20% templated, plus planted near-duplicate families), one mode per process so
// each peak RSS is its own.
//   node bench/cluster.bench.mjs [--n 1000000] [--mode near-duplicate|template|both] [--one-thread] [--parallel] [--runs 1]
// cluster() is imported as a Node.js user gets it ("neardup", the package's node build: template
// mode uses a worker thread from 50,000 texts on). --one-thread also times cluster(texts,
// { threads: 1 }), and --parallel neardup/node's clusterParallel, each in its own child process,
// alternating with cluster() run by run; the labels digests show whether they agree.
import { parseArgs } from "node:util";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { makeCorpus, makeRng } from "./corpus.mjs";

const { values } = parseArgs({ options: {
  n: { type: "string", default: "1000000" }, mode: { type: "string", default: "both" }, child: { type: "boolean", default: false },
  parallel: { type: "boolean", default: false }, "one-thread": { type: "boolean", default: false }, runs: { type: "string", default: "1" },
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
  // (by package name, so that Node.js resolves it as users get it: dist/index.node.js)
  const { initSync, cluster } = await import("neardup");
  const { clusterParallel } = await import("../dist/node.js");
  initSync();
  const texts = clusterCorpus(N);
  globalThis.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const r = values.parallel ? await clusterParallel(texts, { mode: values.mode })
    : cluster(texts, { mode: values.mode, ...(values["one-thread"] ? { threads: 1 } : {}) });
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
  const fns = ["cluster", ...(values["one-thread"] ? ["cluster threads:1"] : []), ...(values.parallel ? ["clusterParallel"] : [])];
  for (const mode of modes) {
    const walls = new Map(fns.map((f) => [f, []]));
    const digests = new Set();
    for (let run = 1; run <= Number(values.runs); run++) {
      for (const fn of fns) {
        const args = ["--expose-gc", "--max-old-space-size=4096", fileURLToPath(import.meta.url), "--child", "--mode", mode, "--n", String(N)];
        if (fn === "clusterParallel") args.push("--parallel");
        if (fn === "cluster threads:1") args.push("--one-thread");
        const out = execFileSync(process.execPath, args, { encoding: "utf8" });
        const r = JSON.parse(out.trim().split("\n").pop());
        walls.get(fn).push(r.seconds);
        digests.add(r.digest);
        console.log(`| ${mode} | ${fn} | ${run} | ${r.seconds.toFixed(2)} | ${r.peakRssMB.toFixed(0)} | ${r.rssBeforeMB.toFixed(0)} | ${r.clusters.toLocaleString()} | ${r.clustersOf5.toLocaleString()} | ${r.largest.join(", ")} | ${r.digest.toString(16)} |`);
      }
    }
    const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
    if (fns.length > 1) {
      const m = (f) => median(walls.get(f));
      console.log(`${mode}: median wall ${fns.map((f) => `${f} ${m(f).toFixed(2)} s`).join(", ")}; ` +
        `ratios to cluster ${fns.slice(1).map((f) => `${f} ${(m(f) / m("cluster")).toFixed(2)}`).join(", ")}; labels ${digests.size === 1 ? "identical" : "DIFFER"}`);
    } else console.log(`${mode}: median wall cluster ${median(walls.get("cluster")).toFixed(2)} s`);
  }
}
