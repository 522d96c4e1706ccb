/**
 * Worker side of the parallel template miner (see `MinerThread` in cluster-parallel.ts).
 *
 * Pass 1: it tokenizes two blocks of texts in three (sent to it ahead, ASCII texts as bytes),
 * up to TOKENS_AHEAD blocks ahead, and posts the tokens back; a block the caller reaches before
 * this thread has claimed it, the caller tokenizes itself (a shared claim word per block). It
 * counts every block's 3-grams, in block order, once the caller has put the block's tokens in the
 * shared pool; its seen-once filter and 3-gram table are its own (the table in shared memory).
 * Pass 2: it claims blocks in order (a shared counter) and computes their supports into a ring of
 * shared slots, while the caller builds the skeletons; the caller computes a block itself when
 * it gets there first.
 *
 * It runs synchronously: messages are pulled with `receiveMessageOnPort`, and waits are
 * `Atomics.wait` on the control words of miner-protocol.ts (with time-outs, so that `terminate`
 * always gets through).
 */
import { workerData, receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import {
  SeenFilter, U32Map, Partition, SupportScratch, SortKernel, Scratch, Buf, StampSet,
  countBlock, blockSupports, blockKeys, tokenizeBlock,
} from "../template.js";
import { initSync } from "../kernel.js";
import { SENT, TOKENS, GRAMS, NEXT, FREED, FAILED, BEAT, RING, TOKENS_AHEAD, workerTokenizes, type ToWorker, type FromWorker } from "./miner-protocol.js";

const { port, ctl } = workerData as { port: MessagePort; ctl: Int32Array };
// the kernel tokenizes ASCII texts (tokenizeBlock); its scalar or SIMD build gives the same tokens
initSync();
// the sorts of both passes share one kernel instance of their own (it goes with this thread)
const sortKernel = new SortKernel();
const shared = (words: number): Uint32Array => new Uint32Array(new SharedArrayBuffer(words * 4));

let got = 0; // messages received
/** The next message from the caller (waits for it). */
function next(): ToWorker {
  for (;;) {
    const m = receiveMessageOnPort(port);
    if (m !== undefined) {
      got++;
      return m.message as ToWorker;
    }
    Atomics.add(ctl, BEAT, 1);
    const v = Atomics.load(ctl, SENT);
    if (v <= got) Atomics.wait(ctl, SENT, v, 50);
  }
}

function post(m: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(m, transfer);
}

function bump(at: number): void {
  Atomics.add(ctl, at, 1);
  Atomics.notify(ctl, at);
}

let df: U32Map | null = null;

let touched = 0; // pool words whose pages this thread has faulted in
/**
 * Faults in the pages of the pool that the caller will copy its next two blocks' tokens into,
 * from this thread: a first touch of fresh memory cost 10-15 µs a 4 KiB page on the machine
 * measured (bench/memory.bench.mjs; the pool of 1M prompts is 300 MB), and the caller is the
 * busier thread in pass 1.
 * `Atomics.add` of 0 writes nothing a copy could lose (tokens are never 0 anyway).
 */
function touchAhead(pool: Uint32Array, offs: Int32Array, end: number, blocks: number): void {
  if (blocks <= 0 || end <= 0) return;
  const from = Math.max(touched, offs[end]), to = Math.min(pool.length, offs[end] + 2 * Math.ceil(offs[end] / blocks));
  for (let w = from; w < to; w += 1024) Atomics.add(pool, w, 0);
  touched = Math.max(touched, to);
}

/** Pass 1 (see the file comment). */
function countPass(n: number, block: number, seenBits: number, claims: Int32Array): void {
  const seen = new SeenFilter(seenBits);
  df = new U32Map(16, 2, shared);
  touched = 0;
  const texts = new Map<number, Extract<ToWorker, { type: "texts" }>>();
  let pooled = -1;
  let pool: Uint32Array = new Uint32Array(0), offs: Int32Array = new Int32Array(0);
  const pump = (): void => {
    const m = next();
    if (m.type === "texts") texts.set(m.k, m);
    else if (m.type === "pooled") ({ k: pooled, pool, offs } = m);
    else throw new Error(`pass 1 got a '${m.type}' message`);
  };
  const sc = new Scratch(), out = new Buf(), keys = new Buf(), stamps = new StampSet(), part = new Partition(sortKernel);
  const nb = Math.ceil(n / block);
  let tokAt = 0; // blocks before it are tokenized (or the caller's)
  for (let k = 0; k < nb; k++) {
    // tokenize this thread's blocks up to TOKENS_AHEAD past this one before counting it: the
    // caller needs them first
    for (; tokAt < nb && tokAt <= k + TOKENS_AHEAD; tokAt++) {
      const t = tokAt;
      if (!workerTokenizes(t) || t <= k) continue;
      // (the caller takes a block of this thread's that it reaches first, and may not send its texts)
      while (!texts.has(t) && Atomics.load(claims, t) === 0) pump();
      if (Atomics.compareExchange(claims, t, 0, 2) !== 0) { texts.delete(t); continue; }
      const m = texts.get(t)!, arr: string[] = new Array(m.ends.length);
      for (const [i, s] of m.others) arr[i] = s;
      texts.delete(t);
      out.n = 0;
      const counts = new Int32Array(block);
      tokenizeBlock(arr, 0, arr.length, out, counts, sc, m);
      const toks = out.a.slice(0, out.n);
      post({ type: "tokens", k: t, toks, counts }, [toks.buffer, counts.buffer]);
      bump(TOKENS);
    }
    touchAhead(pool, offs, Math.min(n, (pooled + 1) * block), pooled + 1);
    while (pooled < k) pump();
    Atomics.add(ctl, BEAT, 1);
    const b0 = k * block, b1 = Math.min(n, (k + 1) * block);
    blockKeys(pool, offs, b0, b1, false, keys, stamps, sc);
    countBlock(seen, df, keys.a, keys.n, part);
  }
  post({ type: "grams", t: df.t, size: df.size });
  bump(GRAMS);
}

/** Pass 2 (see the file comment). */
function supportPass(m: Extract<ToWorker, { type: "supports" }>): void {
  const { pool, offs, recurring, n, block, theta, slots, ready } = m;
  const bf = new U32Map(16, 2);
  bf.adopt(m.bf.t, m.bf.size);
  const s = new SupportScratch(sortKernel);
  const nb = Math.ceil(n / block);
  for (;;) {
    Atomics.add(ctl, BEAT, 1);
    const c = Atomics.load(ctl, NEXT);
    if (c >= nb) return;
    const f = Atomics.load(ctl, FREED);
    if (c >= f + RING) { // every slot holds a block the caller has not used yet
      Atomics.wait(ctl, FREED, f, 50);
      continue;
    }
    if (Atomics.compareExchange(ctl, NEXT, c, c + 1) !== c) continue; // the caller took it
    blockSupports(df!, bf, theta, pool, offs, c * block, Math.min(n, (c + 1) * block), slots[c % RING], recurring, s);
    Atomics.store(ready, c, 1);
    Atomics.notify(ready, c);
  }
}

try {
  for (;;) {
    const m = next();
    if (m.type === "begin") countPass(m.n, m.block, m.seenBits, m.claims);
    else if (m.type === "supports") supportPass(m);
    else throw new Error(`got a '${m.type}' message between passes`);
  }
} catch (err) {
  post({ type: "error", message: err instanceof Error ? err.message : String(err) });
  Atomics.store(ctl, FAILED, 1);
  for (const at of [TOKENS, GRAMS, FREED]) Atomics.notify(ctl, at);
}
