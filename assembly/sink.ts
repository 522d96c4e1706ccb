// Where shingle hashes go: buffered in ELEM and handed to the configured sketch a batch at a time,
// so a document of any size streams through a bounded buffer.
//   ELEM as u32 x ELEM_CAP ('fast', 'classic', 'datasketch': 32-bit element hashes), or
//   ELEM as u64 x ELEM_CAP (SimHash, dump: 64-bit element hashes).
import { ALGO, ALGO_FAST, ALGO_CLASSIC, ALGO_DATASKETCH, ALGO_SIMHASH } from "./config";
import { ELEM_PTR, ELEM_CAP, OUT_PTR, OUT_BYTES } from "./layout";
import { fastBegin, fastAdd, fastFinish, minBegin32, classicAdd, datasketchAdd, minFinish32 } from "./minhash";
import { simBegin, simAdd, simFinish } from "./simhash";

let n: i32 = 0;
let dumped: i32 = 0;

export function sinkBegin(): void {
  n = 0;
  dumped = 0;
  if (ALGO == ALGO_FAST) fastBegin();
  else if (ALGO == ALGO_SIMHASH) simBegin();
  else minBegin32();
}

/** Hands `count` element hashes at `ptr` (u32 or u64 by algorithm) to the sketch. */
export function sinkAdd(ptr: usize, count: i32): void {
  if (ALGO == ALGO_FAST) fastAdd(ptr, count);
  else if (ALGO == ALGO_CLASSIC) classicAdd(ptr, count);
  else if (ALGO == ALGO_DATASKETCH) datasketchAdd(ptr, count);
  else if (ALGO == ALGO_SIMHASH) simAdd(ptr, count);
  else {
    // dump (test hook): copy the 64-bit hashes to OUT
    const room = (OUT_BYTES >>> 3) - dumped;
    const c = count < room ? count : room;
    memory.copy(OUT_PTR + (<usize>dumped << 3), ptr, <usize>c << 3);
    dumped += c;
  }
}

@inline function flush(): void {
  sinkAdd(ELEM_PTR, n);
  n = 0;
}

@inline export function sinkPush64(h: u64): void {
  store<u64>(ELEM_PTR + (<usize>n << 3), h);
  if (++n == ELEM_CAP) flush();
}

@inline export function sinkPush32(h: u32): void {
  store<u32>(ELEM_PTR + (<usize>n << 2), h);
  if (++n == ELEM_CAP) flush();
}

/** Room left in the element buffer (flushing first if it is full). */
export function sinkReserve(): i32 {
  if (n == ELEM_CAP) flush();
  return ELEM_CAP - n;
}

/** Claims `c` slots (c <= sinkReserve()), 64-bit when `wide`, and returns where to write them. */
export function sinkCommit(c: i32, wide: bool): usize {
  const p = ELEM_PTR + (<usize>n << (wide ? 3 : 2));
  n += c;
  return p;
}

/** Flushes buffered elements and writes the signature (u32 x T) or fingerprint (u64) to `out`.
 *  Returns the number of hashes dumped in dump mode, else 0. */
export function sinkFinish(out: usize): i32 {
  if (n > 0) flush();
  if (ALGO == ALGO_FAST) fastFinish(out);
  else if (ALGO == ALGO_SIMHASH) store<u64>(out, simFinish());
  else if (ALGO == ALGO_CLASSIC || ALGO == ALGO_DATASKETCH) minFinish32(out);
  else return dumped;
  return 0;
}
