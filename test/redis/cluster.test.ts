// Issue 5 on a 3-node Redis Cluster (started by the test with `redis-cli --cluster create`):
// RedisDetector through an ioredis Cluster client gives the in-memory Detector's answers; all keys
// of one detector sit in one slot (its hash tag), and detectors with other prefixes spread over
// the nodes.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Cluster, Redis } from "ioredis";
import { initSync, Detector } from "../../src/index.js";
import { RedisDetector } from "../../src/redis/index.js";
import { startCluster } from "./harness.mjs";
import { makeStream } from "./stream.mjs";

initSync();
let cluster: Awaited<ReturnType<typeof startCluster>>;
let client: Cluster;
beforeAll(async () => {
  cluster = await startCluster(3);
  client = new Cluster(cluster.startupNodes, { enableOfflineQueue: false });
  await new Promise<void>((resolve, reject) => { client.once("ready", () => resolve()); client.once("error", reject); });
}, 90_000);
afterAll(async () => {
  client?.disconnect();
  await cluster?.stop();
});

describe("RedisDetector on Redis Cluster", () => {
  it("gives the in-memory Detector's ids and clusters (window of 500 prompts)", async () => {
    const s = makeStream({ campaigns: 8, noise: 800, maxSize: 120, seed: 3 });
    const mem = new Detector({ mode: "near-duplicate", window: { prompts: 500 } });
    const red = new RedisDetector({ client, prefix: "c-eq", window: { prompts: 500 } });
    expect(Array.from(await red.addBatch(s.texts, s.metas))).toEqual(Array.from(mem.addBatch(s.texts, s.metas)));
    expect(await red.clusters()).toEqual(mem.clusters());
    const one = await red.add(s.texts[0], s.metas[0]);
    expect(one).toEqual(mem.add(s.texts[0], s.metas[0]));
  });

  it("one detector's keys live on one node, in one slot; prefixes spread over the nodes", async () => {
    const prefixes = Array.from({ length: 12 }, (_, i) => `shard-${i}`);
    for (const prefix of prefixes) {
      // two copies of one prompt: a cluster of two, so the detector has all its kinds of keys
      // (meta bk it ci cs sp, and the cluster's cm and ca)
      const d = new RedisDetector({ client, prefix });
      for (let i = 0; i < 2; i++) await d.add(`a prompt for ${prefix} with a few words in it`, { account: "a" });
    }
    const nodesWithKeys = new Set<number>();
    for (const s of cluster.nodes) {
      const node = new Redis({ port: s.port, host: "127.0.0.1" });
      try {
        const keys = await node.keys("{shard-*");
        const tags = new Set(keys.map((k) => k.slice(0, k.indexOf("}") + 1)));
        for (const tag of tags) {
          // every key of this tag is on this node and in the tag's slot
          const slot = await node.cluster("KEYSLOT", tag);
          for (const k of keys.filter((x) => x.startsWith(tag))) expect(await node.cluster("KEYSLOT", k)).toBe(slot);
          expect(keys.filter((x) => x.startsWith(tag)).length).toBe(8);
        }
        if (tags.size > 0) nodesWithKeys.add(s.port);
      } finally {
        node.disconnect();
      }
    }
    // 12 hash tags over 3 nodes: all on one node has probability 3 * (1/3)^12 < 1e-5 (and the
    // slots are fixed by the names, so this never flakes)
    expect(nodesWithKeys.size).toBeGreaterThan(1);
  });
});
