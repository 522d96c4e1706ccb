// Where shingle hashes go: buffered in ELEM and handed to the configured sketch a batch at a time,
// so one call per ELEM_CAP elements crosses into the sketch code whatever the document's size.
import { ALGO, ALGO_FAST, ALGO_CLASSIC, ALGO_DATASKETCH, ALGO_SIMHASH, ALGO_DUMP } from "./config";
import { ELEM_PTR, ELEM_CAP, OUT_PTR, OUT_BYTES } from "./layout";
import { fastBegin, fastAdd, fastFinish, minBegin32, classicAdd, datasketchAdd, minFinish32 } from "./minhash";
import { simBegin, simAdd, simFinish } from "./simhash";

let n: i32 = 0;
let dumped: i32 = 0;

export function sinkBegin(): void {
  n = 0;
  if (ALGO == ALGO_FAST) fastBegin();
  else if (ALGO == ALGO_SIMHASH) simBegin();
  else if (ALGO == ALGO_DUMP) dumped = 0;
  else minBegin32();
}

export function sinkAdd(ptr: usize, count: i32): void {
  if (ALGO == ALGO_FAST) fastAdd(ptr, count);
  else if (ALGO == ALGO_CLASSIC) classicAdd(ptr, count);
  else if (ALGO == ALGO_DATASKETCH) datasketchAdd(ptr, count);
  else if (ALGO == ALGO_SIMHASH) simAdd(ptr, count);
  else {
    const room = (OUT_BYTES >>> 3) - dumped;
    const c = count < room ? count : room;
    memory.copy(OUT_PTR + (<usize>dumped << 3), ptr, <usize>c << 3);
    dumped += c;
  }
}

@inline export function sinkPush(h: u64): void {
  store<u64>(ELEM_PTR + (<usize>n << 3), h);
  if (++n == ELEM_CAP) {
    sinkAdd(ELEM_PTR, n);
    n = 0;
  }
}

/** Flushes buffered elements and writes the signature (u32 x T) or fingerprint (u64) to `out`.
 *  Returns the number of hashes dumped in ALGO_DUMP mode, else 0. */
export function sinkFinish(out: usize): i32 {
  if (n > 0) { sinkAdd(ELEM_PTR, n); n = 0; }
  if (ALGO == ALGO_FAST) fastFinish(out);
  else if (ALGO == ALGO_SIMHASH) store<u64>(out, simFinish());
  else if (ALGO == ALGO_DUMP) return dumped;
  else minFinish32(out);
  return 0;
}
