const { initSync, cluster } = await import("neardup");
const { makeCorpus, makeRng } = await import("/work/main/bench/corpus.mjs");
initSync();
const n = Number(process.argv[2] ?? 1000000), seed = 11;
const base = makeCorpus(n, seed); const rng = makeRng(seed + 1);
for (let i = 0; i < n; i += 100) { const src = base[Math.floor(rng.next() * Math.max(1, i))]; base[i] = rng.next() < 0.5 ? src : src.replace(/\b(\w+)\b/, "$1 also"); }
globalThis.__TT = {};
const t0 = performance.now();
const r = cluster(base, { threads: Number(process.argv[3] ?? 1) });
console.log("s", ((performance.now() - t0) / 1000).toFixed(2), "clusters", r.clusters.length);
console.log(JSON.stringify(Object.fromEntries(Object.entries(globalThis.__TT).map(([k, v]) => [k, k.startsWith("n") ? v : +(v / 1000).toFixed(3)]))));
