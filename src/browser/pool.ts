/**
 * Signing on every core in a browser: a pool of Web Workers, each with its own kernel instance.
 * Signatures are identical to `MinHasher.signBatch` on one thread (same kernel, same inputs).
 *
 * A batch is cut into chunks that workers take from one queue (two in flight per worker, so a
 * worker never waits for its next chunk to be cloned); a chunk's texts travel as one joined string
 * and their lengths. Results come back without a copy across threads:
 *   - when the page is crossOriginIsolated, every worker writes its rows straight into one
 *     SharedArrayBuffer: the returned array is a view on it and nothing is copied at all;
 *   - otherwise each chunk's rows come back in an ArrayBuffer that is transferred (moved, not
 *     cloned), copied once into the result, and handed back to the worker for its next chunk.
 * Messages and their layout: protocol.ts.
 */
import { MinHasher, type MinHasherOptions } from "../minhash.js";
import { describeValue } from "../text.js";
import type { FromWorker, JobMessage, ToWorker } from "./protocol.js";

/** Options of `BrowserSignPool.create`. */
export interface BrowserSignPoolOptions {
  /** Web Workers to start, 1 to 256; default `navigator.hardwareConcurrency`. */
  workers?: number;
  /** Most texts per chunk sent to a worker; default 1024 (a chunk also ends at about 1 M characters). */
  chunk?: number;
  /**
   * Write signatures into one SharedArrayBuffer (true) or transfer per-chunk ArrayBuffers (false).
   * Default: shared when the page is crossOriginIsolated, which SharedArrayBuffer requires.
   */
  shared?: boolean;
  /**
   * Starts one worker running neardup's `browser-sign-worker.js`. The default,
   * `new Worker(new URL("./browser-sign-worker.js", import.meta.url), { type: "module" })`, is the
   * form bundlers (Vite, webpack 5, Parcel) follow; pass your own when yours does not.
   */
  createWorker?: () => Worker;
}

/** Longest chunk in UTF-16 units, so a few huge texts do not hold one worker while others idle. */
const CHUNK_CHARS = 1 << 20;
/** Chunks in flight per worker. */
const IN_FLIGHT = 2;

interface Batch {
  out: Uint32Array;
  /** Slot of `out` where row 0 goes. */
  offset: number;
  /** Workers write into `out.buffer` directly (it is shared). */
  direct: boolean;
  pending: number;
  failed: boolean;
  resolve: () => void;
  reject: (err: Error) => void;
}

interface Task {
  batch: Batch;
  id: number;
  row: number;
  texts: string[];
}

interface Slot {
  worker: Worker;
  inFlight: Map<number, Task>;
  /** Buffers returned by this worker, to be handed back for its next chunks. */
  spares: ArrayBuffer[];
}

function defaultWorker(): Worker {
  return new Worker(new URL("./browser-sign-worker.js", import.meta.url), { type: "module", name: "neardup-sign" });
}

/** Starts a worker and waits until its kernel is loaded. */
function start(make: () => Worker, hasher: MinHasherOptions): Promise<Worker> {
  let worker: Worker;
  try {
    worker = make();
  } catch (err) {
    return Promise.reject(new Error(`BrowserSignPool: could not start a Web Worker: ${(err as Error).message}`));
  }
  return new Promise((resolve, reject) => {
    const done = (): void => {
      worker.removeEventListener("message", onMessage);
      worker.removeEventListener("error", onError);
    };
    const onMessage = (e: MessageEvent<FromWorker>): void => {
      done();
      if (e.data.type === "ready") resolve(worker);
      else {
        worker.terminate();
        reject(new Error(`BrowserSignPool: a worker could not load the kernel: ${e.data.type === "failed" ? e.data.message : e.data.type}`));
      }
    };
    const onError = (e: ErrorEvent): void => {
      done();
      worker.terminate();
      reject(new Error(
        `BrowserSignPool: the signing worker failed to start (${e.message || "its script could not be loaded"}); ` +
        "if your bundler does not emit neardup's browser-sign-worker.js next to its browser module, pass createWorker; " +
        "on a crossOriginIsolated page the worker script must also be served with Cross-Origin-Embedder-Policy",
      ));
    };
    worker.addEventListener("message", onMessage);
    worker.addEventListener("error", onError);
    worker.postMessage({ type: "start", hasher } satisfies ToWorker);
  });
}

/**
 * A pool of signing Web Workers for one hasher configuration. Close it when done.
 * @example
 * await init();
 * const pool = await BrowserSignPool.create({ numPerm: 128 });
 * const sigs = await pool.signBatch(prompts);   // = new MinHasher({ numPerm: 128 }).signBatch(prompts)
 * await pool.close();
 */
export class BrowserSignPool {
  /** Slots per signature. */
  readonly numPerm: number;
  /** Workers in the pool. */
  readonly workers: number;
  /** Whether signatures are written into a SharedArrayBuffer (else transferred per chunk). */
  readonly shared: boolean;
  readonly #chunk: number;
  readonly #slots: Slot[];
  readonly #queue: Task[] = [];
  #head = 0;
  #nextId = 0;
  #broken: Error | null = null;

  private constructor(numPerm: number, workers: Worker[], chunk: number, shared: boolean) {
    this.numPerm = numPerm;
    this.workers = workers.length;
    this.shared = shared;
    this.#chunk = chunk;
    this.#slots = workers.map((worker) => ({ worker, inFlight: new Map(), spares: [] }));
    for (const slot of this.#slots) {
      slot.worker.addEventListener("message", (e: MessageEvent<FromWorker>) => this.#onMessage(slot, e.data));
      slot.worker.addEventListener("error", (e: ErrorEvent) => this.#fail(new Error(`BrowserSignPool: a worker failed: ${e.message || "unknown error"}`)));
      slot.worker.addEventListener("messageerror", () => this.#fail(new Error("BrowserSignPool: a worker's message could not be read")));
    }
  }

  /**
   * Starts the workers and loads the kernel in each; resolves when all are ready. Hasher options
   * are checked here, on the caller's thread, with the errors `new MinHasher(opts)` gives.
   * @example const pool = await BrowserSignPool.create({ algorithm: "classic" }, { workers: 4 });
   */
  static async create(hasher: MinHasherOptions = {}, opts: BrowserSignPoolOptions = {}): Promise<BrowserSignPool> {
    const numPerm = new MinHasher(hasher).numPerm;
    if (opts === null || typeof opts !== "object") {
      throw new TypeError(`BrowserSignPool.create: options must be an object such as { workers: 4 }, got ${describeValue(opts)}`);
    }
    const known = ["workers", "chunk", "shared", "createWorker"];
    for (const k of Object.keys(opts)) {
      if (!known.includes(k)) throw new TypeError(`BrowserSignPool.create: unknown option '${k}'; valid options are ${known.join(", ")}`);
    }
    const cores = typeof navigator !== "undefined" && navigator.hardwareConcurrency > 0 ? navigator.hardwareConcurrency : 1;
    const workers = opts.workers ?? cores;
    if (!Number.isInteger(workers) || workers < 1 || workers > 256) {
      throw new RangeError(`BrowserSignPool.create: workers must be an integer in [1, 256], got ${describeValue(workers)}`);
    }
    const chunk = opts.chunk ?? 1024;
    if (!Number.isInteger(chunk) || chunk < 1) throw new RangeError(`BrowserSignPool.create: chunk must be a positive integer, got ${describeValue(chunk)}`);
    const canShare = typeof SharedArrayBuffer !== "undefined" && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
    if (opts.shared !== undefined && typeof opts.shared !== "boolean") {
      throw new TypeError(`BrowserSignPool.create: shared must be a boolean, got ${describeValue(opts.shared)}`);
    }
    if (opts.shared === true && !canShare) {
      throw new Error(
        "BrowserSignPool.create: shared: true needs SharedArrayBuffer, which browsers give only to crossOriginIsolated pages " +
        "(serve the page with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp), or omit it",
      );
    }
    if (opts.createWorker !== undefined && typeof opts.createWorker !== "function") {
      throw new TypeError(`BrowserSignPool.create: createWorker must be a function returning a Worker, got ${describeValue(opts.createWorker)}`);
    }
    if (typeof Worker === "undefined") {
      throw new Error("BrowserSignPool.create: Web Workers are not available here; in Node.js use SignPool from 'neardup/node'");
    }
    const make = opts.createWorker ?? defaultWorker;
    const started = await Promise.allSettled(Array.from({ length: workers }, () => start(make, hasher)));
    const failure = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failure !== undefined) {
      for (const s of started) if (s.status === "fulfilled") s.value.terminate();
      throw failure.reason;
    }
    const ws = started.map((s) => (s as PromiseFulfilledResult<Worker>).value);
    return new BrowserSignPool(numPerm, ws, chunk, opts.shared ?? canShare);
  }

  /**
   * Signatures of `texts`, row-major (`texts.length × numPerm`), as `MinHasher.signBatch` gives
   * them. Over a SharedArrayBuffer when the pool is `shared`, else over an ArrayBuffer of its own.
   * Batches may overlap; their chunks share the workers.
   * @example const sigs = await pool.signBatch(prompts); const row3 = sigs.subarray(3 * 128, 4 * 128);
   */
  async signBatch(texts: readonly string[]): Promise<Uint32Array> {
    this.#checkTexts(texts, "signBatch");
    const bytes = texts.length * this.numPerm * 4;
    const out = this.shared ? new Uint32Array(new SharedArrayBuffer(bytes)) : new Uint32Array(bytes / 4);
    await this.#run(texts, out, 0);
    return out;
  }

  /**
   * `signBatch` into a caller's buffer from slot `offset` on. Workers write into `out` directly when
   * its buffer is a SharedArrayBuffer and the pool is `shared`.
   * @example const buf = new Uint32Array(n * 128); await pool.signBatchInto(prompts, buf);
   */
  async signBatchInto(texts: readonly string[], out: Uint32Array, offset = 0): Promise<void> {
    this.#checkTexts(texts, "signBatchInto");
    if (!(out instanceof Uint32Array)) throw new TypeError(`BrowserSignPool.signBatchInto: out must be a Uint32Array, got ${describeValue(out)}`);
    const need = texts.length * this.numPerm;
    if (!Number.isInteger(offset) || offset < 0 || offset + need > out.length) {
      throw new RangeError(
        `BrowserSignPool.signBatchInto: out has ${out.length} slots but offset ${String(offset)} + ${need} are needed; allocate new Uint32Array(offset + ${need})`,
      );
    }
    await this.#run(texts, out, offset);
  }

  /** Stops the workers; batches still running are rejected. */
  async close(): Promise<void> {
    this.#fail(new Error("BrowserSignPool: the pool was closed"));
  }

  #checkTexts(texts: readonly string[], where: string): void {
    if (!Array.isArray(texts)) throw new TypeError(`BrowserSignPool.${where}: texts must be an array of strings, got ${describeValue(texts)}`);
    for (let i = 0; i < texts.length; i++) {
      if (typeof texts[i] !== "string") throw new TypeError(`BrowserSignPool.${where}: texts[${i}] must be a string, got ${describeValue(texts[i])}`);
    }
    if (this.#broken !== null) throw this.#broken;
  }

  #run(texts: readonly string[], out: Uint32Array, offset: number): Promise<void> {
    const n = texts.length;
    if (n === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const direct = this.shared && out.buffer instanceof SharedArrayBuffer;
      const batch: Batch = { out, offset, direct, pending: 0, failed: false, resolve, reject };
      // about one chunk per worker for small batches, `chunk` texts for large ones
      const size = Math.max(1, Math.min(this.#chunk, Math.max(64, Math.ceil(n / this.workers))));
      for (let row = 0; row < n;) {
        let end = row, chars = 0;
        while (end < n && end - row < size && (end === row || chars < CHUNK_CHARS)) chars += texts[end++].length;
        this.#queue.push({ batch, id: this.#nextId++, row, texts: texts.slice(row, end) });
        batch.pending++;
        row = end;
      }
      this.#pump();
    });
  }

  /** Sends queued chunks to workers with room for them. */
  #pump(): void {
    for (const slot of this.#slots) {
      while (slot.inFlight.size < IN_FLIGHT) {
        const task = this.#take();
        if (task === undefined) return;
        slot.inFlight.set(task.id, task);
        const { batch } = task;
        const lengths = new Uint32Array(task.texts.length);
        for (let i = 0; i < lengths.length; i++) lengths[i] = task.texts[i].length;
        const job: JobMessage = { type: "job", id: task.id, text: task.texts.join(""), lengths, at: batch.offset + task.row * this.numPerm };
        const transfer: Transferable[] = [lengths.buffer];
        if (batch.direct) {
          job.output = batch.out.buffer as SharedArrayBuffer;
          job.at += batch.out.byteOffset >>> 2;
        } else {
          const spare = slot.spares.pop();
          if (spare !== undefined) {
            job.spare = spare;
            transfer.push(spare);
          }
        }
        slot.worker.postMessage(job, transfer);
      }
    }
  }

  #take(): Task | undefined {
    while (this.#head < this.#queue.length) {
      const task = this.#queue[this.#head++];
      if (this.#head === this.#queue.length) {
        this.#queue.length = 0;
        this.#head = 0;
      }
      if (!task.batch.failed) return task;
    }
    return undefined;
  }

  #onMessage(slot: Slot, msg: FromWorker): void {
    if (msg.type !== "done" && msg.type !== "job-failed") return;
    const task = slot.inFlight.get(msg.id);
    if (task === undefined) return;
    slot.inFlight.delete(msg.id);
    const { batch } = task;
    if (msg.type === "job-failed") {
      if (!batch.failed) {
        batch.failed = true;
        batch.reject(new Error(`BrowserSignPool: a worker failed: ${msg.message}`));
      }
    } else if (!batch.failed) {
      const t = this.numPerm;
      if (msg.sigs !== undefined) batch.out.set(new Uint32Array(msg.sigs, 0, task.texts.length * t), batch.offset + task.row * t);
      if (--batch.pending === 0) batch.resolve();
    }
    if (msg.type === "done" && msg.sigs !== undefined && slot.spares.length < IN_FLIGHT) slot.spares.push(msg.sigs);
    this.#pump();
  }

  /** Stops every worker and rejects every batch still running with `err`. */
  #fail(err: Error): void {
    if (this.#broken === null) this.#broken = err;
    for (const slot of this.#slots) {
      slot.worker.terminate();
      for (const task of slot.inFlight.values()) {
        if (!task.batch.failed) {
          task.batch.failed = true;
          task.batch.reject(err);
        }
      }
      slot.inFlight.clear();
      slot.spares.length = 0;
    }
    for (let i = this.#head; i < this.#queue.length; i++) {
      const { batch } = this.#queue[i];
      if (!batch.failed) {
        batch.failed = true;
        batch.reject(err);
      }
    }
    this.#queue.length = 0;
    this.#head = 0;
  }
}

/**
 * One-shot parallel signing in a browser: starts a pool, signs, closes it.
 * @example const sigs = await signParallel(prompts, { numPerm: 128 }, { workers: 4 });
 */
export async function signParallel(
  texts: readonly string[], hasher: MinHasherOptions = {}, opts: BrowserSignPoolOptions = {},
): Promise<Uint32Array> {
  const pool = await BrowserSignPool.create(hasher, opts);
  try {
    return await pool.signBatch(texts);
  } finally {
    await pool.close();
  }
}
