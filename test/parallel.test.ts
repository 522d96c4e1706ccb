// Parallel signing (issue 4): the worker pool gives the one-thread signatures, and cluster() and the
// Detector give the same answers from them. Uses the built package (workers load dist files).
import { describe, it, expect } from "vitest";
// @ts-ignore: the built bundle has no type information for vitest here
import { initSync, MinHasher, cluster, Detector } from "../dist/index.js";
// @ts-ignore
import { SignPool, clusterParallel } from "../dist/node.js";

initSync();
const texts: string[] = [];
for (let i = 0; i < 6000; i++) {
  const base = `prompt ${i % 900} asks about topic ${(i * 7) % 97} and detail ${(i * 13) % 89} in several words here`;
  texts.push(i % 3 === 0 ? base.toUpperCase() : i % 3 === 1 ? base + " please" : `fresh text ${i} of its own ${i * 31}`);
}
// planted near-duplicate families: 10 texts, 30 light variants each
for (let f = 0; f < 10; f++) {
  for (let k = 0; k < 30; k++) texts.push(`family ${f} asks the same long question about rivers mountains and seas near town ${f * 17}${k % 2 ? "!" : "?"}`);
}

describe("SignPool", () => {
  it("signs exactly as MinHasher.signBatch", async () => {
    const pool = new SignPool({}, { workers: 2, chunk: 500 });
    try {
      const par = await pool.signBatch(texts);
      expect(Array.from(par)).toEqual(Array.from(new MinHasher().signBatch(texts)));
      await expect(pool.signBatch(["ok", 3 as unknown as string])).rejects.toThrow(/texts\[1\] must be a string/);
    } finally {
      await pool.close();
    }
  });
  it("rejects a bad worker count", () => {
    expect(() => new SignPool({}, { workers: 0 })).toThrow(/workers must be an integer/);
  });
});

describe("users of the pool", () => {
  it("clusterParallel equals cluster in near-duplicate mode", async () => {
    const a = cluster(texts, { mode: "near-duplicate" });
    const b = await clusterParallel(texts, { mode: "near-duplicate" }, { workers: 2, minTexts: 1 });
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(a.clusters.some((c: { size: number }) => c.size >= 3)).toBe(true);
  });
  it("clusterParallel equals cluster in template mode, over several blocks of the miner", async () => {
    // 4 blocks of 32,768 texts: the worker tokenizes blocks 1 and 2 (ASCII texts reach it as bytes,
    // others as strings) unless the caller gets there first, counts every block's 3-grams, and
    // races the caller for the pass-2 blocks; labels and templates must not depend on who did what
    const { makeCorpus } = await import("../bench/corpus.mjs");
    const big: string[] = makeCorpus(100_000, 5);
    for (let i = 0; i < big.length; i += 997) big[i] = big[i].toUpperCase().replace(/ /g, "  "); // some evasions
    for (let i = 13; i < big.length; i += 1009) big[i] = big[i].replace(/e/g, "é").replace(/a/, "ａ"); // outside ASCII
    big[40_001] = "lone \ud800 surrogate " + big[40_001];
    big[70_001] = "", big[70_002] = "long ".repeat(120_000) + "text"; // larger than a kernel batch
    const a = cluster(big, { mode: "template", threads: 1 });
    const b = await clusterParallel(big, { mode: "template" }, { minTexts: 1 });
    expect(b.labels).toEqual(a.labels);
    expect(b.clusters.map((c: { template: string }) => c.template)).toEqual(a.clusters.map((c: { template: string }) => c.template));
    expect(a.clusters.filter((c: { size: number }) => c.size >= 100).length).toBeGreaterThan(20); // the corpus's templates are found
    // a second run reuses nothing of the first (a new worker, new shared tables)
    const c = await clusterParallel(big.slice(0, 40_000), { mode: "template" }, { minTexts: 1 });
    expect(c.labels).toEqual(cluster(big.slice(0, 40_000), { mode: "template" }).labels);
  }, 120_000);
  it("clusterParallel works from the CommonJS build (its own kernel copy, the ESM worker file)", async () => {
    const { createRequire } = await import("node:module");
    const req = createRequire(import.meta.url);
    const cjs = req("../dist/node.cjs");
    const small = texts.slice(0, 3000);
    for (const mode of ["template", "near-duplicate"]) {
      const b = await cjs.clusterParallel(small, { mode }, { minTexts: 1, workers: 2 });
      expect(Array.from(b.labels)).toEqual(Array.from(cluster(small, { mode }).labels));
    }
  }, 60_000);
  it("clusterParallel rejects bad texts before starting a worker", async () => {
    await expect(clusterParallel(["ok", 3 as unknown as string], { mode: "template" }, { minTexts: 1 })).rejects.toThrow(/texts\[1\] must be a string/);
    await expect(clusterParallel("nope" as unknown as string[], { mode: "template" })).rejects.toThrow(/must be an array of strings/);
  });
  it("Detector.addBatch with pool signatures equals signing inside", async () => {
    const pool = new SignPool({}, { workers: 2 });
    const sigs = await pool.signBatch(texts);
    await pool.close();
    const a = new Detector({ mode: "near-duplicate" });
    const b = new Detector({ mode: "near-duplicate" });
    expect(Array.from(b.addBatch(texts, undefined, { signatures: sigs }))).toEqual(Array.from(a.addBatch(texts)));
    expect(() => b.addBatch(["x"], undefined, { signatures: new Uint32Array(5) })).toThrow(/texts.length x 128/);
    expect(() => new Detector({ mode: "template" }).addBatch(["x"], undefined, { signatures: new Uint32Array(128) })).toThrow(/near-duplicate mode only/);
  });
});

describe("cluster under Node.js (the package's node build: a worker thread in template mode)", async () => {
  // @ts-ignore: the built bundle has no type information for vitest here
  const node = await import("../dist/index.node.js");
  const { makeCorpus } = await import("../bench/corpus.mjs");
  // 2 blocks of the miner's 32,768 texts: the worker tokenizes block 1 and counts both blocks' 3-grams
  const big: string[] = makeCorpus(60_000, 7);
  let started = 0;
  // (dist/index.js shares its modules with dist/index.node.js, so once the node build is loaded its
  // cluster starts workers too; every call below goes through the node build)
  process.on("worker", () => started++);
  /** Worker threads started by f() ('worker' events come once this thread is free again). */
  async function workersOf<T>(f: () => T): Promise<{ r: T; workers: number }> {
    const before = started;
    const r = f();
    await new Promise((res) => setTimeout(res, 300));
    return { r, workers: started - before };
  }

  it("resolves 'neardup' to the node build under Node.js", async () => {
    const { createRequire } = await import("node:module");
    expect(createRequire(import.meta.url).resolve("neardup")).toMatch(/dist[\\/]index\.node\.cjs$/);
    const { execFileSync } = await import("node:child_process");
    const esm = execFileSync(process.execPath, ["--input-type=module", "-e", "console.log(import.meta.resolve('neardup'))"], { encoding: "utf8" });
    expect(esm.trim()).toMatch(/dist\/index\.node\.js$/);
  });
  it("gives the one-thread answer with a worker thread, and threads: 1 starts none", async () => {
    const two = await workersOf(() => node.cluster(big));
    const one = await workersOf(() => node.cluster(big, { threads: 1 }));
    expect(two.workers).toBe(1);
    expect(one.workers).toBe(0);
    expect(two.r.labels).toEqual(one.r.labels);
    expect(two.r.clusters.map((c: { template: string }) => c.template)).toEqual(one.r.clusters.map((c: { template: string }) => c.template));
    expect(one.r.clusters.filter((c: { size: number }) => c.size >= 100).length).toBeGreaterThan(10);
    // more threads than the miner uses: still one worker, the same labels
    const eight = await workersOf(() => node.cluster(big, { threads: 8 }));
    expect(eight.workers).toBe(1);
    expect(eight.r.labels).toEqual(one.r.labels);
  }, 120_000);
  it("starts no worker for small inputs, near-duplicate mode or bad input", async () => {
    expect((await workersOf(() => node.cluster(big.slice(0, 5000)))).workers).toBe(0);
    expect((await workersOf(() => node.cluster(big, { mode: "near-duplicate" }))).workers).toBe(0);
    const bad = big.slice();
    bad[55_000] = 7 as unknown as string;
    const before = started;
    expect(() => node.cluster(bad)).toThrow(/texts\[55000\] must be a string/);
    await new Promise((res) => setTimeout(res, 300));
    expect(started - before).toBe(0);
  }, 120_000);
  it("clusterParallel with workers: 1, or under minTexts, starts no worker", async () => {
    for (const pool of [{ workers: 1 }, { minTexts: 100_000 }]) {
      const before = started;
      const r = await clusterParallel(big, { mode: "template" }, pool);
      await new Promise((res) => setTimeout(res, 300));
      expect(started - before).toBe(0);
      expect(r.labels.length).toBe(big.length);
    }
  }, 120_000);
  it("campaigns passes threads on", async () => {
    const a = await workersOf(() => node.campaigns(big, undefined, { threads: 1 }));
    const b = await workersOf(() => node.campaigns(big));
    expect([a.workers, b.workers]).toEqual([0, 1]);
    expect(b.r.labels).toEqual(a.r.labels);
  }, 120_000);
  it("rejects a bad threads option in every build, naming it", () => {
    for (const f of [node.cluster, cluster]) {
      for (const threads of [0, 1.5, "2", NaN]) {
        expect(() => f(["a b c"], { threads })).toThrow(/cluster: threads must be an integer in \[1, 1024\]/);
      }
    }
    expect(() => node.campaigns(["a"], undefined, { threads: -1 })).toThrow(/threads must be an integer/);
  });
});
