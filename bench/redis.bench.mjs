// RedisDetector (issue 5) on loopback Redis servers that this script starts and stops itself
// (test/redis/harness.mjs): a standalone server and a 3-node Redis Cluster, both without
// persistence (the default of a cache; AOF with fsync on every write is slower and depends on the
// disk).
//
//   throughput  prompts/s per process with addBatch (1,000 prompts a call; the detector sends 256
//               per round trip), including signing, with 1 and 4 processes on one detector
//   redis CPU   the servers' used_cpu_user + used_cpu_sys (INFO cpu) over the addBatch phase,
//               per prompt: the Redis side of an add, which bounds one detector's throughput
//   latency     add() p50/p99 (one prompt, one round trip), 1 and 4 processes at once
//   memory      Redis used_memory (INFO memory) per indexed prompt after 1,000,000 prompts, with
//               the default 3 example texts per cluster and with none
//
// Prompts come from bench/corpus.mjs (80% one-off prompts, 20% filled templates), each process a
// slice of its own. Throughput and latency runs use a window of 20,000 prompts, filled (untimed)
// with 20,000 other prompts first, so every timed add also evicts one: the steady state of an
// endless stream. Each figure is the median of --runs runs; the machine is shared, so run it on a
// quiet one for stable numbers.
//
//   npm run bench:redis
//   node bench/redis.bench.mjs [--n 20000] [--latency 3000] [--runs 3] [--memory 1000000] [--part all|speed|memory]
//                              [--topology all|standalone|cluster] [--procs 1,4] [--out results/redis.json]
//                              [--presigned]   (signatures made before the timed addBatch calls and
//                                               passed in: the Redis side alone, without signing)
//                              [--corpus prompts|campaigns]  (campaigns: test/redis/stream.mjs, 80% of
//                                               the prompts in planted campaigns of 10-300 near-copies,
//                                               so most adds verify candidates and join a cluster)
//                              [--dist DIR]    (the build in DIR/dist instead of this checkout's: run it
//                                               in alternation with and without to compare two versions)
import { parseArgs } from "node:util";
import { fork } from "node:child_process";
import { writeFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { cpus } from "node:os";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const { values } = parseArgs({ options: {
  n: { type: "string", default: "20000" }, latency: { type: "string", default: "3000" }, runs: { type: "string", default: "3" },
  memory: { type: "string", default: "1000000" }, part: { type: "string", default: "all" }, worker: { type: "string" },
  topology: { type: "string", default: "all" }, procs: { type: "string", default: "1,4" }, out: { type: "string", default: "results/redis.json" },
  presigned: { type: "boolean", default: false }, dist: { type: "string" }, corpus: { type: "string", default: "prompts" },
} });
const DIST = values.dist === undefined ? new URL("../dist/", import.meta.url) : pathToFileURL(resolve(values.dist, "dist") + "/");
const WINDOW = 20_000;
const TARGET_RATE = 50_000;
const TARGET_P99_MS = 1;

/** One process: builds its detector, waits for "go", runs one phase, reports, repeats. */
async function worker(o) {
  const { Redis, Cluster } = await import("ioredis");
  const { initSync } = await import(new URL("index.js", DIST).href);
  const { RedisDetector } = await import(new URL("redis.js", DIST).href);
  const { makeCorpus } = await import("./corpus.mjs");
  initSync();
  const client = o.cluster ? new Cluster(o.cluster, {}) : new Redis({ host: "127.0.0.1", port: o.port });
  const d = new RedisDetector({ client, prefix: o.prefix, window: { prompts: WINDOW }, timeoutMs: 30_000 });
  let texts = makeCorpus(o.n + o.latency, 1000 + o.index);
  let metas = texts.map((_, i) => ({ account: `a${(i * 7 + o.index) % 5000}`, id: `${o.index}-${i}`, time: 1_700_000_000_000 + i }));
  let fill = makeCorpus(WINDOW, 99);
  let fillMetas = fill.map((_, i) => ({ account: `f${i % 5000}`, time: 1_699_000_000_000 + i }));
  if (o.corpus === "campaigns") {
    // one stream per process (~155 prompts per campaign + a quarter as many noise prompts): the
    // window is filled from its start, the timed adds come after
    const { makeStream } = await import("../test/redis/stream.mjs");
    const need = WINDOW + o.n + o.latency;
    const st = makeStream({ campaigns: Math.ceil(need / 120), noise: Math.ceil(need / 4), seed: 1000 + o.index });
    if (st.texts.length < need) throw new Error(`campaign stream of ${st.texts.length} prompts, ${need} needed`);
    fill = st.texts.slice(0, WINDOW); fillMetas = st.metas.slice(0, WINDOW);
    texts = st.texts.slice(WINDOW, need); metas = st.metas.slice(WINDOW, need);
  }
  const { MinHasher } = await import(new URL("index.js", DIST).href);
  const sigs = o.presigned ? new MinHasher().signBatch(texts.slice(0, o.n)) : undefined;
  await d.add("warm up: the scripts are loaded on this connection", { account: "w" });
  if (o.index === 0) {
    // fill the window (the other processes wait for "batch", sent once all are ready)
    await d.addBatch(fill, fillMetas);
  }
  process.send({ ready: true });
  process.on("message", async (m) => {
    if (m.phase === "batch") {
      const t0 = performance.now();
      for (let i = 0; i < o.n; i += 1000) {
        const end = Math.min(o.n, i + 1000);
        await d.addBatch(texts.slice(i, end), metas.slice(i, end), sigs && { signatures: sigs.subarray(i * 128, end * 128) });
      }
      const s = (performance.now() - t0) / 1000;
      process.send({ rate: o.n / s });
    } else if (m.phase === "latency") {
      const lat = new Float64Array(o.latency);
      for (let i = 0; i < o.latency; i++) {
        const t = performance.now();
        await d.add(texts[o.n + i], metas[o.n + i]);
        lat[i] = performance.now() - t;
      }
      process.send({ lat: Array.from(lat) });
    } else if (m.phase === "exit") {
      client.disconnect();
      process.exit(0);
    }
  });
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
const median = (xs) => quantile([...xs].sort((a, b) => a - b), 0.5);

/** Seconds of CPU the servers have used (main thread and background threads). */
async function serverCpu(servers) {
  let s = 0;
  for (const srv of servers) {
    const info = await srv.cli("info", "cpu");
    s += Number(/used_cpu_user:([\d.]+)/.exec(info)[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)[1]);
  }
  return s;
}

async function speed(target, label, procs, runs, n, latency, flush, servers) {
  const rates = [], p50s = [], p99s = [], cpus = [];
  for (let run = 0; run < runs; run++) {
    await flush();
    const prefix = `bench-${label}`;
    const kids = Array.from({ length: procs }, (_, index) => fork(fileURLToPath(import.meta.url),
      ["--worker", JSON.stringify({ ...target, prefix, index, n, latency, presigned: values.presigned, corpus: values.corpus }), ...(values.dist === undefined ? [] : ["--dist", values.dist])], { stdio: ["ignore", "inherit", "inherit", "ipc"] }));
    const next = () => Promise.all(kids.map((k) => new Promise((resolve, reject) => {
      k.once("message", resolve);
      k.once("exit", (code) => reject(new Error(`bench worker exited with ${code}`)));
    })));
    await next(); // ready
    let waiting = next();
    const cpu0 = await serverCpu(servers);
    for (const k of kids) k.send({ phase: "batch" });
    const batch = await waiting;
    cpus.push(((await serverCpu(servers)) - cpu0) * 1e6 / (procs * n));
    waiting = next();
    for (const k of kids) k.send({ phase: "latency" });
    const lat = (await waiting).flatMap((r) => r.lat).sort((a, b) => a - b);
    for (const k of kids) { k.removeAllListeners("exit"); k.send({ phase: "exit" }); }
    rates.push(median(batch.map((r) => r.rate)));
    p50s.push(quantile(lat, 0.5));
    p99s.push(quantile(lat, 0.99));
  }
  const r = { topology: label, processes: procs, ratePerProcess: Math.round(median(rates)), redisCpuUsPerPrompt: +median(cpus).toFixed(1),
    addP50ms: +median(p50s).toFixed(3), addP99ms: +median(p99s).toFixed(3), runs };
  console.log(`${label.padEnd(10)} ${String(procs).padStart(2)} proc  addBatch ${String(r.ratePerProcess).padStart(7)} prompts/s per process` +
    `  Redis CPU ${r.redisCpuUsPerPrompt.toFixed(1)} µs/prompt  add p50 ${r.addP50ms.toFixed(3)} ms  p99 ${r.addP99ms.toFixed(3)} ms` +
    `   (runs: ${rates.map(Math.round).join(", ")} /s; ${cpus.map((x) => x.toFixed(1)).join(", ")} µs; p99 ${p99s.map((x) => x.toFixed(2)).join(", ")} ms)`);
  return r;
}

async function memory(server, n, maxExamples) {
  const { Redis } = await import("ioredis");
  const { initSync } = await import(new URL("index.js", DIST).href);
  const { RedisDetector } = await import(new URL("redis.js", DIST).href);
  const { makeCorpus } = await import("./corpus.mjs");
  initSync();
  const client = new Redis({ host: "127.0.0.1", port: server.port });
  await client.flushall();
  const used = async () => Number(/used_memory:(\d+)/.exec(await client.info("memory"))[1]);
  const before = await used();
  const d = new RedisDetector({ client, prefix: "mem", timeoutMs: 60_000, maxExamples });
  const t0 = performance.now();
  const CH = 100_000;
  for (let start = 0; start < n; start += CH) {
    const texts = makeCorpus(Math.min(CH, n - start), 500 + start / CH);
    await d.addBatch(texts, texts.map((_, i) => ({ account: `a${(start + i) % 20000}`, time: 1_700_000_000_000 + start + i })));
  }
  const secs = (performance.now() - t0) / 1000;
  const after = await used();
  // every live cluster has a ci field (one-prompt clusters have no cs entry)
  const clusters = await client.hlen("{mem}:ci");
  const r = { maxExamples, prompts: await d.size(), clusters, usedMemoryBytes: after - before, bytesPerPrompt: Math.round((after - before) / n), seconds: +secs.toFixed(1) };
  console.log(`memory (maxExamples ${maxExamples}): ${r.prompts} prompts in ${r.clusters} clusters: used_memory +${(r.usedMemoryBytes / 2 ** 20).toFixed(0)} MiB = ${r.bytesPerPrompt} bytes per prompt (filled in ${r.seconds} s, ${Math.round(n / secs)} prompts/s from one process)`);
  client.disconnect();
  return r;
}

async function main() {
  const { RedisServer, startCluster } = await import("../test/redis/harness.mjs");
  const { Redis } = await import("ioredis");
  const n = Number(values.n), latency = Number(values.latency), runs = Number(values.runs);
  const out = { date: new Date().toISOString(), cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, window: WINDOW, n, latency, results: [] };
  const server = await RedisServer.start();
  out.redis = (await server.cli("info", "server")).match(/redis_version:(\S+)/)?.[1];
  console.log(`Redis ${out.redis}, ${out.cpus} cores (${out.cpu}), Node ${out.node}; ${n} prompts per process batched, ${latency} single adds, median of ${runs} runs; corpus ${values.corpus}; build ${fileURLToPath(DIST)}`);
  try {
    if (values.part !== "memory") {
      const admin = new Redis({ host: "127.0.0.1", port: server.port });
      const procList = values.procs.split(",").map(Number);
      if (values.topology !== "cluster") {
        for (const procs of procList) out.results.push(await speed({ port: server.port }, "standalone", procs, runs, n, latency, () => admin.flushall(), [server]));
      }
      admin.disconnect();
      if (values.topology !== "standalone") {
        const cluster = await startCluster(3);
        try {
          const flush = () => Promise.all(cluster.nodes.map((s) => s.cli("flushall")));
          for (const procs of procList) out.results.push(await speed({ cluster: cluster.startupNodes }, "cluster", procs, runs, n, latency, flush, cluster.nodes));
        } finally {
          await cluster.stop();
        }
      }
      for (const r of out.results) {
        console.log(`  ${r.topology} ${r.processes} proc: batched ${r.ratePerProcess >= TARGET_RATE ? "meets" : "misses"} the ${TARGET_RATE}/s target; add p99 ${r.addP99ms <= TARGET_P99_MS ? "meets" : "misses"} the ${TARGET_P99_MS} ms target`);
      }
    }
    if (values.part !== "speed") {
      // the default keeps 3 example texts per cluster: a one-off prompt is its own cluster, so its
      // text is stored once more; maxExamples 0 shows the index alone
      out.memory = [];
      for (const maxExamples of [3, 0]) out.memory.push(await memory(server, Number(values.memory), maxExamples));
    }
  } finally {
    await server.stop();
  }
  const file = new URL(values.out, import.meta.url);
  mkdirSync(new URL("./", file), { recursive: true });
  writeFileSync(file, JSON.stringify(out, null, 2) + "\n");
}

if (values.worker !== undefined) await worker(JSON.parse(values.worker));
else await main();
