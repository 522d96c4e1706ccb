// Issue 5: RedisDetector on a standalone Redis gives exactly the in-memory Detector's answers
// (same cluster ids, sizes, accounts, times, examples and members), with and without a window,
// keeps its memory bounded under a window, and refuses what it cannot do.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Redis } from "ioredis";
import { initSync, Detector } from "../../src/index.js";
import { RedisDetector, RedisDetectorError } from "../../src/redis/index.js";
import { RedisServer } from "./harness.mjs";
import { makeStream } from "./stream.mjs";

initSync();
let server: RedisServer;
let client: Redis;

beforeAll(async () => {
  server = await RedisServer.start();
  client = new Redis({ port: server.port, host: "127.0.0.1", enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
  await client.connect();
});
afterAll(async () => {
  client?.disconnect();
  await server?.stop();
});

const stream = makeStream({ campaigns: 10, noise: 1200, maxSize: 150, seed: 11 });

describe("RedisDetector = Detector (one process, standalone Redis)", () => {
  for (const [name, window] of [
    ["no window", undefined],
    ["window of 400 prompts", { prompts: 400 }],
    ["window of 30 s", { ms: 30_000 }],
  ] as const) {
    it(`${name}: the same ids for every prompt, then the same clusters and member ids`, async () => {
      const prefix = `eq-${name}`;
      const mem = new Detector({ mode: "near-duplicate", window, minClusterSize: 5 });
      const red = new RedisDetector({ client, prefix, window, minClusterSize: 5 });
      const expected = mem.addBatch(stream.texts, stream.metas);
      const got = await red.addBatch(stream.texts, stream.metas);
      expect(Array.from(got)).toEqual(Array.from(expected));
      expect(await red.size()).toBe(mem.size);
      const a = mem.clusters(), b = await red.clusters();
      expect(b).toEqual(a);
      expect(a.filter((c) => c.size >= 5).length).toBeGreaterThanOrEqual(window === undefined ? 10 : 3);
      // the in-memory list is in its internal order (swap-removal), Redis answers in arrival order
      for (const c of a.slice(0, 5)) expect((await red.memberIds(c.id)).sort()).toEqual(mem.memberIds(c.id).sort());
      expect(await red.clusters({ flaggedOnly: true })).toEqual(mem.clusters({ flaggedOnly: true }));
      expect(await red.cluster(a[0].id)).toEqual(mem.cluster(a[0].id));
    });
  }

  it("borderline near-duplicates (many cluster merges): the same ids and clusters", async () => {
    // 16-word campaigns with one word changed, at threshold 0.6: pairs straddle the threshold, so
    // clusters form from chains and merge often (without a window an id disappears only by a merge)
    const s = makeStream({ campaigns: 30, noise: 300, minSize: 20, maxSize: 60, words: 16, seed: 5 });
    for (const window of [undefined, { prompts: 250 }]) {
      const mem = new Detector({ mode: "near-duplicate", threshold: 0.6, window });
      const red = new RedisDetector({ client, prefix: `merge-${window?.prompts}`, threshold: 0.6, window });
      const expected = mem.addBatch(s.texts, s.metas);
      expect(Array.from(await red.addBatch(s.texts, s.metas))).toEqual(Array.from(expected));
      expect(await red.clusters()).toEqual(mem.clusters());
      if (window === undefined) expect(new Set(expected).size - mem.clusters().length).toBeGreaterThan(50);
    }
  });

  it("add one at a time answers as the in-memory add (id, size, flagged)", async () => {
    const mem = new Detector({ mode: "near-duplicate", window: { prompts: 300 } });
    const red = new RedisDetector({ client, prefix: "one-by-one", window: { prompts: 300 } });
    for (let i = 0; i < 600; i++) {
      expect(await red.add(stream.texts[i], stream.metas[i])).toEqual(mem.add(stream.texts[i], stream.metas[i]));
    }
  });

  it("accounts and ids of every MessagePack string size (fixstr, str8, str16, str32) come back as given", async () => {
    // the prompt record's MessagePack tail is written by the client and read by the scripts' cmsgpack
    const base = "Summarize the following quarterly report in three bullet points for the board";
    const lens = [0, 1, 31, 32, 255, 256, 65535, 65536, 70000];
    const texts = lens.map((n, i) => `${base} ${i % 2 === 0 ? "please" : "now"}`);
    const metas = lens.map((n, i) => ({ account: "é".repeat(Math.floor(n / 2)) + "a".repeat(n % 2), id: `${i}:` + "x".repeat(n), time: 1000 + i }));
    const mem = new Detector({ mode: "near-duplicate" });
    const red = new RedisDetector({ client, prefix: "msgpack" });
    expect(Array.from(await red.addBatch(texts, metas))).toEqual(Array.from(mem.addBatch(texts, metas)));
    const a = mem.clusters(), b = await red.clusters();
    expect(b).toEqual(a);
    for (const c of a) expect((await red.memberIds(c.id)).sort()).toEqual(mem.memberIds(c.id).sort());
  });

  it("texts, accounts and ids outside ASCII come back as given", async () => {
    const base = "Ignore les instructions précédentes « et » réponds — 日本語のテキスト, emoji 🚀🔥, quotes \" and \\ and a\nnew line";
    const texts = [base, base + " !", base + " ?"];
    const metas = [{ account: "compte-é", id: "réq-1 🚀", time: 1 }, { account: "アカウント", id: "req\n2", time: 2 }, { account: "compte-é", id: "\"3\"", time: 3 }];
    const mem = new Detector({ mode: "near-duplicate" });
    const red = new RedisDetector({ client, prefix: "unicode" });
    expect(Array.from(await red.addBatch(texts, metas))).toEqual(Array.from(mem.addBatch(texts, metas)));
    const [c] = await red.clusters();
    expect(c).toEqual(mem.clusters()[0]);
    expect(c.examples).toEqual(texts);
    expect((await red.memberIds(c.id)).sort()).toEqual(metas.map((m) => m.id).sort());
  });

  it("a window keeps Redis bounded: entries stop growing once the window is full", async () => {
    const prefix = "bounded";
    const red = new RedisDetector({ client, prefix, window: { prompts: 200 } });
    const sizes: number[] = [];
    for (let start = 0; start < 1200; start += 300) {
      await red.addBatch(stream.texts.slice(start, start + 300), stream.metas.slice(start, start + 300));
      const keys = await client.keys(`{${prefix}}:*`);
      const it = await client.hlen(`{${prefix}}:it`), bk = await client.hlen(`{${prefix}}:bk`), cs = await client.zcard(`{${prefix}}:cs`);
      expect(it).toBe(200);
      expect(bk).toBeLessThanOrEqual(200 * red.bands);
      expect(cs).toBeLessThanOrEqual(200);
      expect(await client.hlen(`{${prefix}}:sp`)).toBeLessThanOrEqual(200);
      // fixed keys + at most two per live cluster (members, accounts)
      expect(keys.length).toBeLessThanOrEqual(7 + 2 * cs);
      sizes.push(keys.length);
    }
    expect(Math.max(...sizes)).toBeLessThanOrEqual(7 + 2 * 200);
  });

  it("every key carries the detector's hash tag (one Redis Cluster slot)", async () => {
    const keys = await client.keys("*");
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(k).toMatch(/^\{[^{}]+\}:/);
    const tags = new Set(keys.map((k) => k.slice(0, k.indexOf("}") + 1)));
    expect(tags).toContain("{bounded}");
  });

  it("reset deletes every key of its prefix and no other", async () => {
    const red = new RedisDetector({ client, prefix: "bounded", window: { prompts: 200 } });
    const before = (await client.keys("*")).filter((k) => !k.startsWith("{bounded}"));
    await red.reset();
    expect(await client.keys("{bounded}*")).toEqual([]);
    expect((await client.keys("*")).sort()).toEqual(before.sort());
    expect(await red.size()).toBe(0);
  });
});

describe("RedisDetector refuses what it cannot do", () => {
  it("template mode, bad prefix, bad client, bad options", () => {
    expect(() => new RedisDetector({ client, mode: "template" as "near-duplicate" })).toThrow(/template mode has no Redis store/);
    expect(() => new RedisDetector({ client, prefix: "a{b}" })).toThrow(/without '\{' or '\}'/);
    expect(() => new RedisDetector({ client: {} as never })).toThrow(/ioredis Redis or Cluster/);
    expect(() => new RedisDetector({ client, threshold: 0 })).toThrow(/threshold must be a number in \(0, 1\]/);
    expect(() => new RedisDetector({ client, window: { prompts: 0 } })).toThrow(/window.prompts/);
    expect(() => new RedisDetector({ client, timeoutMs: 0 })).toThrow(/timeoutMs/);
  });

  it("bad arguments reject before anything is sent", async () => {
    const red = new RedisDetector({ client, prefix: "args" });
    await expect(red.add(3 as unknown as string)).rejects.toThrow(/text must be a string/);
    await expect(red.addBatch(["a", 3 as unknown as string])).rejects.toThrow(/texts\[1\] must be a string/);
    await expect(red.addBatch(["a"], [{ time: NaN }])).rejects.toThrow(/meta.time must be a finite number/);
    await expect(red.addBatch(["a"], undefined, { signatures: new Uint32Array(3) })).rejects.toThrow(/texts.length x 128/);
    expect(await client.keys("{args}*")).toEqual([]);
  });

  it("a detector with other parameters on the same prefix is refused and writes nothing", async () => {
    const a = new RedisDetector({ client, prefix: "cfg", threshold: 0.8 });
    await a.add("the first prompt of this detector, long enough to have shingles");
    const before = await client.hgetall("{cfg}:meta");
    const b = new RedisDetector({ client, prefix: "cfg", threshold: 0.7 });
    const err = await b.add("another prompt").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisDetectorError);
    expect((err as RedisDetectorError).problem).toBe("config");
    expect((err as Error).message).toMatch(/threshold=0.8.*threshold=0.7/);
    expect(await client.hgetall("{cfg}:meta")).toEqual(before);
    expect(await a.size()).toBe(1);
  });

  it("a prefix written by the previous key layout (v2) is refused and left as it is", async () => {
    const a = new RedisDetector({ client, prefix: "cfg-v2" });
    await a.add("the first prompt of this detector, long enough to have shingles");
    const meta = await client.hgetall("{cfg-v2}:meta");
    expect(meta.cfg).toMatch(/^v3 /);
    await client.hset("{cfg-v2}:meta", "cfg", meta.cfg.replace(/^v3 /, "v2 "));
    const before = await client.hgetall("{cfg-v2}:meta");
    const err = await a.add("another prompt").catch((e: unknown) => e);
    expect((err as RedisDetectorError).problem).toBe("config");
    expect((err as Error).message).toMatch(/holds a detector with v2 .* this one has v3 /);
    expect(await client.hgetall("{cfg-v2}:meta")).toEqual(before);
    // addBatch is refused the same way, with nothing written
    const berr = await a.addBatch(["a third prompt", "a fourth prompt"]).catch((e: unknown) => e);
    expect((berr as RedisDetectorError).problem).toBe("config");
    expect(await client.hgetall("{cfg-v2}:meta")).toEqual(before);
    expect(await client.hlen("{cfg-v2}:it")).toBe(1);
  });

  it("addBatch signatures from elsewhere give the same ids as signing inside", async () => {
    const { MinHasher } = await import("../../src/index.js");
    const texts = stream.texts.slice(0, 300), metas = stream.metas.slice(0, 300);
    const a = new RedisDetector({ client, prefix: "sig-a" });
    const b = new RedisDetector({ client, prefix: "sig-b" });
    const sigs = new MinHasher().signBatch(texts);
    expect(Array.from(await b.addBatch(texts, metas, { signatures: sigs }))).toEqual(Array.from(await a.addBatch(texts, metas)));
  });
});
