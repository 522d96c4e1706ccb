/**
 * `cluster` on every core (Node.js), with the same answer as `cluster`:
 * - near-duplicate mode signs the texts with a `SignPool`, then clusters as `cluster` does;
 * - template mode runs the miner with a worker thread (`MinerThread`) that counts the n-grams of
 *   pass 1 and computes most of pass 2's supports, while this thread tokenizes and builds the
 *   skeletons (see `MinerHelper` in template.ts).
 */
import { Worker, MessageChannel, receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import { existsSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { cluster, clusterWith, PARALLEL_MIN_TEXTS, type Cluster, type ClusterOptions, type MinerThreads } from "../cluster.js";
import { packTexts, type MinerHelper, type U32Map } from "../template.js";
import { describeValue } from "../text.js";
import { initSync } from "../kernel.js";
import { signParallel, type SignPoolOptions } from "./parallel.js";
import {
  SENT, TOKENS, GRAMS, NEXT, FREED, FAILED, BEAT, STALL_MS, CONTROL_WORDS, RING, TEXTS_AHEAD, workerTokenizes, type ToWorker, type FromWorker,
} from "./miner-protocol.js";

export { PARALLEL_MIN_TEXTS };

const minerUrl = new URL("./miner-worker.js", import.meta.url);

type Table = { t: Uint32Array; size: number };
const EMPTY8 = new Uint8Array(0);

/**
 * The caller's side of the miner's worker thread (miner-worker.ts). `mine` calls it
 * synchronously: it posts work and waits on shared control words with `Atomics.wait` (allowed on
 * Node's main thread), and takes the worker's answers with `receiveMessageOnPort`.
 */
class MinerThread implements MinerHelper {
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #ctl = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
  readonly #who: string; // the function named in errors
  #texts: readonly string[] = [];
  #block = 1;
  #nb = 0;
  #textsSent = 0; // worker blocks whose texts are sent
  #open = 0; // of them, those whose tokens are neither received nor made here
  #claims: Int32Array = new Int32Array(0); // per block: 0, or who tokenizes it (1 this thread, 2 the worker)
  #textsAt = 0; // the block after the last one whose texts are sent
  #tokensGot = 0; // worker blocks whose tokens are received
  #bytes: Uint8Array[] = []; // packed texts (see #sendTexts)
  #slots: Int32Array[] = [];
  #ready: Int32Array = new Int32Array(0);

  private constructor(who: string) {
    this.#who = who;
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    this.#worker = new Worker(minerUrl, { workerData: { port: port2, ctl: this.#ctl }, transferList: [port2] });
    // (its failures reach the caller through the FAILED and BEAT control words, so its 'error'
    // event is only kept from becoming an uncaught error)
    this.#worker.on("error", () => undefined);
  }

  /**
   * Starts the worker without waiting for it (a thread starts while this one blocks in
   * `Atomics.wait`, and messages wait on the port until it reads them); null when the worker's
   * file is not there (a bundle that left dist/miner-worker.js out).
   */
  static open(who: string): MinerThread | null {
    if (minerUrl.protocol === "file:" && !existsSync(fileURLToPath(minerUrl))) return null;
    const m = new MinerThread(who);
    m.#worker.unref(); // (nothing awaits it: it must not keep the process alive)
    return m;
  }

  shared32(n: number): Uint32Array { return new Uint32Array(new SharedArrayBuffer(n * 4)); }
  sharedI32(n: number): Int32Array { return new Int32Array(new SharedArrayBuffer(n * 4)); }
  shared8(n: number): Uint8Array { return new Uint8Array(new SharedArrayBuffer(Math.max(1, n))); }

  begin(texts: readonly string[], block: number, seenBits: number): void {
    this.#texts = texts;
    this.#block = block;
    this.#nb = Math.ceil(texts.length / block);
    this.#claims = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, this.#nb)));
    this.#post({ type: "begin", seenBits, n: texts.length, block, claims: this.#claims });
    this.#sendTexts();
  }

  tokenizes(k: number): boolean {
    if (!workerTokenizes(k)) return false;
    // the worker's block, unless it has not started it: then this thread takes it
    if (Atomics.compareExchange(this.#claims, k, 0, 1) !== 0) return true;
    if (k < this.#textsAt) this.#open--; // (its texts, sent, stay unread)
    this.#sendTexts();
    return false;
  }

  tokens(k: number): { toks: Uint32Array; counts: Int32Array } {
    this.#wait(this.#ctl, TOKENS, this.#tokensGot + 1);
    const m = this.#receive();
    if (m.type !== "tokens" || m.k !== k) throw new Error(`${this.#who}: the miner's worker sent ${m.type} ${"k" in m ? m.k : ""} when the tokens of block ${k} were due`);
    this.#tokensGot++;
    this.#open--;
    this.#sendTexts();
    return m;
  }

  pooled(k: number, pool: Uint32Array, offs: Int32Array): void {
    this.#post({ type: "pooled", k, pool, offs });
  }

  grams(): Table {
    this.#wait(this.#ctl, GRAMS, 1);
    const m = this.#receive();
    if (m.type !== "grams") throw new Error(`${this.#who}: the miner's worker sent ${m.type} when its 3-gram table was due`);
    return m;
  }

  supportsFrom(pool: Uint32Array, offs: Int32Array, recurring: Uint8Array, n: number, block: number, theta: number, maxTotal: number, bf: U32Map): void {
    this.#slots = Array.from({ length: RING }, () => this.sharedI32(Math.max(1, maxTotal)));
    this.#ready = this.sharedI32(Math.max(1, this.#nb));
    this.#post({ type: "supports", pool, offs, recurring, n, block, theta, bf: { t: bf.t, size: bf.size }, slots: this.#slots, ready: this.#ready });
  }

  supports(k: number, compute: (c: number, out: Int32Array) => void): Int32Array {
    const ctl = this.#ctl, ready = this.#ready;
    for (;;) {
      if (Atomics.load(ready, k) !== 0) return this.#slots[k % RING];
      // not ready: claim the next block nobody has (k itself, or one ahead whose slot is free)
      // and compute it here rather than wait for the worker
      const c = Atomics.load(ctl, NEXT);
      if (c < this.#nb && c < k + RING && Atomics.compareExchange(ctl, NEXT, c, c + 1) === c) {
        const out = this.#slots[c % RING];
        compute(c, out);
        Atomics.store(ready, c, 1);
        continue;
      }
      if (c > k) this.#wait(ready, k, 1); // the worker has it
    }
  }

  release(k: number): void {
    Atomics.store(this.#ctl, FREED, k + 1);
    Atomics.notify(this.#ctl, FREED);
  }

  /** Stops the worker without waiting for it to end. */
  closeNow(): void {
    void this.#worker.terminate();
  }

  /** Sends the texts of the worker's next blocks, up to TEXTS_AHEAD ahead of its tokens. */
  #sendTexts(): void {
    while (this.#open < TEXTS_AHEAD) {
      let k = this.#textsAt;
      while (k < this.#nb && (!workerTokenizes(k) || Atomics.load(this.#claims, k) !== 0)) k++;
      if (k >= this.#nb) return;
      const b0 = k * this.#block;
      // ASCII texts as bytes in shared memory (a ring of buffers: the one of the worker's block
      // TEXTS_AHEAD + 1 before is free, its tokens are received), other texts as strings
      const r = this.#textsSent % (TEXTS_AHEAD + 1);
      const { packed, others } = packTexts(this.#texts, b0, Math.min(this.#texts.length, b0 + this.#block),
        (n) => (this.#bytes[r] = new Uint8Array(new SharedArrayBuffer(Math.ceil(n * 1.25)))), this.#bytes[r] ?? EMPTY8);
      this.#post({ type: "texts", k, bytes: packed.bytes, ends: packed.ends, others });
      this.#textsSent++;
      this.#open++;
      this.#textsAt = k + 1;
    }
  }

  #post(m: ToWorker): void {
    this.#port.postMessage(m);
    Atomics.add(this.#ctl, SENT, 1);
    Atomics.notify(this.#ctl, SENT);
  }

  #receive(): FromWorker {
    const m = receiveMessageOnPort(this.#port)?.message as FromWorker | undefined;
    if (m === undefined) throw new Error(`${this.#who}: the miner's worker signalled without a message`);
    if (m.type === "error") throw new Error(`${this.#who}: the miner's worker failed: ${m.message}`);
    return m;
  }

  /** Blocks until `words[at]` reaches `value`; throws the worker's error if it failed. */
  #wait(words: Int32Array, at: number, value: number): void {
    const ctl = this.#ctl;
    let beat = Atomics.load(ctl, BEAT), since = performance.now();
    for (;;) {
      const v = Atomics.load(words, at);
      if (v >= value) return;
      if (Atomics.load(ctl, FAILED) !== 0) {
        let m: FromWorker | undefined;
        do m = receiveMessageOnPort(this.#port)?.message; while (m !== undefined && m.type !== "error");
        throw new Error(`${this.#who}: the miner's worker failed: ${m?.type === "error" ? m.message : "no message"}`);
      }
      if (Atomics.wait(words, at, v, 1000) === "timed-out") {
        const b = Atomics.load(ctl, BEAT), now = performance.now();
        if (b !== beat) { beat = b; since = now; }
        else if (now - since > STALL_MS) {
          throw new Error(`${this.#who}: the miner's worker stopped (no sign of life for ${STALL_MS / 1000} s; out of memory?); cluster(texts, { threads: 1 }) runs the same work on the calling thread`);
        }
      }
    }
  }
}

/**
 * The worker threads of `cluster` under Node.js (index.node.ts sets them): one miner worker
 * started per call, synchronously, on machines with 2 or more cores.
 */
export const minerThreads: MinerThreads = {
  cores: Math.min(2, typeof availableParallelism === "function" ? availableParallelism() : cpus().length),
  open() {
    const m = MinerThread.open("cluster");
    return m === null ? null : { helper: m, close: () => m.closeNow() };
  },
};

/**
 * `cluster(texts, opts)` with the work spread over threads; the same labels and clusters.
 * Near-duplicate mode signs on `pool.workers` threads (default: every core); template mode runs
 * the miner with one worker thread. Inputs under `pool.minTexts` (default 50,000) texts, or with
 * `workers: 1`, run `cluster` directly.
 * @example
 * const { clusters } = await clusterParallel(prompts, { mode: "near-duplicate" }, { workers: 2 });
 * const { labels } = await clusterParallel(prompts, { mode: "template" });
 */
export async function clusterParallel(
  texts: readonly string[], opts?: ClusterOptions, pool?: SignPoolOptions & { minTexts?: number },
): Promise<{ labels: Int32Array; clusters: Cluster[] }> {
  if (!Array.isArray(texts)) throw new TypeError(`clusterParallel: texts must be an array of strings, got ${describeValue(texts)}`);
  const { minTexts = PARALLEL_MIN_TEXTS, ...poolOpts } = pool ?? {};
  // (the CommonJS build of neardup/node holds its own copy of the kernel, which the caller's
  // initSync of "neardup" did not load; initSync keeps whichever build is already loaded)
  initSync();
  for (let i = 0; i < texts.length; i++) {
    if (typeof texts[i] !== "string") throw new TypeError(`clusterParallel: texts[${i}] must be a string, got ${describeValue(texts[i])}`);
  }
  const mode = opts?.mode ?? "template";
  const parallel = texts.length >= minTexts && poolOpts.workers !== 1;
  if (parallel && mode === "template") {
    const m = MinerThread.open("clusterParallel");
    if (m !== null) {
      try {
        return clusterWith(texts, opts, undefined, m);
      } finally {
        m.closeNow();
      }
    }
  }
  // (on one thread: cluster as the Node build has it would start the worker on large inputs;
  // a bad mode gets cluster's error)
  if (!parallel || mode !== "near-duplicate") return cluster(texts, opts !== null && typeof opts === "object" ? { threads: 1, ...opts } : opts);
  const sigs = await signParallel(texts, {}, poolOpts);
  return clusterWith(texts, opts, sigs);
}
