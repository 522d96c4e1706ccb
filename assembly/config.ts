// The kernel's current configuration, set by `configure` (index.ts). One instance serves every
// hasher of the TypeScript side; the wrapper re-configures when a different hasher calls in.

export const ALGO_FAST: i32 = 0;
export const ALGO_CLASSIC: i32 = 1;
export const ALGO_DATASKETCH: i32 = 2;
export const ALGO_SIMHASH: i32 = 3;
/** Test hook: shingle hashes are copied to OUT instead of being sketched. */
export const ALGO_DUMP: i32 = 4;
/** Test and shingles() hook: token spans are written to OUT instead of being hashed. */
export const ALGO_SPANS: i32 = 5;

export let ALGO: i32 = ALGO_FAST;
/** Number of slots (numPerm). */
export let T: i32 = 128;
/** Shingle size in tokens. */
export let K: i32 = 3;
/** Tokens are code points (true) or words (false). */
export let UNIT_CHAR: bool = false;
/** Fold ASCII A-Z to a-z before tokenizing (normalize: true). */
export let LOWER: bool = true;
/** In char mode, collapse ASCII whitespace runs to one space and trim the ends (normalize: true). */
export let COLLAPSE: bool = true;
export let TOKEN_SEED: u64 = 0;
export let SHINGLE_SEED: u64 = 0;

export function setConfig(algo: i32, t: i32, k: i32, unitChar: bool, lower: bool, collapse: bool,
                          tokenSeed: u64, shingleSeed: u64): void {
  ALGO = algo; T = t; K = k; UNIT_CHAR = unitChar; LOWER = lower; COLLAPSE = collapse;
  TOKEN_SEED = tokenSeed; SHINGLE_SEED = shingleSeed;
}
