// Detector at scale (issue 3):
//   latency  add() p50/p99 with 1,000,000 prompts already seen, near-duplicate and template mode;
//   stream   a 5,000,000-prompt stream through a Detector with a 1,000,000-prompt window: RSS at
//            1M, 3M and 5M prompts (flat once the window is full).
//   node --expose-gc bench/detector.bench.mjs [--part latency|stream|both] [--n 1000000]
import { parseArgs } from "node:util";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { makeCorpus } from "./corpus.mjs";

const { values } = parseArgs({ options: {
  part: { type: "string", default: "both" }, n: { type: "string", default: "1000000" }, mode: { type: "string", default: "near-duplicate" },
  child: { type: "string" },
} });
const N = Number(values.n);

async function latency(mode) {
  const { initSync, Detector } = await import("../dist/index.js");
  initSync();
  const texts = makeCorpus(N + 20000, 21);
  const d = new Detector({ mode });
  const t0 = performance.now();
  for (let i = 0; i < N; i++) d.add(texts[i], { account: "a" + (i % 1000), time: i });
  const fill = (performance.now() - t0) / 1000;
  const lat = new Float64Array(20000);
  for (let i = 0; i < 20000; i++) {
    const a = performance.now();
    d.add(texts[N + i], { account: "a" + (i % 1000), time: N + i });
    lat[i] = (performance.now() - a) * 1000;
  }
  lat.sort();
  return { mode, fillSeconds: fill, p50: lat[10000], p99: lat[19800], max: lat[19999] };
}

async function stream(mode) {
  const { initSync, Detector } = await import("../dist/index.js");
  initSync();
  const chunk = makeCorpus(200000, 33);
  const d = new Detector({ mode, window: { prompts: 1_000_000 } });
  const rss = [];
  const t0 = performance.now();
  for (let i = 1; i <= 5_000_000; i++) {
    // vary the texts so every prompt is new: the chunk repeats with a changing suffix
    d.add(chunk[i % chunk.length] + " v" + Math.floor(i / chunk.length), { time: i });
    if (i % 1_000_000 === 0) {
      globalThis.gc?.();
      rss.push({ prompts: i, rssMB: process.memoryUsage().rss / 2 ** 20, heapMB: process.memoryUsage().heapUsed / 2 ** 20, live: d.size, seconds: (performance.now() - t0) / 1000 });
    }
  }
  return { mode, rss };
}

if (values.child) {
  const r = values.child === "latency" ? await latency(values.mode) : await stream(values.mode);
  console.log(JSON.stringify(r));
} else {
  const run = (part, mode) => JSON.parse(execFileSync(process.execPath, ["--expose-gc", "--max-old-space-size=6144", fileURLToPath(import.meta.url), "--child", part, "--mode", mode, "--n", String(N)], { encoding: "utf8" }).trim().split("\n").pop());
  if (values.part !== "stream") {
    console.log(`Detector.add latency with ${N.toLocaleString()} prompts already seen (20,000 timed adds)`);
    console.log("| mode | fill (s) | p50 (µs) | p99 (µs) | max (µs) |\n|---|---:|---:|---:|---:|");
    for (const mode of ["near-duplicate", "template"]) {
      const r = run("latency", mode);
      console.log(`| ${mode} | ${r.fillSeconds.toFixed(1)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(0)} |`);
    }
  }
  if (values.part !== "latency") {
    for (const mode of ["near-duplicate", "template"]) {
      const r = run("stream", mode);
      console.log(`\n5,000,000-prompt stream, window 1,000,000 prompts, ${mode} mode`);
      console.log("| prompts | RSS (MB) | JS heap (MB) | live prompts | elapsed (s) |\n|---:|---:|---:|---:|---:|");
      for (const x of r.rss) console.log(`| ${x.prompts.toLocaleString()} | ${x.rssMB.toFixed(0)} | ${x.heapMB.toFixed(0)} | ${x.live.toLocaleString()} | ${x.seconds.toFixed(0)} |`);
    }
  }
}
