// Word-boundary classes of Unicode code points (see scripts/build-unicode.mjs for how they are
// derived): a 64 KiB table for the Basic Multilingual Plane, filled at start-up from the generated
// runs, and a binary search of the runs for the other planes.
import { RUNS, RUN_COUNT } from "./unicode.generated";

export const CLS_SEPARATOR: u32 = 0;
export const CLS_WORD: u32 = 1;
export const CLS_STANDALONE: u32 = 2;
export const CLS_INVISIBLE: u32 = 3;
export const CLS_MARK: u32 = 4;

const BMP: usize = memory.data(65536, 64);

export function initUnicode(): void {
  for (let i = 0; i < RUN_COUNT; i++) {
    const r = load<u32>(RUNS + (<usize>i << 2));
    const start = r >>> 3;
    if (start >= 0x10000) break;
    const end = i + 1 < RUN_COUNT ? load<u32>(RUNS + (<usize>(i + 1) << 2)) >>> 3 : 0x110000;
    const stop = end < 0x10000 ? end : 0x10000;
    memory.fill(BMP + <usize>start, <u8>(r & 7), <usize>(stop - start));
  }
}

/** The class of code point `cp`. */
@inline export function classOf(cp: u32): u32 {
  return cp < 0x10000 ? <u32>load<u8>(BMP + <usize>cp) : astralClass(cp);
}

function astralClass(cp: u32): u32 {
  // last run starting at or before cp
  let lo = 0, hi = RUN_COUNT - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((load<u32>(RUNS + (<usize>mid << 2)) >>> 3) <= cp) lo = mid;
    else hi = mid - 1;
  }
  return load<u32>(RUNS + (<usize>lo << 2)) & 7;
}
