/**
 * Worker side of the signing pool (parallel.ts): loads the kernel once, then signs each chunk of
 * texts it is sent straight into the shared output buffer, and answers with the chunk's id.
 */
import { parentPort, workerData } from "node:worker_threads";
import { initSync, MinHasher, type MinHasherOptions } from "../index.js";

interface Job { id: number; texts: string[]; row: number }

const { hasher: opts, output } = workerData as { hasher: MinHasherOptions; output: SharedArrayBuffer | null };
initSync();
const hasher = new MinHasher(opts);
let out: Uint32Array | null = output ? new Uint32Array(output) : null;

parentPort!.on("message", (msg: Job | { output: SharedArrayBuffer }) => {
  if ("output" in msg) {
    out = new Uint32Array(msg.output);
    return;
  }
  try {
    hasher.signBatchInto(msg.texts, out!, msg.row * hasher.numPerm);
    parentPort!.postMessage({ id: msg.id });
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
  }
});
