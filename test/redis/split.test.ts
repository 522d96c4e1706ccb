// Issue 5, split stream: one stream with planted campaigns dealt round-robin to 4 worker
// processes, each with its own RedisDetector on the same Redis (standalone and a 3-node Redis
// Cluster); the campaigns they report together match one in-memory Detector fed the whole stream.
// The workers load the built package (dist/), like test/parallel.test.ts.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { fork } from "node:child_process";
import { Redis, Cluster } from "ioredis";
import { initSync, Detector, type Campaign } from "../../src/index.js";
import { RedisDetector } from "../../src/redis/index.js";
import { RedisServer, startCluster } from "./harness.mjs";
import { makeStream } from "./stream.mjs";

initSync();
const STREAM = { campaigns: 15, noise: 2500, minSize: 10, maxSize: 250, seed: 23 };
const WORKERS = 4;
const worker = new URL("./split-worker.mjs", import.meta.url).pathname;

let server: RedisServer;
let cluster: Awaited<ReturnType<typeof startCluster>>;
beforeAll(async () => {
  [server, cluster] = await Promise.all([RedisServer.start(), startCluster(3)]);
}, 90_000);
afterAll(async () => {
  await Promise.all([server?.stop(), cluster?.stop()]);
});

function runWorkers(target: unknown, prefix: string): Promise<{ ok: boolean; added: number; error?: string }[]> {
  return Promise.all(Array.from({ length: WORKERS }, (_, w) => new Promise<{ ok: boolean; added: number; error?: string }>((resolve, reject) => {
    const child = fork(worker, [JSON.stringify({ target, prefix, worker: w, workers: WORKERS, stream: STREAM, chunk: 16 })], { stdio: "pipe" });
    let msg: { ok: boolean; added: number; error?: string } | undefined;
    let err = "";
    child.stderr?.on("data", (d) => { err += d; });
    child.on("message", (m) => { msg = m as typeof msg; });
    child.on("exit", (code) => (msg ? resolve(msg) : reject(new Error(`worker ${w} exited with ${code} without a report: ${err}`))));
  })));
}

/** Compares the campaigns (size >= 5) of the shared detector with the in-memory one. */
async function compare(red: RedisDetector) {
  const s = makeStream(STREAM);
  const mem = new Detector({ mode: "near-duplicate" });
  mem.addBatch(s.texts, s.metas);
  const want = mem.clusters({ minSize: 5 });
  const got = await red.clusters({ minSize: 5 });
  expect(await red.size()).toBe(s.texts.length);
  expect(want.length).toBe(STREAM.campaigns);
  expect(got.length).toBe(want.length);
  const gotIds = await Promise.all(got.map(async (c) => new Set(await red.memberIds(c.id))));
  let exact = 0;
  for (const w of want) {
    const ids = new Set(mem.memberIds(w.id));
    // the shared cluster holding most of this one's members
    let best = -1, bestOverlap = 0;
    gotIds.forEach((g, i) => {
      let n = 0;
      for (const id of ids) if (g.has(id)) n++;
      if (n > bestOverlap) { bestOverlap = n; best = i; }
    });
    expect(best).toBeGreaterThanOrEqual(0);
    const g: Campaign = got[best];
    expect(Math.abs(g.size - w.size)).toBeLessThanOrEqual(Math.floor(w.size * 0.01));
    expect(Math.abs(g.accounts - w.accounts)).toBeLessThanOrEqual(Math.floor(w.accounts * 0.01));
    expect(bestOverlap).toBeGreaterThanOrEqual(Math.ceil(w.size * 0.99));
    expect(g.firstSeen).toBe(w.firstSeen);
    expect(g.lastSeen).toBe(w.lastSeen);
    if (g.size === w.size && bestOverlap === w.size) exact++;
  }
  return { campaigns: want.length, exact };
}

describe("split stream over 4 processes", () => {
  it("standalone Redis: the shared campaigns match one in-memory Detector", async () => {
    const reports = await runWorkers({ port: server.port }, "split");
    for (const r of reports) expect(r.error ?? "").toBe("");
    expect(reports.reduce((a, r) => a + r.added, 0)).toBe(makeStream(STREAM).texts.length);
    const client = new Redis({ port: server.port, host: "127.0.0.1" });
    try {
      const r = await compare(new RedisDetector({ client, prefix: "split" }));
      console.log(`standalone: ${r.exact} of ${r.campaigns} campaigns identical in size and members`);
    } finally {
      client.disconnect();
    }
  });

  it("Redis Cluster (3 primaries): the shared campaigns match one in-memory Detector", async () => {
    const reports = await runWorkers({ cluster: cluster.startupNodes }, "split-cluster");
    for (const r of reports) expect(r.error ?? "").toBe("");
    const client = new Cluster(cluster.startupNodes);
    try {
      const r = await compare(new RedisDetector({ client, prefix: "split-cluster" }));
      console.log(`cluster: ${r.exact} of ${r.campaigns} campaigns identical in size and members`);
    } finally {
      client.disconnect();
    }
  });
});
