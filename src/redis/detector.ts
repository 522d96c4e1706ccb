/**
 * `RedisDetector`: the near-duplicate campaign detector of `detector.ts` with its state in Redis,
 * so that many Node processes behind a load balancer share one view of the stream.
 *
 * Signing stays local (the WebAssembly MinHasher, numPerm 128, the same banding as the in-memory
 * Detector: `recallBanding(threshold)`, MMDS §3.4); only state goes to Redis. Each `add` is one
 * EVALSHA of the ADD script (scripts.ts), which Redis runs atomically; `addBatch` gives the
 * script 16 prompts per call and pipelines 16 calls per round trip. All keys of one detector carry one hash tag, `{prefix}`, so a script
 * may touch all of them on Redis Cluster (Redis Cluster spec, *Hash tags*): one detector lives on
 * one slot, hence on one primary; detectors with different prefixes spread over the cluster.
 *
 * Failure behaviour: every round trip is bounded by `timeoutMs` (the client's own timeouts too,
 * if set); an error or a timeout rejects with a `RedisDetectorError` and never yields a made-up
 * answer. A rejected `add` may or may not have been applied (a reply lost on the way back), like
 * any write to a remote store; an `add` that resolved is in Redis, and survives a Redis restart
 * when Redis persists with AOF and `appendfsync always` (Redis replies after the fsync).
 */
import { MinHasher } from "../minhash.js";
import { initSync, usingSimd } from "../kernel.js";
import { recallBanding } from "../cluster.js";
import { templateOf } from "../align.js";
import { checkMeta, checkOptions, describeValue, intOption, thresholdOption, windowOption } from "../text.js";
import type { Campaign, PromptMeta } from "../detector.js";
import { ADD_LUA, CAMPAIGN_LUA, MEMBERS_LUA, RESET_LUA } from "./scripts.js";

/**
 * The part of an ioredis client (`Redis` or `Cluster`, ioredis 5 or 6) the detector uses. Build it
 * with `enableOfflineQueue: false` so that commands fail at once while the connection is down
 * instead of waiting in a queue (and running later, after the caller was told they failed).
 */
export interface RedisClient {
  defineCommand(name: string, definition: { numberOfKeys?: number; lua: string }): void;
  pipeline(): unknown;
}

/** Options of `RedisDetector`. */
export interface RedisDetectorOptions {
  /** An ioredis `Redis` or `Cluster` client (the detector never closes it). */
  client: RedisClient;
  /** Names the detector's keys: `{prefix}:meta`, `{prefix}:bk`, ...; default "neardup". No braces. */
  prefix?: string;
  /** Only 'near-duplicate' (the default here); template mode has no Redis store. */
  mode?: "near-duplicate";
  /** Jaccard threshold in (0, 1]; default 0.8. */
  threshold?: number;
  /** A cluster is flagged from this size on; default 5. */
  minClusterSize?: number;
  /** Forget prompts beyond the newest `prompts`, and/or older than `ms` before the newest time. */
  window?: { prompts?: number; ms?: number };
  /** Example texts kept per cluster; default 3. */
  maxExamples?: number;
  /** Longest wait for one round trip to Redis, in ms; default 1000. */
  timeoutMs?: number;
}

/** What went wrong: Redis did not answer in time, could not be reached, or refused the call. */
export type RedisDetectorProblem = "timeout" | "unavailable" | "config" | "redis";

/**
 * The one error type of `neardup/redis`. `problem` says which kind; `cause` holds the client's
 * error. For `addBatch`, `clusterIds` has the cluster of each prompt Redis acknowledged and -1 for
 * the others (all -1 after a timeout: nothing is known then).
 */
export class RedisDetectorError extends Error {
  readonly problem: RedisDetectorProblem;
  clusterIds?: Int32Array;
  constructor(problem: RedisDetectorProblem, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "RedisDetectorError";
    this.problem = problem;
  }
}

const NUM_PERM = 128;
/** Newest matching prompts visited per band, as the in-memory Detector's `maxPerBand`. */
const PER_BAND = 8;
/** Prompts per round trip in `addBatch`. */
const BATCH_CHUNK = 256;
/**
 * Prompts per ADD script call in `addBatch` (16 calls per round trip): fewer calls cost Redis and
 * the client less per prompt; more would hold Redis longer per call (~0.5 ms for 16) while other
 * clients wait.
 */
const GROUP = 16;
/** Round trips of one `addBatch` in flight at once. */
const IN_FLIGHT = 4;
const KEY_NAMES = ["meta", "bk", "it", "cl", "cs", "ci", "sp"] as const;
const CMD = { add: "neardupAdd", campaign: "neardupCampaign", members: "neardupMembers", reset: "neardupReset" };
const defined = new WeakSet<object>();

type Result = { clusterId: number; clusterSize: number; flagged: boolean };
type Pipeline = { exec(): Promise<[Error | null, unknown][] | null> } & Record<string, (...args: unknown[]) => unknown>;

/**
 * A near-duplicate campaign detector whose state lives in Redis; every process that builds one
 * with the same client target and `prefix` sees the same clusters.
 * @example
 * import Redis from "ioredis";
 * import { RedisDetector } from "neardup/redis";
 * const client = new Redis({ enableOfflineQueue: false, maxRetriesPerRequest: 1 });
 * const d = new RedisDetector({ client, prefix: "prod", window: { prompts: 1_000_000 } });
 * const { clusterId, flagged } = await d.add(prompt, { account: "acct-42", id: requestId });
 */
export class RedisDetector {
  /** The keys' hash tag: every key is `{prefix}:...`. */
  readonly prefix: string;
  /** Jaccard threshold of a near-duplicate. */
  readonly threshold: number;
  /** A cluster is flagged from this size on. */
  readonly minClusterSize: number;
  /** The window (Infinity where none). */
  readonly window: { readonly prompts: number; readonly ms: number };
  /** Example texts kept per cluster. */
  readonly maxExamples: number;
  /** Longest wait for one round trip, in ms. */
  readonly timeoutMs: number;
  /** The LSH banding, `recallBanding(threshold)` as in the in-memory Detector (bands x rows). */
  readonly bands: number;
  readonly rows: number;
  readonly #client: RedisClient;
  readonly #hasher: MinHasher;
  readonly #keys: string[];
  readonly #cfg: string;
  readonly #fixed: string[];

  constructor(opts: RedisDetectorOptions) {
    const where = "RedisDetector";
    const o = checkOptions(opts, ["client", "prefix", "mode", "threshold", "minClusterSize", "window", "maxExamples", "timeoutMs"], where);
    const client = o.client as RedisClient;
    if (client === null || typeof client !== "object" || typeof client.defineCommand !== "function" || typeof client.pipeline !== "function") {
      throw new TypeError(`${where}: client must be an ioredis Redis or Cluster instance, got ${describeValue(client)}`);
    }
    const mode = o.mode ?? "near-duplicate";
    if (mode === "template") {
      throw new RangeError(`${where}: template mode has no Redis store; use mode 'near-duplicate' here, or the in-memory Detector for templates`);
    }
    if (mode !== "near-duplicate") throw new RangeError(`${where}: mode must be 'near-duplicate', got ${describeValue(mode)}`);
    const prefix = o.prefix ?? "neardup";
    if (typeof prefix !== "string" || prefix.length === 0 || /[{}]/.test(prefix)) {
      throw new TypeError(`${where}: prefix must be a non-empty string without '{' or '}' (it becomes the keys' hash tag), got ${describeValue(prefix)}`);
    }
    const threshold = thresholdOption(o.threshold, where);
    this.prefix = prefix;
    this.threshold = threshold;
    this.minClusterSize = intOption(o.minClusterSize, "minClusterSize", 1, 2 ** 31 - 1, 5, where);
    this.maxExamples = intOption(o.maxExamples, "maxExamples", 0, 1000, 3, where);
    this.timeoutMs = intOption(o.timeoutMs, "timeoutMs", 1, 2 ** 31 - 1, 1000, where);
    this.window = windowOption(o.window, where);
    const { prompts, ms } = this.window;
    // neardup/redis is Node-only; load the kernel here if the caller has not (under CommonJS this
    // entry has its own copy of it)
    if (usingSimd() === undefined) initSync();
    this.#hasher = new MinHasher({ numPerm: NUM_PERM });
    const { bands, rows } = recallBanding(threshold);
    this.bands = bands;
    this.rows = rows;
    this.#client = client;
    this.#keys = KEY_NAMES.map((k) => `{${prefix}}:${k}`);
    const h = this.#hasher;
    // everything two detectors on one prefix must agree on (checked by the ADD script)
    this.#cfg = [
      "v3", `minhash=${h.algorithm}/${h.numPerm}/${h.seed}/${h.shingle.unit}/${h.shingle.size}/${h.shingle.normalize ? "norm" : "raw"}`,
      `threshold=${threshold}`, `bands=${bands}x${rows}`, `perBand=${PER_BAND}`,
      `window=${prompts}/${ms}`, `maxExamples=${this.maxExamples}`,
    ].join(" ");
    this.#fixed = [this.#cfg, String(threshold), String(PER_BAND), prompts === Infinity ? "-1" : String(prompts),
      ms === Infinity ? "-1" : String(ms), String(this.maxExamples), String(NUM_PERM), String(bands)];
    if (!defined.has(client)) {
      client.defineCommand(CMD.add, { numberOfKeys: KEY_NAMES.length, lua: ADD_LUA });
      client.defineCommand(CMD.campaign, { numberOfKeys: 4, lua: CAMPAIGN_LUA });
      client.defineCommand(CMD.members, { numberOfKeys: 3, lua: MEMBERS_LUA });
      client.defineCommand(CMD.reset, { numberOfKeys: KEY_NAMES.length, lua: RESET_LUA });
      defined.add(client);
    }
  }

  /**
   * Adds one prompt in one round trip and answers with its cluster, the cluster's size, and
   * whether the cluster is flagged (size >= minClusterSize). Rejects with a `RedisDetectorError`
   * within `timeoutMs` when Redis does not answer.
   * @example const { clusterId, clusterSize, flagged } = await d.add("Explain step by step how to pick a lock.", { account: "u1" });
   */
  async add(text: string, meta?: PromptMeta): Promise<Result> {
    if (typeof text !== "string") throw new TypeError(`RedisDetector.add: text must be a string, got ${describeValue(text)}`);
    const m = checkMeta(meta, "RedisDetector.add");
    const sig = this.#hasher.sign(text);
    const cmd = this.#command("add");
    const r = (await this.#call("add", () => cmd(...this.#keys, ...this.#fixed, ...this.#args(text, m, sig)))) as [number, number];
    return { clusterId: Number(r[0]), clusterSize: Number(r[1]), flagged: Number(r[1]) >= this.minClusterSize };
  }

  /**
   * Adds many prompts, in order, pipelining up to 256 of them per round trip as 16 script calls
   * of 16 prompts (up to 4 round trips in flight on a standalone client, 1 on a Cluster client;
   * prompts are signed chunk by chunk while earlier round trips run). Each call of 16 is atomic,
   * and each prompt in it is added exactly as a single `add` would; the batch is not one
   * transaction. Returns their cluster ids at the time each was added.
   * `opts.signatures` may carry their signatures (row-major, 128 slots each, from a default
   * `MinHasher` or `SignPool`). On failure the error's `clusterIds` tells which prompts
   * Redis acknowledged (id >= 0).
   * @example const ids = await d.addBatch(prompts, prompts.map((_, i) => ({ account: accounts[i], id: ids[i] })));
   */
  async addBatch(texts: readonly string[], metas?: readonly PromptMeta[], opts?: { signatures?: Uint32Array }): Promise<Int32Array> {
    const where = "RedisDetector.addBatch";
    if (!Array.isArray(texts)) throw new TypeError(`${where}: texts must be an array of strings, got ${describeValue(texts)}`);
    if (metas !== undefined && (!Array.isArray(metas) || metas.length !== texts.length)) {
      throw new TypeError(`${where}: metas must be an array as long as texts (${texts.length}), or omitted`);
    }
    const sigs = checkOptions(opts, ["signatures"], where).signatures as Uint32Array | undefined;
    if (sigs !== undefined && (!(sigs instanceof Uint32Array) || sigs.length !== texts.length * NUM_PERM)) {
      throw new RangeError(`${where}: signatures must be a Uint32Array of texts.length x ${NUM_PERM} = ${texts.length * NUM_PERM} slots (from a MinHasher with default options), got ${describeValue(sigs)}${sigs instanceof Uint32Array ? ` of ${sigs.length}` : ""}`);
    }
    const ms: PromptMeta[] = new Array(texts.length);
    for (let i = 0; i < texts.length; i++) {
      if (typeof texts[i] !== "string") throw new TypeError(`${where}: texts[${i}] must be a string, got ${describeValue(texts[i])}`);
      ms[i] = checkMeta(metas?.[i], `${where} (metas[${i}])`);
    }
    const out = new Int32Array(texts.length).fill(-1);
    // up to IN_FLIGHT round trips at once on the connection (Redis runs them in order), so the
    // client prepares the next chunk while Redis runs the previous one. A Cluster client may hold
    // a pipeline back (e.g. while it refreshes its slot map) and send a later one first, which
    // would reorder the prompts: there, one round trip at a time.
    const inFlight = (this.#client as { isCluster?: boolean }).isCluster === true ? 1 : IN_FLIGHT;
    let failure: unknown = null;
    const inflight = new Set<Promise<void>>();
    for (let start = 0; start < texts.length && failure === null; start += BATCH_CHUNK) {
      const end = Math.min(texts.length, start + BATCH_CHUNK);
      // signed chunk by chunk, while the round trips in flight run
      const sig = sigs?.subarray(start * NUM_PERM, end * NUM_PERM) ?? this.#hasher.signBatch(texts.slice(start, end));
      const trip: Promise<void> = this.#call("addBatch", () => {
        const p = this.#client.pipeline() as Pipeline;
        for (let g = start; g < end; g += GROUP) {
          const args: unknown[] = [...this.#keys, ...this.#fixed];
          for (let i = g; i < Math.min(end, g + GROUP); i++) {
            args.push(...this.#args(texts[i], ms[i], sig.subarray((i - start) * NUM_PERM, (i - start + 1) * NUM_PERM)));
          }
          p[CMD.add](...args);
        }
        return p.exec();
      }).then((replies) => {
        for (let g = start; g < end; g += GROUP) {
          const [err, r] = replies?.[(g - start) / GROUP] ?? [new Error("no reply"), null];
          if (err) failure ??= err;
          else for (let i = g; i < Math.min(end, g + GROUP); i++) out[i] = Number((r as number[])[2 * (i - g)]);
        }
      }, (err: unknown) => { failure ??= err; }).finally(() => inflight.delete(trip));
      inflight.add(trip);
      if (inflight.size >= inFlight) await Promise.race(inflight);
    }
    await Promise.all(inflight);
    if (failure !== null) {
      const e = wrap(failure, "addBatch", this.timeoutMs);
      e.clusterIds = out;
      throw e;
    }
    return out;
  }

  /**
   * The campaign of one cluster id (as returned by `add`), or undefined if it has no live member
   * or was merged into another cluster since. Read atomically.
   * @example const c = await d.cluster(clusterId); // { size, accounts, topAccounts, firstSeen, ... }
   */
  async cluster(id: number): Promise<Campaign | undefined> {
    if (typeof id !== "number" || !Number.isInteger(id)) throw new TypeError(`RedisDetector.cluster: id must be an integer, got ${describeValue(id)}`);
    const cmd = this.#command("campaign");
    const r = await this.#call("cluster", () => cmd(this.#keys[0], this.#keys[4], this.#keys[5], this.#keys[2], String(id), "1", String(NUM_PERM), String(this.bands)));
    return r === null ? undefined : this.#campaign(id, r as CampaignReply);
  }

  /**
   * Current clusters (live members only), largest first, ties by id. Each cluster is read
   * atomically; the list is not one snapshot (prompts added meanwhile may show in some clusters).
   * @example const flagged = await d.clusters({ flaggedOnly: true });
   */
  async clusters(opts?: { minSize?: number; flaggedOnly?: boolean }): Promise<Campaign[]> {
    const where = "RedisDetector.clusters";
    const o = checkOptions(opts, ["minSize", "flaggedOnly"], where);
    const flaggedOnly = o.flaggedOnly ?? false;
    if (typeof flaggedOnly !== "boolean") throw new TypeError(`${where}: flaggedOnly must be a boolean`);
    let minSize = intOption(o.minSize, "minSize", 1, 2 ** 31 - 1, 1, where);
    if (flaggedOnly) minSize = Math.max(minSize, this.minClusterSize);
    const client = this.#client as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    // one-prompt clusters have no size entry (only `ci` lists every cluster)
    const ids = (await this.#call("clusters", () => (minSize <= 1 ? client.hkeys(this.#keys[5]) : client.zrangebyscore(this.#keys[4], String(minSize), "+inf")))) as string[];
    const out: Campaign[] = [];
    for (let start = 0; start < ids.length; start += BATCH_CHUNK) {
      const part = ids.slice(start, start + BATCH_CHUNK);
      const replies = await this.#call("clusters", () => {
        const p = this.#client.pipeline() as Pipeline;
        for (const id of part) p[CMD.campaign](this.#keys[0], this.#keys[4], this.#keys[5], this.#keys[2], id, "1", String(NUM_PERM), String(this.bands));
        return p.exec();
      });
      for (let i = 0; i < part.length; i++) {
        const [err, r] = replies?.[i] ?? [new Error("no reply"), null];
        if (err) throw wrap(err, "clusters", this.timeoutMs);
        if (r !== null) {
          const c = this.#campaign(Number(part[i]), r as CampaignReply);
          if (c.size >= minSize) out.push(c);
        }
      }
    }
    out.sort((a, b) => b.size - a.size || a.id - b.id);
    return out;
  }

  /**
   * The caller's ids of a cluster's live members, in arrival order (undefined where none was
   * given); [] for an unknown cluster.
   * @example const requestIds = await d.memberIds(clusterId);
   */
  async memberIds(clusterId: number): Promise<(string | undefined)[]> {
    if (typeof clusterId !== "number" || !Number.isInteger(clusterId)) {
      throw new TypeError(`RedisDetector.memberIds: clusterId must be an integer, got ${describeValue(clusterId)}`);
    }
    const cmd = this.#command("members");
    const r = (await this.#call("memberIds", () => cmd(this.#keys[0], this.#keys[2], this.#keys[5], String(clusterId), String(NUM_PERM), String(this.bands)))) as [string[], (string | null)[]];
    return r[1].map((id) => (id === null ? undefined : id));
  }

  /**
   * Live prompts (all processes together).
   * @example await d.size() // 1000000
   */
  async size(): Promise<number> {
    const client = this.#client as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    const [next, head] = (await this.#call("size", () => client.hmget(this.#keys[0], "next", "head"))) as (string | null)[];
    return Number(next ?? 0) - Number(head ?? 0);
  }

  /**
   * Deletes the detector's keys (every process sharing the prefix starts over). One script: Redis
   * is blocked for a time proportional to the number of clusters.
   * @example await d.reset();
   */
  async reset(): Promise<void> {
    const cmd = this.#command("reset");
    await this.#call("reset", () => cmd(...this.#keys));
  }

  #command(name: keyof typeof CMD): (...args: unknown[]) => Promise<unknown> {
    const c = this.#client as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    return (...args) => c[CMD[name]](...args);
  }

  #args(text: string, m: PromptMeta, sig: Uint32Array): unknown[] {
    const timeS = String(m.time ?? Date.now());
    const rec = itemRecord(sig, this.bands, this.rows, timeS, m.account, m.id);
    return [timeS, m.account !== undefined ? "1" : "0", m.account ?? "", this.maxExamples > 0 ? text : "", rec];
  }

  /** Runs one round trip, bounded by timeoutMs; every failure becomes a RedisDetectorError. */
  async #call<T>(what: string, run: () => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RedisDetectorError("timeout",
        `RedisDetector.${what}: Redis did not answer within ${this.timeoutMs} ms; check that the server is up and reachable (the request may or may not have been applied)`)), this.timeoutMs);
    });
    try {
      let p: Promise<T>;
      try {
        p = run();
      } catch (err) {
        throw wrap(err, what, this.timeoutMs);
      }
      return await Promise.race([p.catch((err: unknown) => { throw wrap(err, what, this.timeoutMs); }), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  #campaign(id: number, r: CampaignReply): Campaign {
    const [sizeS, firstS, lastS, acc, ex, members] = r;
    const size = Number(sizeS);
    const accounts: [string, number][] = [];
    for (let i = 0; i < acc.length; i += 2) accounts.push([acc[i], Number(acc[i + 1])]);
    const top = accounts.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 5);
    let examples: string[] = [];
    if (ex !== "") {
      const parsed: unknown = JSON.parse(ex);
      if (Array.isArray(parsed)) examples = parsed as string[];
    }
    const firstSeen = Number(firstS), lastSeen = Number(lastS);
    const span = Math.max(lastSeen - firstSeen, 1000);
    return {
      id, size, members: members.map(Number).sort((a, b) => a - b),
      template: size >= 2 ? templateOf(examples) : examples[0] ?? "",
      accounts: accounts.length, topAccounts: top, firstSeen, lastSeen, ratePerMinute: (size * 60000) / span, examples,
    };
  }
}

type CampaignReply = [string, string, string, string[], string, string[]];

/**
 * A prompt's `{T}:it` record, as the ADD script stores it:
 *
 *   +---------------------------+----------------------+----------------------------------------+
 *   | signature: numPerm x u32  | band fields:         | MessagePack [time (str), account (str  |
 *   | little-endian             | bands x 8 bytes      | or false), id (str or false)]          |
 *   +---------------------------+----------------------+----------------------------------------+
 *
 * Built here rather than in Lua, which saves Redis a concatenation and a cmsgpack.pack per add;
 * the scripts read the tail with cmsgpack.unpack (MessagePack spec: fixarray, str8/16/32, false).
 */
export function itemRecord(sig: Uint32Array, bands: number, rows: number, timeS: string, account?: string, id?: string): Buffer {
  const strs = [timeS, account, id].map((v) => (v === undefined ? undefined : Buffer.from(v, "utf8")));
  let tail = 1;
  for (const b of strs) tail += b === undefined ? 1 : b.length + (b.length < 32 ? 1 : b.length < 256 ? 2 : b.length < 65536 ? 3 : 5);
  const out = Buffer.allocUnsafe(sig.byteLength + bands * 8 + tail);
  Buffer.from(sig.buffer, sig.byteOffset, sig.byteLength).copy(out, 0);
  bandFieldsInto(sig, bands, rows, out, sig.byteLength);
  let o = sig.byteLength + bands * 8;
  out[o++] = 0x93;
  for (const b of strs) {
    if (b === undefined) { out[o++] = 0xc2; continue; }
    const n = b.length;
    if (n < 32) out[o++] = 0xa0 | n;
    else if (n < 256) { out[o++] = 0xd9; out[o++] = n; }
    else if (n < 65536) { out[o++] = 0xda; out.writeUInt16BE(n, o); o += 2; }
    else { out[o++] = 0xdb; out.writeUInt32BE(n, o); o += 4; }
    o += b.copy(out, o);
  }
  return out;
}

/**
 * The band fields of a signature: per band, 8 bytes (two 32-bit MurmurHash3-style hashes of the
 * band's rows with seeds that depend on the band, so equal rows in two bands give two fields).
 * Two different bands collide with probability ~2^-64; a collision could only add a candidate,
 * which verification on the signatures then rejects.
 */
export function bandFields(sig: Uint32Array, bands: number, rows: number): Buffer {
  return bandFieldsInto(sig, bands, rows, Buffer.allocUnsafe(bands * 8), 0);
}

/** `bandFields` written into `out` from byte `at` on. */
function bandFieldsInto(sig: Uint32Array, bands: number, rows: number, out: Buffer, at: number): Buffer {
  for (let j = 0; j < bands; j++) {
    out.writeUInt32LE(hashRows(sig, j * rows, rows, 0x9747b28c ^ Math.imul(j, 0x9e3779b1)), at + j * 8);
    out.writeUInt32LE(hashRows(sig, j * rows, rows, 0x5bd1e995 ^ Math.imul(j + 1, 0x85ebca6b)), at + j * 8 + 4);
  }
  return out;
}

/** MurmurHash3_x86_32's body and finalizer over whole words (A. Appleby, public domain). */
function hashRows(a: Uint32Array, start: number, r: number, seed: number): number {
  let h = seed | 0;
  for (let i = start; i < start + r; i++) {
    let k = Math.imul(a[i], 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= r << 2;
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16;
  return h >>> 0;
}

function wrap(err: unknown, what: string, timeoutMs: number): RedisDetectorError {
  if (err instanceof RedisDetectorError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  if (msg.startsWith("NEARDUP_CONFIG")) {
    return new RedisDetectorError("config", `RedisDetector.${what}: ${msg.slice("NEARDUP_CONFIG ".length)}; every process sharing a prefix must use the same threshold, window and maxExamples (or use another prefix)`, err);
  }
  if (/timed out|timeout/i.test(msg)) {
    return new RedisDetectorError("timeout", `RedisDetector.${what}: Redis did not answer within ${timeoutMs} ms (${msg}); check that the server is up and reachable (the request may or may not have been applied)`, err);
  }
  if (/ECONNREFUSED|ECONNRESET|EPIPE|closed|writeable|not connected|offline|Connection is|Failed to refresh slots|None of startup nodes|CLUSTERDOWN|LOADING|MaxRetriesPerRequest|ENOTFOUND|EHOSTUNREACH/i.test(msg)) {
    return new RedisDetectorError("unavailable", `RedisDetector.${what}: Redis is unreachable or restarting (${msg}); check the server and the client's host/port; requests fail until it is back, then continue`, err);
  }
  return new RedisDetectorError("redis", `RedisDetector.${what}: Redis refused the call: ${msg}`, err);
}

