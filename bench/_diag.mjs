const { initSync, cluster } = await import("neardup");
const { makeCorpus, makeRng } = await import("/work/main/bench/corpus.mjs");
initSync();
const n = Number(process.argv[2] ?? 1000000), seed = 11;
const base = makeCorpus(n, seed); const rng = makeRng(seed + 1);
for (let i = 0; i < n; i += 100) { const src = base[Math.floor(rng.next() * Math.max(1, i))]; base[i] = rng.next() < 0.5 ? src : src.replace(/\b(\w+)\b/, "$1 also"); }
const t0 = performance.now();
const r = cluster(base, { threads: 1 });
console.log("s", (performance.now() - t0) / 1000, "clusters", r.clusters.length);
const d = globalThis.__diag; console.log("keys", d.map?.size, JSON.stringify({...d, map: undefined, ex: undefined})); for (const e of d.ex) console.log(e);
