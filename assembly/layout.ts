// Memory layout of the neardup kernel. The kernel owns every buffer: the TypeScript side reads the
// pointers and capacities through `layout(field)` once, builds typed-array views over them, and
// rebuilds the views whenever `memory.buffer` changes (only `ensureInput` ever grows memory).
//
//   static data (addresses fixed at compile time)
//   +------------------+ PARAM_A_PTR   u64 x MAX_PERM   datasketch permutation a_k
//   | PARAM_A          |
//   +------------------+ PARAM_B_PTR   u64 x MAX_PERM   datasketch permutation b_k
//   | PARAM_B          |
//   +------------------+ SEEDS_PTR     u32 x MAX_PERM   'classic' per-slot seeds
//   | SEEDS            |
//   +------------------+ ROUNDKEY_PTR  u64 x 2*MAX_PERM 'fast' per-round keys
//   | ROUNDKEY         |
//   +------------------+ SKETCH_PTR    u64 x MAX_PERM   working sketch of the current document
//   | SKETCH           |
//   +------------------+ TABLES_PTR    u8 x 256 byte classes, then u64 x 256 SimHash spread table
//   | TABLES           |
//   +------------------+ ELEM_PTR      u64 x ELEM_CAP   shingle hashes waiting to enter the sketch
//   | ELEM             |
//   +------------------+ DOCS_PTR      u32 x (DOCS_CAP+1) byte offsets of documents in INPUT
//   | DOCS             |
//   +------------------+ OUT_PTR       OUT_BYTES        signatures (u32 rows) or fingerprints (u64)
//   | OUT              |
//   ... other static data (SHA-1 block, token buffer, ...)
//   +------------------+ INPUT_PTR     (__heap_base rounded up to 64) UTF-8 bytes of the documents; runs to the end of memory
//   | INPUT ...        |               (minus INPUT_SLACK) and grows on demand via ensureInput
//   +------------------+ memory end

export const MAX_PERM: i32 = 8192;
export const MAX_SHINGLE: i32 = 64;
export const ELEM_CAP: i32 = 16384;
export const DOCS_CAP: i32 = 4096;
export const OUT_BYTES: i32 = 1 << 20;
/** Bytes kept free past the input so 8-byte tail loads never leave memory. */
export const INPUT_SLACK: i32 = 64;
const INITIAL_INPUT: i32 = 1 << 20;

@inline function align64(p: usize): usize { return (p + 63) & ~(<usize>63); }

// Fixed regions are static data (memory.data), so their addresses are compile-time constants in
// the hot loops; INPUT starts after all static data and runs to the end of memory.
export const PARAM_A_PTR: usize = memory.data(MAX_PERM * 8, 64);
export const PARAM_B_PTR: usize = memory.data(MAX_PERM * 8, 64);
export const SEEDS_PTR: usize = memory.data(MAX_PERM * 4, 64);
export const ROUNDKEY_PTR: usize = memory.data(MAX_PERM * 16, 64);
export const SKETCH_PTR: usize = memory.data(MAX_PERM * 8, 64);
export const CLASS_PTR: usize = memory.data(256, 64);
export const SPREAD_PTR: usize = memory.data(256 * 8, 64);
export const ELEM_PTR: usize = memory.data(ELEM_CAP * 8 + 64, 64);
export const DOCS_PTR: usize = memory.data((DOCS_CAP + 1) * 4, 64);
export const OUT_PTR: usize = memory.data(OUT_BYTES, 64);
export const INPUT_PTR: usize = align64(__heap_base);

/** Grows memory (if needed) so that INPUT holds `bytes` plus slack. Returns false when the host refuses. */
export function growInputTo(bytes: i32): bool {
  const need = INPUT_PTR + <usize>bytes + <usize>INPUT_SLACK;
  const have = <usize>memory.size() << 16;
  if (need <= have) return true;
  const pages = <i32>((need - have + 0xFFFF) >>> 16);
  return memory.grow(pages) >= 0;
}

/** Usable input capacity in bytes. */
export function inputCapacity(): i32 {
  return <i32>((<usize>memory.size() << 16) - INPUT_PTR - <usize>INPUT_SLACK);
}

// Start-up: make room for the fixed regions and an initial 1 MiB input, fill the tables.
growInputTo(INITIAL_INPUT);
