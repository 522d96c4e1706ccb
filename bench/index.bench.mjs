// Index benchmark: LshIndex memory per key and insert/query rates, SimHashIndex query rates.
//
//   node bench/index.bench.mjs                 # full run (200,000 LSH keys, 1,000,000 fingerprints)
//   node bench/index.bench.mjs --quick         # 50,000 keys, 200,000 fingerprints
//   node bench/index.bench.mjs --only simhash  # one part
//   NEARDUP_MODULE=/path/to/index.js node bench/index.bench.mjs
//
// Memory: heapUsed + arrayBuffers after a full GC, before and after building the index, minus the
// stored signatures (n x numPerm x 4 bytes). Keys (strings "doc-<i>") are created before the first
// measurement: they are the caller's, the index only references them. Signatures are random, so every
// band value is distinct (the most buckets an index can need). Rates: queries per second from the
// median time of a fixed batch of queries (tinybench), half of them sharing bands / planted near
// neighbours, half unrelated; batches rotate through a pool of 20,000 distinct queries, so repeated
// batches do not find their data in cache. Results: printed table, bench/results/index.json and index.md.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Bench } from 'tinybench';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..');

const HELP = `Usage: node bench/index.bench.mjs [options]

  --quick          50,000 LSH keys and 200,000 fingerprints (default 200,000 and 1,000,000)
  --keys <n>       LSH keys
  --fps <n>        SimHashIndex fingerprints
  --only <part>    'lsh' or 'simhash'
  --time <ms>      time budget per timed task (default 1000, quick 300)
  --out <file>     JSON output (default bench/results/index.json; markdown next to it)
  -h, --help       this text

Env: NEARDUP_MODULE=<path>  module to benchmark (default ../dist/index.js)`;

let cli;
try {
  cli = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      keys: { type: 'string' },
      fps: { type: 'string' },
      only: { type: 'string' },
      time: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
} catch (err) {
  console.error(String(err.message ?? err) + '\n\n' + HELP);
  process.exit(2);
}
if (cli.help) {
  console.log(HELP);
  process.exit(0);
}

const QUICK = cli.quick;
const N_KEYS = Number(cli.keys ?? (QUICK ? 50_000 : 200_000));
const N_FPS = Number(cli.fps ?? (QUICK ? 200_000 : 1_000_000));
const TIME = Number(cli.time ?? (QUICK ? 300 : 1000));
const NUM_PERM = 128;
/** Queries per timed batch; batches rotate through a pool of POOL distinct queries so caches stay cold. */
const BATCH = 1000;
const POOL = 20_000;
const OUT_JSON = resolve(cli.out ?? resolve(ROOT, 'bench/results/index.json'));

const modulePath = process.env.NEARDUP_MODULE ? resolve(process.env.NEARDUP_MODULE) : resolve(ROOT, 'dist/index.js');
const nd = await import(pathToFileURL(modulePath).href);
const { LshIndex, SimHashIndex } = nd;
if (typeof LshIndex !== 'function' || typeof SimHashIndex !== 'function') {
  console.error(`${modulePath} does not export LshIndex and SimHashIndex (rebuild dist, or set NEARDUP_MODULE)`);
  process.exit(1);
}

v8.setFlagsFromString('--expose-gc');
const gc = globalThis.gc ?? vm.runInNewContext('gc');

function memory() {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** splitmix32-style hash of (i, k): the k-th slot of key i's signature, reproducible without storing it. */
function slot(i, k) {
  let h = (Math.imul(i, 0x9e3779b1) ^ Math.imul(k + 1, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

function fillSig(sig, i) {
  for (let k = 0; k < sig.length; k++) sig[k] = slot(i, k);
}

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Queries per second of `run` over `pool`, BATCH queries per timed iteration, median iteration. */
async function rate(name, pool, run) {
  let at = 0;
  const bench = new Bench({ time: TIME, iterations: QUICK ? 3 : 5, warmupTime: Math.min(200, TIME / 2), warmupIterations: 1 });
  bench.add(name, () => {
    for (let i = 0; i < BATCH; i++) {
      run(pool[at]);
      at = at + 1 === pool.length ? 0 : at + 1;
    }
  });
  await bench.run();
  const task = bench.tasks[0];
  const p50 = task.result.latency?.p50 ?? task.result.period; // ms
  return (BATCH / p50) * 1000;
}

const fmt = (x, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

// ---------------------------------------------------------------------------------------- LSH ---

async function lshRun(threshold) {
  const keys = Array.from({ length: N_KEYS }, (_, i) => `doc-${i}`);
  const sig = new Uint32Array(NUM_PERM);
  const before = memory();
  const t0 = performance.now();
  const index = new LshIndex({ threshold, numPerm: NUM_PERM });
  for (let i = 0; i < N_KEYS; i++) {
    fillSig(sig, i);
    index.insert(keys[i], sig);
  }
  const insertMs = performance.now() - t0;
  const after = memory();
  const { bands, rows } = index.params;
  const beyond = after - before - N_KEYS * NUM_PERM * 4;

  // Queries: even ones are a stored signature with 10% of its slots changed (shares bands), odd ones unrelated.
  const random = rng(7);
  const queries = [];
  for (let q = 0; q < POOL; q++) {
    const s = new Uint32Array(NUM_PERM);
    if (q % 2 === 0) {
      fillSig(s, Math.floor(random() * N_KEYS));
      for (let k = 0; k < NUM_PERM; k++) if (random() < 0.1) s[k] = (random() * 2 ** 32) >>> 0;
    } else {
      for (let k = 0; k < NUM_PERM; k++) s[k] = (random() * 2 ** 32) >>> 0;
    }
    queries.push(s);
  }
  let hits = 0;
  for (const s of queries) hits += index.query(s).length;
  const qps = await rate(`LshIndex.query t=${threshold}`, queries, (s) => index.query(s));
  const scoredQps = await rate(`LshIndex.queryScored t=${threshold}`, queries, (s) => index.queryScored(s, { limit: 10 }));
  const t1 = performance.now();
  const snapshot = index.serialize();
  const serializeMs = performance.now() - t1;
  const t2 = performance.now();
  const loaded = LshIndex.deserialize(snapshot);
  const deserializeMs = performance.now() - t2;
  if (loaded.size !== N_KEYS) throw new Error('deserialize lost keys');
  keys.length = 0;
  return {
    threshold, bands, rows, keys: N_KEYS,
    bytesPerKey: beyond / N_KEYS, bytesPerEntry: beyond / (N_KEYS * bands),
    insertsPerSec: N_KEYS / (insertMs / 1000), queriesPerSec: qps, scoredQueriesPerSec: scoredQps,
    meanResults: hits / POOL, snapshotMB: snapshot.length / 1e6, serializeMs, deserializeMs,
  };
}

// ------------------------------------------------------------------------------------ SimHash ---

async function simRun(maxDistance, blocks) {
  const random = rng(11 + maxDistance);
  const word = () => BigInt((random() * 2 ** 32) >>> 0);
  const fps = new BigUint64Array(N_FPS);
  for (let i = 0; i < N_FPS; i++) fps[i] = (word() << 32n) | word();
  const before = memory();
  const t0 = performance.now();
  const index = new SimHashIndex({ maxDistance, blocks });
  for (let i = 0; i < N_FPS; i++) index.insert(i, fps[i]);
  const insertMs = performance.now() - t0;
  const after = memory();
  // Even queries: a stored fingerprint with 0..maxDistance random bits flipped; odd: random.
  const queries = [];
  for (let q = 0; q < POOL; q++) {
    if (q % 2 === 0) {
      let fp = fps[Math.floor(random() * N_FPS)];
      const flips = Math.floor(random() * (maxDistance + 1));
      for (let f = 0; f < flips; f++) fp ^= 1n << BigInt(Math.floor(random() * 64));
      queries.push(fp);
    } else {
      queries.push((word() << 32n) | word());
    }
  }
  let hits = 0;
  for (const fp of queries) hits += index.query(fp).length;
  const qps = await rate(`SimHashIndex.query d=${maxDistance} blocks=${index.blocks}`, queries, (fp) => index.query(fp));
  return {
    maxDistance, blocks: index.blocks, tables: index.tables, fingerprints: N_FPS, bytesPerFp: (after - before) / N_FPS,
    insertsPerSec: N_FPS / (insertMs / 1000), queriesPerSec: qps, meanResults: hits / POOL,
  };
}

// ---------------------------------------------------------------------------------------- run ---

const ONLY = cli.only;
const lsh = [];
if (ONLY !== 'simhash') for (const t of [0.5, 0.8]) lsh.push(await lshRun(t));
const sim = [];
if (ONLY !== 'lsh') for (const [d, blocks] of [[3], [6], [6, 8]]) sim.push(await simRun(d, blocks));

const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
const header = `LshIndex: ${fmt(N_KEYS)} keys, numPerm ${NUM_PERM}, random signatures; SimHashIndex: ${fmt(N_FPS)} random fingerprints. ` +
  `Query rates: median time of batches of ${fmt(BATCH)} queries rotating through ${fmt(POOL)} distinct ones (tinybench), Node ${process.version}, ${cpu} (${os.cpus().length} cores)${QUICK ? ', --quick' : ''}.`;

const lines = [header, ''];
lines.push('| LshIndex | bands x rows | bytes/key beyond signatures | bytes per (key, band) | inserts/s | query/s | queryScored/s | results/query | snapshot MB | serialize ms | deserialize ms |');
lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of lsh) {
  lines.push(`| threshold ${r.threshold} | ${r.bands} x ${r.rows} | ${fmt(r.bytesPerKey, 1)} | ${fmt(r.bytesPerEntry, 2)} | ${fmt(r.insertsPerSec)} | ${fmt(r.queriesPerSec)} | ${fmt(r.scoredQueriesPerSec)} | ${fmt(r.meanResults, 2)} | ${fmt(r.snapshotMB, 1)} | ${fmt(r.serializeMs)} | ${fmt(r.deserializeMs)} |`);
}
lines.push('');
lines.push('| SimHashIndex | blocks / tables | bytes/fingerprint | inserts/s | query/s | results/query |');
lines.push('|---|---:|---:|---:|---:|---:|');
for (const r of sim) {
  lines.push(`| maxDistance ${r.maxDistance} | ${r.blocks} / ${r.tables} | ${fmt(r.bytesPerFp, 1)} | ${fmt(r.insertsPerSec)} | ${fmt(r.queriesPerSec)} | ${fmt(r.meanResults, 2)} |`);
}
lines.push('');
const targets = [];
if (lsh.length > 0) {
  targets.push(['LshIndex bytes per (key, band), threshold 0.5', lsh[0].bytesPerEntry, 16, '<=']);
  targets.push(['LshIndex bytes per (key, band), threshold 0.8', lsh[1].bytesPerEntry, 16, '<=']);
}
if (sim.length > 0) targets.push(['SimHashIndex query/s, maxDistance 3', sim[0].queriesPerSec, 100_000, '>=']);
lines.push('| Target | Measured | Goal | |');
lines.push('|---|---:|---:|---|');
for (const [name, v, goal, op] of targets) {
  const ok = op === '<=' ? v <= goal : v >= goal;
  lines.push(`| ${name} | ${fmt(v, v < 100 ? 2 : 0)} | ${op} ${fmt(goal)} | ${ok ? 'PASS' : 'MISS'} |`);
}
lines.push('', 'Reference: datasketch MinHashLSH spends about 8.8 KB per key at threshold 0.5 (about 350 bytes per (key, band)).');

const md = lines.join('\n');
console.log(md);
mkdirSync(dirname(OUT_JSON), { recursive: true });
writeFileSync(OUT_JSON, JSON.stringify({ node: process.version, cpu, quick: QUICK, lsh, simhash: sim }, null, 2));
writeFileSync(OUT_JSON.replace(/\.json$/, '.md'), md + '\n');
