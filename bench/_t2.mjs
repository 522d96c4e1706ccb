const { initSync, cluster } = await import("neardup");
const { makeCorpus, makeRng } = await import("./corpus.mjs");
initSync();
const n = Number(process.argv[2] ?? 1000000), seed = 11;
const base = makeCorpus(n, seed); const rng = makeRng(seed + 1);
for (let i = 0; i < n; i += 100) { const src = base[Math.floor(rng.next() * Math.max(1, i))]; base[i] = rng.next() < 0.5 ? src : src.replace(/\b(\w+)\b/, "$1 also"); }
globalThis.gc?.();
const P = {}; let last = performance.now();
globalThis.__P = (k) => { const t = performance.now(); P[k] = +((t - last) / 1000).toFixed(2); last = t; };
const t0 = performance.now();
const r = cluster(base, { threads: Number(process.argv[3] ?? 2) });
console.log("s", ((performance.now() - t0) / 1000).toFixed(2), JSON.stringify(P), "sup", (globalThis.__sup/1000).toFixed(2), "own", ((globalThis.__own??0)/1000).toFixed(2), globalThis.__ownN, "wordy", globalThis.__wordy, JSON.stringify(globalThis.__sizes));
