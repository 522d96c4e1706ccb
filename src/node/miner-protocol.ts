/** Messages and control words shared by `MinerThread` (cluster-parallel.ts) and miner-worker.ts. */

/** Control word: messages the caller has posted to the worker. */
export const SENT = 0;
/** Control word: blocks the worker has tokenized (their 'tokens' messages are posted). */
export const TOKENS = 1;
/** Control word: 1 once the worker has counted every block and posted its 3-gram table. */
export const GRAMS = 2;
/** Control word: pass-2 blocks claimed (by either thread, in order). */
export const NEXT = 3;
/** Control word: pass-2 blocks the caller has used and released. */
export const FREED = 4;
/** Control word: 1 once a worker job threw (its 'error' message follows on the port). */
export const FAILED = 5;
/** Control word: the worker's sign of life, advanced as it works and as it waits. */
export const BEAT = 6;
export const CONTROL_WORDS = 7;
/**
 * The caller gives up on a worker whose BEAT has not moved for this long: a worker thread that
 * dies (out of memory, say) cannot tell, and the caller, blocked in `Atomics.wait`, cannot see its
 * 'exit' event. A block of texts takes well under a second.
 */
export const STALL_MS = 60_000;
/** Pass-2 result slots: how far the worker may run ahead of the caller. */
export const RING = 4;
/** Pass 1: how far ahead of the block it counts the worker tokenizes its blocks. */
export const TOKENS_AHEAD = 3;
/**
 * Pass 1: blocks of texts the caller sends ahead of the worker's tokenizing (one more than the
 * worker's blocks in TOKENS_AHEAD + 1 blocks, so it never waits for texts the caller has not sent).
 */
export const TEXTS_AHEAD = TOKENS_AHEAD + 1;

/**
 * Whether the worker tokenizes block k in pass 1 (two in three), unless the caller gets there
 * first (see `MinerThread.tokenizes`): the caller tokenizes the rest and counts every block's
 * 2-grams, and copies every block's tokens into the pool; the worker counts every block's 3-grams.
 */
export function workerTokenizes(k: number): boolean {
  return k % 3 !== 0;
}

export type ToWorker =
  | { type: "begin"; seenBits: number; n: number; block: number; claims: Int32Array }
  | { type: "texts"; k: number; bytes: Uint8Array; ends: Int32Array; others: [number, string][] }
  | { type: "pooled"; k: number; pool: Uint32Array; offs: Int32Array }
  | { type: "supports"; pool: Uint32Array; offs: Int32Array; recurring: Uint8Array; n: number; block: number; theta: number;
      bf: { t: Uint32Array; size: number }; slots: Int32Array[]; ready: Int32Array };

export type FromWorker =
  | { type: "tokens"; k: number; toks: Uint32Array; counts: Int32Array }
  | { type: "grams"; t: Uint32Array; size: number }
  | { type: "error"; message: string };
