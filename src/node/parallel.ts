/**
 * Signing on every core (Node.js): a pool of worker threads, each with its own kernel instance,
 * signs chunks of a batch directly into one SharedArrayBuffer, so signatures come back without a
 * copy. Results are identical to `MinHasher.signBatch` on one thread (same kernel, same inputs).
 */
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { MinHasher, type MinHasherOptions } from "../minhash.js";
import { describeValue } from "../text.js";

/** Options of `SignPool`. */
export interface SignPoolOptions {
  /** Worker threads; default `os.availableParallelism()`. */
  workers?: number;
  /** Texts per message to a worker; default 2048. */
  chunk?: number;
}

const workerUrl = new URL("./sign-worker.js", import.meta.url);

/**
 * A pool of signing workers for one hasher configuration. Close it when done.
 * @example
 * const pool = new SignPool({ numPerm: 128 }, { workers: 2 });
 * const sigs = await pool.signBatch(prompts);   // Uint32Array over a SharedArrayBuffer
 * await pool.close();
 */
export class SignPool {
  readonly numPerm: number;
  readonly workers: number;
  readonly #chunk: number;
  readonly #pool: Worker[] = [];
  #busy = false;

  constructor(hasher: MinHasherOptions = {}, opts: SignPoolOptions = {}) {
    this.numPerm = new MinHasher(hasher).numPerm; // validates the options here, on the caller's thread
    const workers = opts.workers ?? Math.max(1, availableParallelism());
    if (!Number.isInteger(workers) || workers < 1 || workers > 256) {
      throw new RangeError(`SignPool: workers must be an integer in [1, 256], got ${describeValue(workers)}`);
    }
    const chunk = opts.chunk ?? 2048;
    if (!Number.isInteger(chunk) || chunk < 1) throw new RangeError(`SignPool: chunk must be a positive integer, got ${describeValue(chunk)}`);
    this.workers = workers;
    this.#chunk = chunk;
    for (let i = 0; i < workers; i++) this.#pool.push(new Worker(workerUrl, { workerData: { hasher, output: null } }));
  }

  /**
   * Signatures of `texts`, row-major (`texts.length × numPerm`), as `MinHasher.signBatch` would give;
   * the array is a view on a SharedArrayBuffer.
   */
  async signBatch(texts: readonly string[]): Promise<Uint32Array> {
    if (!Array.isArray(texts)) throw new TypeError(`SignPool.signBatch: texts must be an array of strings, got ${describeValue(texts)}`);
    for (let i = 0; i < texts.length; i++) {
      if (typeof texts[i] !== "string") throw new TypeError(`SignPool.signBatch: texts[${i}] must be a string, got ${describeValue(texts[i])}`);
    }
    if (this.#busy) throw new Error("SignPool.signBatch: the pool is busy with another batch; await it first or use another pool");
    if (this.#pool.length === 0) throw new Error("SignPool.signBatch: the pool is closed");
    this.#busy = true;
    try {
      const shared = new SharedArrayBuffer(texts.length * this.numPerm * 4);
      for (const w of this.#pool) w.postMessage({ output: shared });
      let next = 0;
      const chunk = this.#chunk;
      // two chunks in flight per worker, so a worker never waits for the next one to be cloned
      await Promise.all(this.#pool.map((w) => new Promise<void>((resolve, reject) => {
        let inFlight = 0;
        const done = () => {
          w.off("message", onMessage);
          w.off("error", onError);
        };
        const send = () => {
          if (next >= texts.length) return;
          const row = next;
          next = Math.min(texts.length, next + chunk);
          inFlight++;
          w.postMessage({ id: row, texts: texts.slice(row, next), row });
        };
        const onMessage = (m: { id: number; error?: string }) => {
          inFlight--;
          if (m.error !== undefined) {
            done();
            reject(new Error(`SignPool: a worker failed: ${m.error}`));
            return;
          }
          send();
          if (inFlight === 0) {
            done();
            resolve();
          }
        };
        const onError = (e: Error) => {
          done();
          reject(e);
        };
        w.on("message", onMessage);
        w.on("error", onError);
        send();
        send();
        if (inFlight === 0) {
          done();
          resolve();
        }
      })));
      return new Uint32Array(shared);
    } finally {
      this.#busy = false;
    }
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    const ws = this.#pool.splice(0);
    await Promise.all(ws.map((w) => w.terminate()));
  }
}

/**
 * One-shot parallel signing: starts a pool, signs, closes it.
 * @example const sigs = await signParallel(prompts, { numPerm: 128 }, { workers: 2 });
 */
export async function signParallel(texts: readonly string[], hasher: MinHasherOptions = {}, opts: SignPoolOptions = {}): Promise<Uint32Array> {
  const pool = new SignPool(hasher, opts);
  try {
    return await pool.signBatch(texts);
  } finally {
    await pool.close();
  }
}
