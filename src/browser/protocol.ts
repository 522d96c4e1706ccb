/**
 * Messages between `BrowserSignPool` (pool.ts) and its Web Workers (sign-worker.ts).
 *
 *   pool -> worker   Start { hasher }                      once, right after the worker starts
 *   worker -> pool   Ready | Failed                        the kernel is loaded (or could not be)
 *   pool -> worker   Job { id, text, lengths, at, output | spare }  one chunk of a batch
 *   worker -> pool   Done { id, sigs? } | JobFailed        sigs: the chunk's rows, transferred
 *
 * Two ways for signatures to come back, chosen per pool:
 *   shared     `output` is one SharedArrayBuffer for the whole batch (only when the page is
 *              crossOriginIsolated); the worker writes the chunk's rows straight into it from
 *              slot `at` on, and answers without data. Nothing is copied.
 *   transfer   the worker signs into an ArrayBuffer and transfers it back (moved, not cloned);
 *              the pool copies it into the batch's result and hands it back as the `spare` of
 *              the worker's next job, so a worker allocates a buffer only when a chunk outgrows
 *              the ones it has.
 */
import type { MinHasherOptions } from "../minhash.js";

export interface StartMessage {
  type: "start";
  hasher: MinHasherOptions;
}

export interface JobMessage {
  type: "job";
  id: number;
  /**
   * The chunk's texts joined into one string, and each one's length in UTF-16 units (transferred):
   * one long string is cloned at memcpy speed, a thousand short ones each cost a clone of their own.
   */
  text: string;
  lengths: Uint32Array;
  /** Shared mode: the slot of `output` (a Uint32Array index) where the chunk's first row goes. */
  at: number;
  /** Shared mode: the batch's output. */
  output?: SharedArrayBuffer;
  /** Transfer mode: a buffer the worker may sign into (returned from an earlier chunk). */
  spare?: ArrayBuffer;
}

export type ToWorker = StartMessage | JobMessage;

export type FromWorker =
  | { type: "ready"; simd: boolean }
  | { type: "failed"; message: string }
  | { type: "done"; id: number; sigs?: ArrayBuffer }
  | { type: "job-failed"; id: number; message: string };
