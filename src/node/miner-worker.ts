/**
 * Worker side of the parallel template miner (see `MinerThread` in cluster-parallel.ts).
 *
 * Pass 1: it tokenizes every other block of texts (sent to it ahead) and posts the tokens back,
 * and counts every block's 3-grams, in block order, once the caller has put the block's tokens in
 * the shared pool; its seen-once filter and 3-gram table are its own (the table in shared memory).
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
  SeenFilter, U32Map, Partition, SupportScratch, Scratch, Buf, StampSet,
  countBlock, blockSupports, blockKeys, tokenizeBlock,
} from "../template.js";
import { initSync } from "../kernel.js";
import { SENT, TOKENS, GRAMS, NEXT, FREED, FAILED, BEAT, RING, workerTokenizes, type ToWorker, type FromWorker } from "./miner-protocol.js";

const { port, ctl } = workerData as { port: MessagePort; ctl: Int32Array };
// the kernel tokenizes ASCII texts (tokenizeBlock); its scalar or SIMD build gives the same tokens
initSync();
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
let blocks: Uint32Array[] = []; // each block's 3-grams (pass 1), read again in pass 2

/** Pass 1 (see the file comment). */
function countPass(n: number, block: number, seenBits: number): void {
  const seen = new SeenFilter(seenBits);
  blocks = [];
  df = new U32Map(16, 2, shared);
  const texts = new Map<number, string[]>();
  let pooled = -1;
  let pool: Uint32Array = new Uint32Array(0), offs: Int32Array = new Int32Array(0);
  const pump = (): void => {
    const m = next();
    if (m.type === "texts") texts.set(m.k, m.texts);
    else if (m.type === "pooled") ({ k: pooled, pool, offs } = m);
    else throw new Error(`pass 1 got a '${m.type}' message`);
  };
  const sc = new Scratch(), out = new Buf(), keys = new Buf(), stamps = new StampSet(), part = new Partition();
  const nb = Math.ceil(n / block);
  for (let k = 0; k < nb; k++) {
    // tokenize the next block of this thread's before counting this one: the caller needs it first
    const t = k + 1;
    if (t < nb && workerTokenizes(t) && !workerTokenizes(k)) {
      while (!texts.has(t)) pump();
      const arr = texts.get(t)!;
      texts.delete(t);
      out.n = 0;
      const counts = new Int32Array(block);
      tokenizeBlock(arr, 0, arr.length, out, counts, sc);
      const toks = out.a.slice(0, out.n);
      post({ type: "tokens", k: t, toks, counts }, [toks.buffer, counts.buffer]);
      bump(TOKENS);
    }
    while (pooled < k) pump();
    Atomics.add(ctl, BEAT, 1);
    const b0 = k * block, b1 = Math.min(n, (k + 1) * block);
    const all = shared(offs[b1] - offs[b0]);
    blocks.push(all);
    blockKeys(pool, offs, b0, b1, false, keys, stamps, sc, all);
    countBlock(seen, df, keys.a, keys.n, part);
  }
  post({ type: "grams", t: df.t, size: df.size, blocks });
  bump(GRAMS);
}

/** Pass 2 (see the file comment). */
function supportPass(m: Extract<ToWorker, { type: "supports" }>): void {
  const { pool, offs, recurring, n, block, theta, slots, ready } = m;
  const bf = new U32Map(16, 2);
  bf.adopt(m.bf.t, m.bf.size);
  const s = new SupportScratch();
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
    blockSupports(df!, bf, theta, pool, offs, c * block, Math.min(n, (c + 1) * block), slots[c % RING], recurring, s, blocks[c]);
    Atomics.store(ready, c, 1);
    Atomics.notify(ready, c);
  }
}

try {
  for (;;) {
    const m = next();
    if (m.type === "begin") countPass(m.n, m.block, m.seenBits);
    else if (m.type === "supports") { supportPass(m); blocks = []; }
    else throw new Error(`got a '${m.type}' message between passes`);
  }
} catch (err) {
  post({ type: "error", message: err instanceof Error ? err.message : String(err) });
  Atomics.store(ctl, FAILED, 1);
  for (const at of [TOKENS, GRAMS, FREED]) Atomics.notify(ctl, at);
}
