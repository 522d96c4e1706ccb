// Engine throughput benchmark for neardup vs. plain JS and third-party baselines.
//
//   npm run bench                       # = node --expose-gc bench/engine.bench.mjs
//   node --expose-gc bench/engine.bench.mjs --quick
//   node --expose-gc bench/engine.bench.mjs --filter minhasher,xxhash
//   NEARDUP_MODULE=/path/to/index.js node --expose-gc bench/engine.bench.mjs
//
// All tasks run in ONE process with tinybench. Every task processes a fixed
// list of prompts per iteration (the whole 20,000-prompt corpus, or an evenly
// strided subset for the slow third-party libraries); throughput is computed
// from the MEDIAN iteration latency (tinybench `latency.p50`):
//   prompts/s = promptsPerIteration / p50,  MB/s = UTF-8 bytes per iteration / p50 / 1e6
// Before anything is timed, every adapter's output is checked once (shape,
// determinism, batch == single, Jaccard estimates on controlled-overlap
// pairs) so a broken adapter fails loudly instead of looking fast.
//
// Results: printed table + markdown, bench/results/engine.json and engine.md.

import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import os from 'node:os';

import { Bench } from 'tinybench';
import xxhashFactory from 'xxhash-wasm';

import { makeCorpus, wordShingles, randomWords, corpusStats } from './corpus.mjs';
import { PlainMinHash, fnv1a32, fmix32, signatureJaccard } from './plainjs-minhash.mjs';

const require = createRequire(import.meta.url);
const { Minhash } = require('minhash');
const { MinHashFactory } = require('bloom-filters');

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..');
const NUM_PERM = 128;

// ------------------------------------------------------------------ CLI ----

const HELP = `Usage: node --expose-gc bench/engine.bench.mjs [options]

  --quick              short run (time 300 ms/task, 3 min iterations)
  --filter <s>         only tasks whose name contains <s> (case-insensitive;
                       comma-separated list = any of them)
  --time <ms>          time budget per task (default 1500, quick 300)
  --check              only run the adapter checks (no timing), then exit
  --keep-going         on a failed adapter check, skip that task (exit code 1)
                       instead of aborting the whole run
  --out <file>         JSON output (default bench/results/engine.json;
                       markdown goes next to it with .md)
  -h, --help           this text

Env: NEARDUP_MODULE=<path>  module to benchmark (default ../dist/index.js)`;

let cli;
try {
  cli = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      filter: { type: 'string' },
      time: { type: 'string' },
      check: { type: 'boolean', default: false },
      'keep-going': { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
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
const TIME_MS = cli.time !== undefined ? Number(cli.time) : QUICK ? 300 : 1500;
if (!Number.isFinite(TIME_MS) || TIME_MS <= 0) {
  console.error(`--time must be a positive number of milliseconds, got ${cli.time}`);
  process.exit(2);
}
const BENCH_OPTS = {
  time: TIME_MS,
  iterations: QUICK ? 3 : 8, // minimum samples per task (time budget usually gives more)
  warmup: true,
  warmupTime: QUICK ? 60 : 300,
  warmupIterations: QUICK ? 1 : 2,
  throws: false, // errored tasks are reported as FAILED rows (exit code 1)
};
const FILTERS = (cli.filter ?? '')
  .split(',')
  .map((s) => s.trim().toLowerCase())
  .filter(Boolean);
const selected = (name) => FILTERS.length === 0 || FILTERS.some((f) => name.toLowerCase().includes(f));
const OUT_JSON = cli.out ? resolve(cli.out) : join(HERE, 'results', 'engine.json');
const OUT_MD = OUT_JSON.replace(/\.json$/i, '') + '.md';

const CORPUS_N = 20000;
const CORPUS_SEED = 42;
const SUBSET = {
  minhashNpm: QUICK ? 200 : 500, // ~ms per prompt: far too slow for the full corpus
  bloomFilters: QUICK ? 1000 : 2000,
};

// -------------------------------------------------------------- helpers ----

class CheckError extends Error {}
function check(cond, msg) {
  if (!cond) throw new CheckError(msg);
}

const enc = new TextEncoder();
const utf8Bytes = (texts) => texts.reduce((acc, t) => acc + enc.encode(t).length, 0);

/** Evenly strided subset of `m` prompts (keeps the template/organic mix). */
function strided(texts, m) {
  if (m >= texts.length) return texts;
  const out = new Array(m);
  const step = texts.length / m;
  for (let i = 0; i < m; i++) out[i] = texts[Math.floor(i * step)];
  return out;
}

function pkgVersion(name) {
  try {
    return JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
}

const fmtInt = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'n/a');
const fmtNum = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
function fmtRate(x) {
  if (!Number.isFinite(x)) return 'n/a';
  if (x >= 1e6) return (x / 1e6).toFixed(2) + ' M';
  if (x >= 1e4) return (x / 1e3).toFixed(1) + ' k';
  return x.toFixed(x >= 100 ? 0 : 1);
}
function fmtRatio(x) {
  if (!Number.isFinite(x)) return 'n/a';
  if (x < 0.1) return x.toPrecision(2) + 'x';
  return x >= 100 ? x.toFixed(0) + 'x' : x >= 10 ? x.toFixed(1) + 'x' : x.toFixed(2) + 'x';
}

function popcount64(x) {
  let n = 0;
  while (x) {
    x &= x - 1n;
    n++;
  }
  return n;
}

// Anti dead-code sink: every task folds (part of) its last output into this.
let sink = 0;

// ---------------------------------------------------------------- checks ----

// Controlled-overlap pairs over lower-case, punctuation-free text, so any
// reasonable word-3-gram shingling (regex words or whitespace split, with or
// without de-duplication) yields the same Jaccard.
function overlapPairs() {
  const pairs = [];
  const base = (seed) => randomWords(80, seed);
  const trueJ = (a, b) => {
    const A = new Set(wordShingles(a));
    const B = new Set(wordShingles(b));
    let inter = 0;
    for (const x of A) if (B.has(x)) inter++;
    return inter / (A.size + B.size - inter);
  };
  // high overlap: change one word in the middle
  {
    const a = base(101);
    const b = a.slice();
    b[40] = b[40] === 'zebra' ? 'yak' : 'zebra';
    pairs.push({ label: 'one word changed', a: a.join(' '), b: b.join(' ') });
  }
  // medium overlap: replace the second half
  {
    const a = base(202);
    const r = base(203);
    const b = a.slice(0, 40).concat(r.slice(40));
    pairs.push({ label: 'second half replaced', a: a.join(' '), b: b.join(' ') });
  }
  // low overlap: unrelated texts
  pairs.push({ label: 'unrelated', a: base(301).join(' '), b: base(302).join(' ') });
  for (const p of pairs) p.J = trueJ(p.a, p.b);
  return pairs;
}
const PAIRS = overlapPairs();
const JACCARD_TOL = 0.2; // ~4.5 sigma for 128 permutations

/** Shape + sanity checks for any `text -> 128-slot signature` adapter. */
function checkMinHashAdapter(name, signOne, { isTypedU32 = false, compare } = {}) {
  const texts = CORPUS.slice(0, 4);
  const sigs = texts.map((t) => signOne(t));
  for (const s of sigs) {
    check(s != null && typeof s.length === 'number', `${name}: signature is not array-like (${Object.prototype.toString.call(s)})`);
    check(s.length === NUM_PERM, `${name}: signature has ${s.length} entries, expected ${NUM_PERM}`);
    if (isTypedU32) check(s instanceof Uint32Array, `${name}: signature is ${s?.constructor?.name}, expected Uint32Array`);
    for (let i = 0; i < s.length; i++) {
      check(typeof s[i] === 'number' && Number.isFinite(s[i]) && s[i] >= 0, `${name}: slot ${i} is ${s[i]} (not a finite non-negative number)`);
    }
    check(new Set(Array.from(s)).size > NUM_PERM / 2, `${name}: signature slots are suspiciously uniform`);
  }
  const again = signOne(texts[0]);
  check(Array.from(again).every((v, i) => v === sigs[0][i]), `${name}: sign() is not deterministic`);
  check(signatureJaccard(sigs[0], sigs[1]) < 0.5, `${name}: two different prompts give near-identical signatures`);
  const report = [];
  for (const p of PAIRS) {
    const sa = signOne(p.a);
    const sb = signOne(p.b);
    const est = signatureJaccard(sa, sb);
    if (compare) {
      const viaApi = compare(sa, sb);
      check(Math.abs(viaApi - est) < 1e-9, `${name}: jaccard() = ${viaApi} but equal-slot fraction = ${est}`);
    }
    check(
      Math.abs(est - p.J) <= JACCARD_TOL,
      `${name}: Jaccard estimate ${est.toFixed(3)} for "${p.label}" is too far from true ${p.J.toFixed(3)}`,
    );
    report.push({ pair: p.label, trueJ: +p.J.toFixed(4), est: +est.toFixed(4) });
  }
  return report;
}

// ---------------------------------------------------------------- setup ----

const t0 = performance.now();
const CORPUS = makeCorpus(CORPUS_N, CORPUS_SEED);
const STATS = corpusStats(CORPUS);
const ENCODED = CORPUS.map((t) => enc.encode(t));
console.log(
  `corpus: ${STATS.prompts} prompts, ${(STATS.bytes / 1e6).toFixed(2)} MB UTF-8, ` +
    `avg ${STATS.avgBytes.toFixed(0)} B / ${STATS.avgWords.toFixed(1)} words (built in ${(performance.now() - t0).toFixed(0)} ms)`,
);

// neardup is loaded after --filter is applied (baseline-only runs need no build).
let nd = null;
let modulePath = null;
let initMs = null;

const xx = await xxhashFactory();

if (typeof globalThis.gc !== 'function') {
  console.warn('warning: run with --expose-gc (npm run bench does) so GC is forced between tasks');
}
const load = os.loadavg();
const cpus = os.cpus();
if (load[0] > cpus.length * 0.5) {
  console.warn(`warning: 1-min load average ${load[0].toFixed(2)} on ${cpus.length} cores - numbers will be noisy`);
}

// ---------------------------------------------------------------- tasks ----
//
// Each task: { name, key, texts (per iteration), fn (one iteration), verify }
// `verify` runs once before timing and throws CheckError on a broken adapter.

const tasks = [];
const addTask = (t) => tasks.push(t);

// --- neardup MinHasher ---
for (const algorithm of ['fast', 'classic', 'datasketch']) {
  addTask({
    key: `nd.${algorithm}.sign`,
    name: `neardup MinHasher '${algorithm}' sign()`,
    group: 'neardup',
    texts: CORPUS,
    make() {
      const mh = new nd.MinHasher({ numPerm: NUM_PERM, algorithm });
      return {
        verify: () => checkMinHashAdapter(this.name, (t) => mh.sign(t), { isTypedU32: true, compare: nd.jaccard }),
        fn: () => {
          let last;
          for (let i = 0; i < CORPUS.length; i++) last = mh.sign(CORPUS[i]);
          sink ^= last[0];
        },
      };
    },
  });
}
addTask({
  key: 'nd.fast.signBatch',
  name: `neardup MinHasher 'fast' signBatch()`,
  group: 'neardup',
  texts: CORPUS,
  make() {
    const mh = new nd.MinHasher({ numPerm: NUM_PERM, algorithm: 'fast' });
    return {
      verify: () => {
        const few = CORPUS.slice(0, 7);
        const out = mh.signBatch(few);
        check(out instanceof Uint32Array, `${this.name}: returned ${out?.constructor?.name}, expected Uint32Array`);
        check(out.length === few.length * NUM_PERM, `${this.name}: length ${out.length}, expected ${few.length * NUM_PERM}`);
        few.forEach((t, i) => {
          const one = mh.sign(t);
          const row = out.subarray(i * NUM_PERM, (i + 1) * NUM_PERM);
          check(row.every((v, j) => v === one[j]), `${this.name}: row ${i} differs from sign() of the same prompt`);
        });
        check(mh.signBatch([]).length === 0, `${this.name}: signBatch([]) should be empty`);
        return [{ batchRowsEqualSign: few.length }];
      },
      fn: () => {
        const out = mh.signBatch(CORPUS);
        sink ^= out[out.length - 1];
      },
    };
  },
});

// --- neardup SimHasher ---
function checkSimHasher(name, fp) {
  const texts = CORPUS.slice(0, 6);
  const fps = texts.map(fp);
  for (const f of fps) {
    check(typeof f === 'bigint', `${name}: fingerprint is ${typeof f}, expected bigint`);
    check(f >= 0n && f < 1n << 64n, `${name}: fingerprint ${f} is outside the unsigned 64-bit range`);
  }
  check(fp(texts[0]) === fps[0], `${name}: fingerprint() is not deterministic`);
  check(new Set(fps).size === fps.length, `${name}: different prompts give identical fingerprints`);
  check(fps.some((f) => f >= 1n << 32n), `${name}: no fingerprint uses the upper 32 bits`);
  const near = popcount64(fp(PAIRS[0].a) ^ fp(PAIRS[0].b));
  let unrelated = 0;
  for (let i = 0; i < 5; i++) unrelated += popcount64(fps[i] ^ fps[i + 1]);
  unrelated /= 5;
  check(unrelated >= 12 && unrelated <= 52, `${name}: mean Hamming distance between unrelated prompts is ${unrelated} (expected ~32)`);
  check(near < unrelated / 2, `${name}: near-duplicate Hamming distance ${near} is not well below unrelated ${unrelated}`);
  return [{ nearDupHamming: near, unrelatedMeanHamming: unrelated }];
}
addTask({
  key: 'nd.simhash.fingerprint',
  name: 'neardup SimHasher fingerprint()',
  group: 'neardup',
  texts: CORPUS,
  make() {
    const sh = new nd.SimHasher();
    return {
      verify: () => checkSimHasher(this.name, (t) => sh.fingerprint(t)),
      fn: () => {
        let last;
        for (let i = 0; i < CORPUS.length; i++) last = sh.fingerprint(CORPUS[i]);
        sink ^= Number(last & 0xffn);
      },
    };
  },
});
addTask({
  key: 'nd.simhash.fingerprintBatch',
  name: 'neardup SimHasher fingerprintBatch()',
  group: 'neardup',
  texts: CORPUS,
  make() {
    const sh = new nd.SimHasher();
    return {
      verify: () => {
        const few = CORPUS.slice(0, 7);
        const out = sh.fingerprintBatch(few);
        check(out instanceof BigUint64Array, `${this.name}: returned ${out?.constructor?.name}, expected BigUint64Array`);
        check(out.length === few.length, `${this.name}: length ${out.length}, expected ${few.length}`);
        few.forEach((t, i) => check(out[i] === sh.fingerprint(t), `${this.name}: entry ${i} differs from fingerprint()`));
        return [{ batchEqualsSingle: few.length }];
      },
      fn: () => {
        const out = sh.fingerprintBatch(CORPUS);
        sink ^= Number(out[out.length - 1] & 0xffn);
      },
    };
  },
});

// --- plain JS baseline ---
addTask({
  key: 'plainjs',
  name: 'plain JS MinHash-128 (bench/plainjs-minhash.mjs)',
  group: 'baseline',
  texts: CORPUS,
  make() {
    const pm = new PlainMinHash(NUM_PERM, 1);
    return {
      verify: () => checkMinHashAdapter(this.name, (t) => pm.sign(t), { isTypedU32: true }),
      fn: () => {
        let last;
        for (let i = 0; i < CORPUS.length; i++) last = pm.sign(CORPUS[i]);
        sink ^= last[0];
      },
    };
  },
});

// --- minhash (npm) ---
{
  const texts = strided(CORPUS, SUBSET.minhashNpm);
  addTask({
    key: 'minhash-npm',
    name: `minhash@${pkgVersion('minhash')} Minhash (update per word 3-gram)`,
    group: 'baseline',
    texts,
    make() {
      const signOne = (text) => {
        const m = new Minhash({ numPerm: NUM_PERM }); // per document, as its README does
        const sh = wordShingles(text);
        for (let i = 0; i < sh.length; i++) m.update(sh[i]);
        return m.hashvalues;
      };
      return {
        verify: () =>
          checkMinHashAdapter(this.name, signOne, {
            compare: (a, b) => {
              // its own estimator, on objects carrying those hash values
              const x = new Minhash({ numPerm: NUM_PERM });
              const y = new Minhash({ numPerm: NUM_PERM });
              x.hashvalues = Array.from(a);
              y.hashvalues = Array.from(b);
              return x.jaccard(y);
            },
          }),
        fn: () => {
          let last;
          for (let i = 0; i < texts.length; i++) last = signOne(texts[i]);
          sink ^= last[0] & 0xff;
        },
      };
    },
  });
}

// --- bloom-filters MinHash ---
{
  const texts = strided(CORPUS, SUBSET.bloomFilters);
  addTask({
    key: 'bloom-filters',
    name: `bloom-filters@${pkgVersion('bloom-filters')} MinHash (add(fnv1a32+fmix32))`,
    group: 'baseline',
    texts,
    make() {
      // nbHashes = 128; maxValue = 2^32-1 since we feed 32-bit shingle hashes.
      const factory = new MinHashFactory(NUM_PERM, 0xffffffff);
      const signOne = (text) => {
        const m = factory.create();
        const sh = wordShingles(text);
        for (let i = 0; i < sh.length; i++) m.add(fmix32(fnv1a32(sh[i])));
        return m._signature; // number[]; no public getter in 3.x
      };
      return {
        verify: () => {
          check(factory.create().nbHashes === NUM_PERM, `${this.name}: nbHashes != ${NUM_PERM}`);
          return checkMinHashAdapter(this.name, signOne, {
            compare: (a, b) => {
              const x = factory.create();
              const y = factory.create();
              x._signature = Array.from(a);
              y._signature = Array.from(b);
              return x.compareWith(y);
            },
          });
        },
        fn: () => {
          let last;
          for (let i = 0; i < texts.length; i++) last = signOne(texts[i]);
          sink ^= last[0] & 0xff;
        },
      };
    },
  });
}

// --- JS tokenizer alone (info: cost the third-party adapters pay) ---
addTask({
  key: 'wordShingles',
  name: 'wordShingles() only (JS tokenizer used for minhash/bloom-filters)',
  group: 'info',
  texts: CORPUS,
  make() {
    return {
      verify: () => {
        check(wordShingles('The quick, brown FOX jumps')[0] === 'the quick brown', 'wordShingles: unexpected output');
        return [];
      },
      fn: () => {
        let n = 0;
        for (let i = 0; i < CORPUS.length; i++) n += wordShingles(CORPUS[i]).length;
        sink ^= n;
      },
    };
  },
});

// --- xxhash-wasm: byte-hashing ceiling ---
addTask({
  key: 'xxhash.h64',
  name: `xxhash-wasm@${pkgVersion('xxhash-wasm')} h64(string)`,
  group: 'ceiling',
  texts: CORPUS,
  make() {
    const { h64 } = xx;
    return {
      verify: () => {
        const v = h64(CORPUS[0]);
        check(typeof v === 'bigint' && v >= 0n && v < 1n << 64n, `${this.name}: h64 returned ${typeof v}`);
        check(v !== h64(CORPUS[1]), `${this.name}: different texts hash equal`);
        return [];
      },
      fn: () => {
        let last;
        for (let i = 0; i < CORPUS.length; i++) last = h64(CORPUS[i]);
        sink ^= Number(last & 0xffn);
      },
    };
  },
});
addTask({
  key: 'xxhash.h64Raw',
  name: `xxhash-wasm@${pkgVersion('xxhash-wasm')} h64Raw(pre-encoded UTF-8)`,
  group: 'ceiling',
  texts: CORPUS,
  make() {
    const { h64, h64Raw } = xx;
    return {
      verify: () => {
        for (let i = 0; i < 5; i++) {
          check(h64Raw(ENCODED[i]) === h64(CORPUS[i]), `${this.name}: h64Raw(bytes) != h64(string)`);
        }
        return [];
      },
      fn: () => {
        let last;
        for (let i = 0; i < ENCODED.length; i++) last = h64Raw(ENCODED[i]);
        sink ^= Number(last & 0xffn);
      },
    };
  },
});

// ------------------------------------------------------------------ run ----

const active = tasks.filter((t) => selected(t.name) || selected(t.key));
if (active.length === 0) {
  console.error(`--filter ${JSON.stringify(cli.filter)} matches no task. Tasks:\n  ` + tasks.map((t) => t.name).join('\n  '));
  process.exit(2);
}

const needsNeardup = active.some((t) => t.group === 'neardup');
if (needsNeardup) {
  const moduleSpec = process.env.NEARDUP_MODULE
    ? pathToFileURL(resolve(process.env.NEARDUP_MODULE)).href
    : new URL('../dist/index.js', import.meta.url).href;
  modulePath = fileURLToPath(moduleSpec);
  if (!existsSync(modulePath)) {
    console.error(
      `neardup module not found: ${modulePath}\n` +
        `Build it first (npm run build; \`npm run bench\` does this via prebench) or set NEARDUP_MODULE.`,
    );
    process.exit(2);
  }
  nd = await import(moduleSpec);
  for (const k of ['init', 'MinHasher', 'SimHasher', 'jaccard']) {
    if (typeof nd[k] !== 'function') {
      console.error(`neardup module ${modulePath} does not export function/class "${k}"`);
      process.exit(2);
    }
  }
  const tInit = performance.now();
  await nd.init();
  initMs = performance.now() - tInit;
  console.log(`neardup: ${modulePath} (init ${initMs.toFixed(1)} ms)`);
}

let failures = 0;
const failed = [];
const bench = new Bench({
  ...BENCH_OPTS,
  name: 'neardup engine',
  setup: () => {
    if (typeof globalThis.gc === 'function') globalThis.gc();
  },
});

console.log('\nchecking adapters ...');
for (const t of active) {
  t.bytes = t.texts === CORPUS ? STATS.bytes : utf8Bytes(t.texts);
  try {
    const impl = t.make();
    t.checks = impl.verify();
    t.fn = impl.fn;
    console.log(`  ok   ${t.name}`);
    if (cli.check && t.checks?.length) console.log(`       ${JSON.stringify(t.checks)}`);
  } catch (err) {
    failures++;
    t.error = String(err?.stack ?? err);
    failed.push(t);
    console.error(`  FAIL ${t.name}\n       ${err instanceof CheckError ? err.message : t.error}`);
    if (!cli['keep-going']) {
      console.error('\nAborting: a broken adapter would produce meaningless numbers (use --keep-going to skip it).');
      process.exit(1);
    }
    continue;
  }
  bench.add(t.name, t.fn);
}

if (cli.check) {
  console.log(failures ? `\n${failures} adapter check(s) failed.` : '\nall adapter checks passed.');
  process.exit(failures ? 1 : 0);
}

console.log(
  `\nrunning ${bench.tasks.length} task(s): time ${BENCH_OPTS.time} ms, >= ${BENCH_OPTS.iterations} iterations, ` +
    `warmup ${BENCH_OPTS.warmupTime} ms / >= ${BENCH_OPTS.warmupIterations} it.${QUICK ? ' [quick]' : ''}\n`,
);
bench.addEventListener('cycle', (evt) => {
  const task = evt.task;
  const r = task?.result;
  const meta = active.find((t) => t.name === task?.name);
  if (r?.latency && meta) {
    const pps = meta.texts.length / (r.latency.p50 / 1000);
    console.log(
      `  ${task.name.padEnd(66)} ${fmtRate(pps).padStart(9)} prompts/s  ` +
        `(p50 ${r.latency.p50.toFixed(2)} ms/it, ${r.latency.samplesCount} it)`,
    );
  }
});

const tRun = performance.now();
await bench.run();
const runSeconds = (performance.now() - tRun) / 1000;

// -------------------------------------------------------------- results ----

const rows = [];
for (const t of active) {
  if (t.error) {
    rows.push({ key: t.key, name: t.name, group: t.group, error: t.error });
    continue;
  }
  const task = bench.getTask(t.name);
  const r = task.result;
  if (r.state !== 'completed' || !r.latency) {
    failures++;
    failed.push(t);
    const error = r.error ? String(r.error.stack ?? r.error) : `state ${r.state}`;
    console.error(`FAILED while benchmarking ${t.name}:\n  ${error.split('\n').slice(0, 4).join('\n  ')}`);
    rows.push({ key: t.key, name: t.name, group: t.group, error });
    continue;
  }
  const p50 = r.latency.p50; // ms per iteration
  const promptsPerSec = t.texts.length / (p50 / 1000);
  const bytesPerSec = t.bytes / (p50 / 1000);
  rows.push({
    key: t.key,
    name: t.name,
    group: t.group,
    promptsPerIteration: t.texts.length,
    bytesPerIteration: t.bytes,
    samples: r.latency.samplesCount,
    latencyMs: {
      p50,
      mean: r.latency.mean,
      min: r.latency.min,
      max: r.latency.max,
      mad: r.latency.mad,
      rmePct: r.latency.rme,
    },
    promptsPerSec,
    bytesPerSec,
    MBPerSec: bytesPerSec / 1e6,
    usPerPrompt: (p50 * 1000) / t.texts.length,
    checks: t.checks,
  });
}
const byKey = Object.fromEntries(rows.filter((r) => !r.error).map((r) => [r.key, r]));

// Targets (prompts/s measured one call per prompt unless the label says batch).
const ratio = (a, b, field = 'promptsPerSec') =>
  byKey[a] && byKey[b] ? byKey[a][field] / byKey[b][field] : undefined;
const abs = (k) => byKey[k]?.promptsPerSec;
const targets = [
  { label: "fast sign() / plain JS (prompts/s)", kind: 'ratio', value: ratio('nd.fast.sign', 'plainjs'), target: 10 },
  { label: "fast sign() / minhash npm (prompts/s)", kind: 'ratio', value: ratio('nd.fast.sign', 'minhash-npm'), target: 200 },
  {
    label: "fast sign() bytes/s / xxhash h64(string) bytes/s",
    kind: 'fraction',
    value: ratio('nd.fast.sign', 'xxhash.h64', 'bytesPerSec'),
    target: 0.12,
  },
  { label: "fast sign() prompts/s", kind: 'abs', value: abs('nd.fast.sign'), target: 500e3 },
  { label: "fast signBatch() prompts/s", kind: 'abs', value: abs('nd.fast.signBatch'), target: 500e3 },
  { label: "classic sign() prompts/s", kind: 'abs', value: abs('nd.classic.sign'), target: 150e3 },
  { label: "datasketch sign() prompts/s", kind: 'abs', value: abs('nd.datasketch.sign'), target: 20e3 },
  { label: "SimHash fingerprint() prompts/s", kind: 'abs', value: abs('nd.simhash.fingerprint'), target: 600e3 },
  { label: "SimHash fingerprintBatch() prompts/s", kind: 'abs', value: abs('nd.simhash.fingerprintBatch'), target: 600e3 },
].map((t) => ({ ...t, status: t.value === undefined ? 'n/a' : t.value >= t.target ? 'PASS' : 'MISS' }));

const fmtTargetValue = (t) =>
  t.value === undefined
    ? 'n/a'
    : t.kind === 'ratio'
      ? fmtRatio(t.value)
      : t.kind === 'fraction'
        ? (t.value * 100).toFixed(1) + '%'
        : fmtInt(t.value) + '/s';
const fmtTargetGoal = (t) =>
  t.kind === 'ratio' ? `>= ${t.target}x` : t.kind === 'fraction' ? `>= ${t.target * 100}%` : `>= ${fmtInt(t.target)}/s`;

// ----- console table
const fastPps = byKey['nd.fast.sign']?.promptsPerSec;
const header = ['task', 'prompts/it', 'samples', 'p50 ms/it', 'prompts/s (p50)', 'MB/s', 'us/prompt', 'fast sign() is'];
const lines = rows.map((r) =>
  r.error
    ? [r.name, '-', '-', '-', 'FAILED', '-', '-', '-']
    : [
        r.name,
        fmtInt(r.promptsPerIteration),
        String(r.samples),
        fmtNum(r.latencyMs.p50, 2),
        fmtInt(r.promptsPerSec),
        fmtNum(r.MBPerSec, 1),
        fmtNum(r.usPerPrompt, 2),
        fastPps && r.key !== 'nd.fast.sign' ? fmtRatio(fastPps / r.promptsPerSec) : '',
      ],
);
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
const pad = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log('\n' + pad(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const l of lines) console.log(pad(l));

console.log('\ntargets:');
for (const t of targets) {
  console.log(`  ${t.status.padEnd(4)}  ${t.label.padEnd(52)} ${fmtTargetValue(t).padStart(12)}   (target ${fmtTargetGoal(t)})`);
}

// ----- markdown
const env = {
  node: process.version,
  v8: process.versions.v8,
  platform: `${os.platform()} ${os.arch()}`,
  cpu: cpus[0]?.model?.trim() ?? '?',
  cores: cpus.length,
  loadavgAtStart: load.map((x) => +x.toFixed(2)),
};
const mdEsc = (s) => s.replace(/\|/g, '\\|');
const md = [];
md.push(
  `Corpus: ${STATS.prompts.toLocaleString('en-US')} synthetic prompts (seed ${CORPUS_SEED}), ` +
    `${(STATS.bytes / 1e6).toFixed(2)} MB UTF-8, avg ${STATS.avgBytes.toFixed(0)} bytes / ${STATS.avgWords.toFixed(0)} words; ` +
    `MinHash numPerm = ${NUM_PERM}. Median (p50) of per-iteration time, tinybench ${pkgVersion('tinybench')}, ` +
    `Node ${process.version}, ${env.cpu} (${env.cores} cores)${QUICK ? ', --quick run' : ''}.`,
);
md.push('');
md.push('| Task | Prompts/iter | Prompts/s (median) | MB/s | µs/prompt | `fast` is |');
md.push('|---|---:|---:|---:|---:|---:|');
for (const r of rows) {
  if (r.error) {
    md.push(`| ${mdEsc(r.name)} | – | FAILED | – | – | – |`);
    continue;
  }
  md.push(
    `| ${mdEsc(r.name)} | ${fmtInt(r.promptsPerIteration)} | ${fmtInt(r.promptsPerSec)} | ${fmtNum(r.MBPerSec, 1)} | ` +
      `${fmtNum(r.usPerPrompt, 2)} | ${fastPps && r.key !== 'nd.fast.sign' ? fmtRatio(fastPps / r.promptsPerSec) : '–'} |`,
  );
}
md.push('');
md.push('| Target | Measured | Goal | |');
md.push('|---|---:|---:|---|');
for (const t of targets) md.push(`| ${mdEsc(t.label)} | ${fmtTargetValue(t)} | ${fmtTargetGoal(t)} | ${t.status} |`);
const markdown = md.join('\n') + '\n';
console.log('\nmarkdown (for README):\n');
console.log(markdown);

// ----- JSON
const result = {
  generatedAt: new Date().toISOString(),
  options: { quick: QUICK, filter: cli.filter ?? null, ...BENCH_OPTS, numPerm: NUM_PERM, subsets: SUBSET },
  environment: env,
  module: { path: modulePath, initMs },
  libraries: {
    tinybench: pkgVersion('tinybench'),
    minhash: pkgVersion('minhash'),
    'bloom-filters': pkgVersion('bloom-filters'),
    'xxhash-wasm': pkgVersion('xxhash-wasm'),
  },
  corpus: { n: CORPUS_N, seed: CORPUS_SEED, ...STATS },
  methodology:
    'Each iteration processes the listed prompts once (one API call per prompt unless the task says batch); ' +
    'throughput = prompts (or UTF-8 bytes) per iteration / median iteration time. ' +
    'minhash and bloom-filters tasks include JS word-3-gram tokenisation (wordShingles) and one sketch object per prompt.',
  results: rows,
  targets,
  runSeconds,
  sink,
};
mkdirSync(dirname(OUT_JSON), { recursive: true });
writeFileSync(OUT_JSON, JSON.stringify(result, null, 2) + '\n');
writeFileSync(OUT_MD, markdown);
console.log(`wrote ${OUT_JSON}\nwrote ${OUT_MD}  (total bench time ${runSeconds.toFixed(1)} s)`);

if (failures > 0) {
  console.error(`\n${failures} task(s) failed: ${failed.map((t) => t.name).join(', ')}`);
  process.exitCode = 1;
}
