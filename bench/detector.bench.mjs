// Detector at scale (issue 3):
//   latency  add() p50/p99 with 1,000,000 prompts already seen, near-duplicate and template mode;
//   stream   a 5,000,000-prompt stream through a Detector with a 1,000,000-prompt window: RSS at
//            1M, 3M and 5M prompts (flat once the window is full).
//   phases   near-duplicate add() after N prompts, split into LshIndex.queryScored, LshIndex.insert
//            and the rest (signing, cluster bookkeeping), with a percentile ladder of each
//   pauses   a near-duplicate Detector with a 1,000,000-prompt window filled with 1,200,000 prompts:
//            every add over 100 ms (index growth, garbage collection), the longest, the total time
//   node --expose-gc bench/detector.bench.mjs [--part latency|stream|both|phases|pauses] [--n 1000000]
//   (phases and pauses run only when asked for; --dist DIR benchmarks DIR/index.js instead of ../dist)
import { parseArgs } from "node:util";
import { execFileSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { resolve as resolvePath } from "node:path";
import { makeCorpus } from "./corpus.mjs";

const { values } = parseArgs({ options: {
  part: { type: "string", default: "both" }, n: { type: "string", default: "1000000" }, mode: { type: "string", default: "near-duplicate" },
  child: { type: "string" }, dist: { type: "string" },
} });
const modulePath = values.dist ? pathToFileURL(resolvePath(values.dist, "index.js")).href : "../dist/index.js";
const N = Number(values.n);

/** A Detector that has seen N prompts, the corpus (20,000 more prompts after those) and the module. */
async function filled(mode) {
  const mod = await import(modulePath);
  mod.initSync();
  const texts = makeCorpus(N + 20000, 21);
  const d = new mod.Detector({ mode });
  const t0 = performance.now();
  for (let i = 0; i < N; i++) d.add(texts[i], { account: "a" + (i % 1000), time: i });
  return { d, texts, mod, fill: (performance.now() - t0) / 1000 };
}

async function latency(mode) {
  const { d, texts, fill } = await filled(mode);
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
  const { initSync, Detector } = await import(modulePath);
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

async function phases() {
  const { d, texts, mod: { LshIndex } } = await filled("near-duplicate");
  // time the index's two calls from inside add() by wrapping them on the prototype
  const P = LshIndex.prototype, q = P.queryScored, ins = P.insert;
  let tq = 0, ti = 0;
  P.queryScored = function (...a) { const t = performance.now(); const r = q.apply(this, a); tq = performance.now() - t; return r; };
  P.insert = function (...a) { const t = performance.now(); ins.apply(this, a); ti = performance.now() - t; };
  const cols = { total: [], query: [], insert: [], rest: [] };
  for (let i = 0; i < 20000; i++) {
    const a = performance.now();
    d.add(texts[N + i], { account: "a" + (i % 1000), time: N + i });
    const tot = (performance.now() - a) * 1000;
    cols.total.push(tot); cols.query.push(tq * 1000); cols.insert.push(ti * 1000); cols.rest.push(tot - 1000 * (tq + ti));
  }
  const out = {};
  for (const [k, v] of Object.entries(cols)) {
    const sv = Float64Array.from(v).sort();
    out[k] = Object.fromEntries([50, 75, 90, 95, 99].map((p) => [`p${p}`, sv[Math.floor((p / 100) * sv.length)]]));
  }
  return { mode: "near-duplicate", phases: out };
}

async function pauses() {
  const { initSync, Detector } = await import(modulePath);
  initSync();
  const chunk = makeCorpus(200000, 33);
  const d = new Detector({ mode: "near-duplicate", window: { prompts: 1_000_000 } });
  const slow = [];
  let max = 0;
  const t0 = performance.now();
  for (let i = 0; i < 1_200_000; i++) {
    const a = performance.now();
    d.add(chunk[i % chunk.length] + " v" + Math.floor(i / chunk.length), { time: i });
    const ms = performance.now() - a;
    if (ms > max) max = ms;
    if (ms > 100) slow.push([i, Math.round(ms)]);
  }
  return { mode: "near-duplicate", seconds: (performance.now() - t0) / 1000, maxMs: max, over100ms: slow };
}

if (values.child) {
  const kinds = { latency, stream, phases, pauses };
  const r = await kinds[values.child](values.mode);
  console.log(JSON.stringify(r));
} else {
  const run = (part, mode) => JSON.parse(execFileSync(process.execPath, ["--expose-gc", "--max-old-space-size=6144", fileURLToPath(import.meta.url), "--child", part, "--mode", mode, "--n", String(N), ...(values.dist ? ["--dist", values.dist] : [])], { encoding: "utf8" }).trim().split("\n").pop());
  if (values.part === "phases") {
    const r = run("phases", "near-duplicate");
    console.log(`near-duplicate Detector.add after ${N.toLocaleString()} prompts, by phase (µs; 20,000 timed adds)`);
    console.log("| phase | p50 | p75 | p90 | p95 | p99 |\n|---|---:|---:|---:|---:|---:|");
    for (const [k, v] of Object.entries(r.phases)) console.log(`| ${k} | ${[v.p50, v.p75, v.p90, v.p95, v.p99].map((x) => x.toFixed(1)).join(" | ")} |`);
  } else if (values.part === "pauses") {
    const r = run("pauses", "near-duplicate");
    console.log(`near-duplicate Detector, window 1,000,000, 1,200,000 adds: ${r.seconds.toFixed(1)} s, longest add ${r.maxMs.toFixed(0)} ms`);
    console.log(`adds over 100 ms (prompt index, ms): ${r.over100ms.map(([i, ms]) => `${i}: ${ms}`).join(", ") || "none"}`);
  } else if (values.part !== "stream") {
    console.log(`Detector.add latency with ${N.toLocaleString()} prompts already seen (20,000 timed adds)`);
    console.log("| mode | fill (s) | p50 (µs) | p99 (µs) | max (µs) |\n|---|---:|---:|---:|---:|");
    for (const mode of ["near-duplicate", "template"]) {
      const r = run("latency", mode);
      console.log(`| ${mode} | ${r.fillSeconds.toFixed(1)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(0)} |`);
    }
  }
  if (values.part === "stream" || values.part === "both") {
    for (const mode of ["near-duplicate", "template"]) {
      const r = run("stream", mode);
      console.log(`\n5,000,000-prompt stream, window 1,000,000 prompts, ${mode} mode`);
      console.log("| prompts | RSS (MB) | JS heap (MB) | live prompts | elapsed (s) |\n|---:|---:|---:|---:|---:|");
      for (const x of r.rss) console.log(`| ${x.prompts.toLocaleString()} | ${x.rssMB.toFixed(0)} | ${x.heapMB.toFixed(0)} | ${x.live.toLocaleString()} | ${x.seconds.toFixed(0)} |`);
    }
  }
}
