// Issue 5, failures: Redis killed mid-stream (kill -9) and restarted from its AOF (appendfsync
// always): adds reject with a RedisDetectorError while it is down, the detector continues after
// the restart, and no acknowledged prompt is lost; the state stays whole (no half-inserted
// prompt). A stalled server (SIGSTOP) makes calls reject at the timeout instead of hanging.
import { describe, it, expect, afterAll } from "vitest";
import { Redis } from "ioredis";
import { initSync } from "../../src/index.js";
import { RedisDetector, RedisDetectorError } from "../../src/redis/index.js";
import { RedisServer } from "./harness.mjs";
import { makeStream } from "./stream.mjs";

initSync();
const servers: RedisServer[] = [];
const clients: Redis[] = [];
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await Promise.all(servers.map((s) => s.stop()));
});

const TIMEOUT = 300;
const s = makeStream({ campaigns: 6, noise: 3000, maxSize: 100, seed: 17 });

async function start(aof: boolean) {
  const server = await RedisServer.start({ aof });
  servers.push(server);
  // no offline queue: while the connection is down a command fails at once instead of waiting
  const client = new Redis({ port: server.port, host: "127.0.0.1", enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => 50, lazyConnect: true });
  client.on("error", () => { /* reported through the detector's errors */ });
  await client.connect();
  clients.push(client);
  return { server, client };
}

/** Every structure agrees on the live prompts: nothing half-inserted or half-evicted. */
async function checkWhole(client: Redis, prefix: string) {
  const k = (n: string) => `{${prefix}}:${n}`;
  const meta = await client.hgetall(k("meta"));
  const live = Number(meta.next) - Number(meta.head);
  // each record ends with its cluster id and a byte: the id's length, + 128 for a one-prompt cluster
  const records = await client.hgetallBuffer(k("it"));
  expect(Object.keys(records).length).toBe(live);
  const byCluster = new Map<string, string[]>();
  let solos = 0;
  for (const [seq, b] of Object.entries(records)) {
    const t = b[b.length - 1], L = t % 128;
    const c = b.subarray(b.length - 1 - L, b.length - 1).toString();
    if (t >= 128) solos++;
    byCluster.set(c, [...(byCluster.get(c) ?? []), seq]);
  }
  // every live cluster has its info; a cluster with a size entry has its member set, of that
  // size, holding exactly the prompts labelled with it; a one-prompt cluster has neither
  const infos = await client.hkeys(k("ci"));
  expect(infos.sort()).toEqual([...byCluster.keys()].sort());
  const cs = await client.zrange(k("cs"), "0", "-1", "WITHSCORES");
  let sum = 0;
  for (let i = 0; i < cs.length; i += 2) {
    sum += Number(cs[i + 1]);
    expect((await client.zrange(k(`cm:${cs[i]}`), "0", "-1")).sort()).toEqual(byCluster.get(cs[i])!.sort());
    expect(cs[i + 1]).toBe(String(byCluster.get(cs[i])!.length));
  }
  expect(sum + solos).toBe(live);
  expect(cs.length / 2 + solos).toBe(byCluster.size);
  // a bucket's seqs ascend; the newest is live, and so is every seq from head on (older ones wait
  // for the bucket's next write)
  const seqs = new Set(await client.hkeys(k("it")));
  const buckets = await client.hvals(k("bk"));
  for (const b of buckets) {
    const list = b.split(",");
    expect(seqs.has(list[list.length - 1])).toBe(true);
    for (let i = 0; i < list.length; i++) {
      if (i > 0) expect(Number(list[i])).toBeGreaterThan(Number(list[i - 1]));
      if (Number(list[i]) >= Number(meta.head)) expect(seqs.has(list[i])).toBe(true);
    }
  }
  // superseded-band marks only for live prompts
  for (const seq of await client.hkeys(k("sp"))) expect(seqs.has(seq)).toBe(true);
  return live;
}

async function allIds(red: RedisDetector): Promise<Set<string | undefined>> {
  const ids = new Set<string | undefined>();
  for (const c of await red.clusters()) for (const id of await red.memberIds(c.id)) ids.add(id);
  return ids;
}

describe("Redis killed mid-stream, restarted from its AOF", () => {
  it("errors while down, continues after, loses no acknowledged prompt", async () => {
    const { server, client } = await start(true);
    const red = new RedisDetector({ client, prefix: "crash", timeoutMs: TIMEOUT, window: { prompts: 5000 } });
    const acked: string[] = [];
    const errors: RedisDetectorError[] = [];
    let i = 0;
    // single adds, then a kill in the middle of a batch
    for (; i < 300; i++) { await red.add(s.texts[i], s.metas[i]); acked.push(s.metas[i].id); }
    // a batch of 2000 (8 round trips of 256) with the kill landing while it runs: a second
    // connection watches the stored prompts and kills the server once 500 more are in
    const watcher = new Redis({ port: server.port, host: "127.0.0.1", retryStrategy: () => null });
    watcher.on("error", () => {});
    const kill = (async () => {
      while ((await watcher.hlen("{crash}:it")) < 800) await new Promise((r) => setTimeout(r, 1));
      await server.kill("SIGKILL");
      watcher.disconnect();
    })();
    try {
      await red.addBatch(s.texts.slice(i, i + 2000), s.metas.slice(i, i + 2000));
    } catch (err) {
      expect(err).toBeInstanceOf(RedisDetectorError);
      const e = err as RedisDetectorError;
      errors.push(e);
      e.clusterIds!.forEach((id, j) => { if (id >= 0) acked.push(s.metas[i + j].id); });
    }
    i += 2000;
    await kill;
    // the kill landed inside a batch: that batch rejected, with the prompts Redis acknowledged
    expect(errors.length).toBe(1);
    const ackedBeforeRestart = acked.length;
    expect(ackedBeforeRestart).toBeGreaterThanOrEqual(300 + 256);
    expect(ackedBeforeRestart).toBeLessThan(300 + 2000);
    // while down: every call rejects quickly with a clear error
    for (let n = 0; n < 5; n++, i++) {
      const t0 = Date.now();
      const err = await red.add(s.texts[i], s.metas[i]).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(RedisDetectorError);
      expect(["unavailable", "timeout"]).toContain((err as RedisDetectorError).problem);
      expect((err as Error).message).toMatch(/RedisDetector\.add: Redis (is unreachable|did not answer)/);
      expect(Date.now() - t0).toBeLessThan(TIMEOUT + 500);
    }
    await server.launch();
    // after the restart: the client reconnects and adds succeed again
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await red.add(s.texts[i], s.metas[i]);
        acked.push(s.metas[i].id);
        i++;
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    for (let n = 0; n < 100; n++, i++) { await red.add(s.texts[i], s.metas[i]); acked.push(s.metas[i].id); }
    const ids = await allIds(red);
    const lost = acked.filter((id) => !ids.has(id));
    expect(lost).toEqual([]);
    const live = await checkWhole(client, "crash");
    expect(live).toBeGreaterThanOrEqual(acked.length);
    expect(live).toBeLessThanOrEqual(i);
    expect(await red.size()).toBe(live);
    console.log(`crash: ${ackedBeforeRestart} acknowledged before the kill, ${i - acked.length} calls failed, ${live} live after restart, 0 acknowledged lost`);
  });
});

describe("a stalled Redis (SIGSTOP)", () => {
  it("add and addBatch reject at the timeout instead of hanging, and work again after SIGCONT", async () => {
    const { server, client } = await start(false);
    const red = new RedisDetector({ client, prefix: "stall", timeoutMs: TIMEOUT });
    await red.addBatch(s.texts.slice(0, 100), s.metas.slice(0, 100));
    server.pause();
    try {
      for (const call of [() => red.add(s.texts[100], s.metas[100]), () => red.addBatch(s.texts.slice(101, 120), s.metas.slice(101, 120)), () => red.clusters()]) {
        const t0 = Date.now();
        const err = await call().then(() => null, (e: unknown) => e);
        const took = Date.now() - t0;
        expect(err).toBeInstanceOf(RedisDetectorError);
        expect((err as RedisDetectorError).problem).toBe("timeout");
        expect((err as Error).message).toMatch(/did not answer within 300 ms/);
        expect(took).toBeGreaterThanOrEqual(TIMEOUT - 5);
        expect(took).toBeLessThan(TIMEOUT + 500);
      }
    } finally {
      server.resume();
    }
    // the stalled commands run when the server resumes (a rejected add may have been applied)
    const r = await red.add(s.texts[200], s.metas[200]);
    expect(r.clusterSize).toBeGreaterThanOrEqual(1);
    await checkWhole(client, "stall");
  });

  it("with the client's offline queue on, a server that is gone still rejects at the timeout", async () => {
    const server = await RedisServer.start();
    servers.push(server);
    const client = new Redis({ port: server.port, host: "127.0.0.1" }); // ioredis defaults: queue and retry
    client.on("error", () => {});
    clients.push(client);
    const red = new RedisDetector({ client, prefix: "gone", timeoutMs: TIMEOUT });
    await red.add("a first prompt, before the server goes away");
    await server.kill("SIGKILL");
    const t0 = Date.now();
    const err = await red.add("a second prompt").then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(RedisDetectorError);
    expect((err as RedisDetectorError).problem).toBe("timeout");
    expect(Date.now() - t0).toBeLessThan(TIMEOUT + 500);
  });
});
