// One of the processes of the split-stream test (split.test.ts) and of the benchmark's
// multi-process runs: builds its own RedisDetector (from the built package) on the shared Redis
// and adds its share of the stream: prompt i goes to worker i % workers.
// argv: JSON { target: { port } | { cluster: [{ host, port }] }, prefix, worker, workers, stream, chunk, window }
import { Redis, Cluster } from "ioredis";
import { initSync } from "../../dist/index.js";
import { RedisDetector } from "../../dist/redis.js";
import { makeStream } from "./stream.mjs";

const o = JSON.parse(process.argv[2]);
initSync();
const client = o.target.cluster
  ? new Cluster(o.target.cluster, { enableOfflineQueue: true })
  : new Redis({ host: "127.0.0.1", port: o.target.port, maxRetriesPerRequest: 1 });
const d = new RedisDetector({ client, prefix: o.prefix, window: o.window, timeoutMs: 10_000 });
const s = makeStream(o.stream);
const texts = [], metas = [];
for (let i = o.worker; i < s.texts.length; i += o.workers) { texts.push(s.texts[i]); metas.push(s.metas[i]); }
let added = 0;
try {
  // small batches, so the workers' prompts interleave in Redis
  for (let start = 0; start < texts.length; start += o.chunk) {
    await d.addBatch(texts.slice(start, start + o.chunk), metas.slice(start, start + o.chunk));
    added += Math.min(o.chunk, texts.length - start);
  }
  process.send?.({ ok: true, added });
} catch (err) {
  process.send?.({ ok: false, added, error: String(err?.stack ?? err) });
} finally {
  client.disconnect();
}
