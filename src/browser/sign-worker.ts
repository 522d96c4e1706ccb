/**
 * Web Worker side of `BrowserSignPool` (pool.ts): loads the kernel once (synchronous compile is
 * allowed in workers), builds the pool's hasher, then signs each chunk it is sent, into the shared
 * output or into an ArrayBuffer it transfers back. Messages: protocol.ts.
 */
import { initSync, usingSimd } from "../kernel.js";
import { MinHasher } from "../minhash.js";
import type { FromWorker, ToWorker } from "./protocol.js";

interface WorkerScope {
  postMessage(message: FromWorker, options?: { transfer?: Transferable[] }): void;
  addEventListener(type: "message", listener: (e: MessageEvent<ToWorker>) => void): void;
}
const scope = globalThis as unknown as WorkerScope;

let hasher: MinHasher | null = null;
let shared: SharedArrayBuffer | null = null;
let sharedView: Uint32Array | null = null;

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

scope.addEventListener("message", (e) => {
  const msg = e.data;
  if (msg.type === "start") {
    try {
      initSync();
      hasher = new MinHasher(msg.hasher);
      scope.postMessage({ type: "ready", simd: usingSimd() === true });
    } catch (err) {
      scope.postMessage({ type: "failed", message: message(err) });
    }
    return;
  }
  const h = hasher!;
  try {
    const t = h.numPerm;
    const texts: string[] = new Array(msg.lengths.length);
    for (let i = 0, pos = 0; i < texts.length; i++) texts[i] = msg.text.slice(pos, (pos += msg.lengths[i]));
    if (msg.output !== undefined) {
      if (msg.output !== shared) {
        shared = msg.output;
        sharedView = new Uint32Array(shared);
      }
      h.signBatchInto(texts, sharedView!, msg.at);
      scope.postMessage({ type: "done", id: msg.id });
      return;
    }
    const bytes = texts.length * t * 4;
    const buf = msg.spare !== undefined && msg.spare.byteLength >= bytes ? msg.spare : new ArrayBuffer(bytes);
    h.signBatchInto(texts, new Uint32Array(buf, 0, texts.length * t), 0);
    scope.postMessage({ type: "done", id: msg.id, sigs: buf }, { transfer: [buf] });
  } catch (err) {
    scope.postMessage({ type: "job-failed", id: msg.id, message: message(err) });
  }
});
