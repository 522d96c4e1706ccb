/**
 * Deterministic hash-permutation parameters.
 *
 * - {@link datasketchPermutations} reproduces, bit for bit, the `(a, b)` pairs that Python datasketch
 *   (1.x, checked against 1.10.0 with numpy 1.24) draws in `MinHash._init_permutations`, so that
 *   signatures built here are interchangeable with datasketch's.
 *
 * Sources (facts and algorithms; the code is original):
 * - M. Matsumoto and T. Nishimura, "Mersenne Twister: a 623-dimensionally equidistributed uniform
 *   pseudo-random number generator", ACM TOMACS 8(1), 1998 — MT19937 and its `init_genrand` seeding.
 * - numpy `numpy/random/_bounded_integers.pyx` (`_rand_uint64`) and
 *   `numpy/random/src/distributions/distributions.c` (`random_bounded_uint64_fill`,
 *   `bounded_masked_uint64`): the legacy `RandomState.randint` masked rejection sampling, and
 *   `mt19937_next64` = (first 32-bit output << 32) | second 32-bit output.
 */

/** Mersenne prime 2^61 - 1 used by datasketch as the hash modulus. */
const MERSENNE_61 = (1n << 61n) - 1n;

// ---------------------------------------------------------------------------------------------
// MT19937 (32-bit Mersenne Twister), Matsumoto & Nishimura 1998.
// ---------------------------------------------------------------------------------------------

const MT_N = 624;
const MT_M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/** Minimal MT19937 generator; state is kept in a Uint32Array and arithmetic stays in 32 bits. */
class MT19937 {
  private readonly mt = new Uint32Array(MT_N);
  private index = MT_N;

  /** `init_genrand(seed)`: what numpy's legacy `RandomState(seed)` does for an integer seed. */
  constructor(seed: number) {
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < MT_N; i++) {
      const prev = mt[i - 1];
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
    this.index = MT_N;
  }

  private twist(): void {
    const mt = this.mt;
    let kk = 0;
    let y: number;
    for (; kk < MT_N - MT_M; kk++) {
      y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
      mt[kk] = mt[kk + MT_M] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; kk < MT_N - 1; kk++) {
      y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
      mt[kk] = mt[kk + (MT_M - MT_N)] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    y = (mt[MT_N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
    mt[MT_N - 1] = mt[MT_M - 1] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.index = 0;
  }

  /** Next tempered 32-bit output, as an unsigned number in [0, 2^32). */
  nextUint32(): number {
    if (this.index >= MT_N) this.twist();
    let y = this.mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}

/**
 * numpy legacy bounded uint64 draw (`bounded_masked_uint64`) for an inclusive span `rng = high-1-low`
 * that needs more than 32 bits. `rngHi`/`rngLo` and `maskHi` are the 32-bit halves of rng and of the
 * mask (smallest 2^k - 1 >= rng); `maskLo` is always 0xFFFFFFFF when rng >= 2^32, so only the high
 * half needs masking. Returns `low + (v & mask)` for the first 64-bit draw v whose masked value is
 * <= rng. Each v is two MT outputs, the first one being the HIGH word (numpy `mt19937_next64`).
 *
 * numpy takes a different, buffered 32-bit path when rng < 2^32; that path is deliberately not
 * implemented here because datasketch's ranges are ~2^61.
 */
function boundedMaskedUint64(
  gen: MT19937,
  low: bigint,
  rngHi: number,
  rngLo: number,
  maskHi: number,
): bigint {
  for (;;) {
    const hi = gen.nextUint32() & maskHi;
    const lo = gen.nextUint32();
    // Unsigned compare of (hi, lo) against (rngHi, rngLo); both halves are already non-negative.
    if (hi < rngHi || (hi === rngHi && lo <= rngLo)) {
      return low + ((BigInt(hi) << 32n) | BigInt(lo));
    }
  }
}

/** Prepares the 32-bit halves for a numpy-style `randint(low, high, dtype=uint64)` (high exclusive). */
function boundedSpec(low: bigint, highExclusive: bigint): { low: bigint; rngHi: number; rngLo: number; maskHi: number } {
  const rng = highExclusive - 1n - low;
  if (rng <= 0xffffffffn || rng >= 1n << 64n) {
    throw new RangeError('internal: boundedSpec only supports spans in [2^32, 2^64)');
  }
  let mask = rng;
  for (const shift of [1n, 2n, 4n, 8n, 16n, 32n]) mask |= mask >> shift;
  return {
    low,
    rngHi: Number(rng >> 32n),
    rngLo: Number(rng & 0xffffffffn),
    maskHi: Number(mask >> 32n),
  };
}

// a = randint(1, 2^61 - 1), b = randint(0, 2^61 - 1), both uint64 with an exclusive upper bound.
const SPEC_A = boundedSpec(1n, MERSENNE_61);
const SPEC_B = boundedSpec(0n, MERSENNE_61);

// ---------------------------------------------------------------------------------------------
// Per-seed cache: the random stream is sequential, so a longer request just continues the stream.
// ---------------------------------------------------------------------------------------------

interface SeedStream {
  gen: MT19937;
  count: number;
  a: BigUint64Array;
  b: BigUint64Array;
}

/** Largest numPerm accepted (16 MiB of cached parameters per seed at most). */
const MAX_NUM_PERM = 1 << 20;
/** How many distinct seeds are kept; the least recently used one is evicted beyond this. */
const MAX_CACHED_SEEDS = 16;
const streams = new Map<number, SeedStream>();

function streamFor(seed: number, numPerm: number): SeedStream {
  let s = streams.get(seed);
  if (s) {
    streams.delete(seed); // re-insert below to mark as most recently used
  } else {
    s = { gen: new MT19937(seed), count: 0, a: new BigUint64Array(0), b: new BigUint64Array(0) };
  }
  streams.set(seed, s);
  if (streams.size > MAX_CACHED_SEEDS) {
    const oldest = streams.keys().next().value as number;
    streams.delete(oldest);
  }
  if (numPerm > s.count) {
    let cap = s.a.length;
    if (numPerm > cap) {
      cap = Math.min(MAX_NUM_PERM, Math.max(numPerm, cap * 2));
      const a = new BigUint64Array(cap);
      const b = new BigUint64Array(cap);
      a.set(s.a.subarray(0, s.count));
      b.set(s.b.subarray(0, s.count));
      s.a = a;
      s.b = b;
    }
    for (let i = s.count; i < numPerm; i++) {
      s.a[i] = boundedMaskedUint64(s.gen, SPEC_A.low, SPEC_A.rngHi, SPEC_A.rngLo, SPEC_A.maskHi);
      s.b[i] = boundedMaskedUint64(s.gen, SPEC_B.low, SPEC_B.rngHi, SPEC_B.rngLo, SPEC_B.maskHi);
    }
    s.count = numPerm;
  }
  return s;
}

function checkNumPerm(numPerm: unknown, fn: string): asserts numPerm is number {
  if (typeof numPerm !== 'number') {
    throw new TypeError(`${fn}: numPerm must be a number, got ${typeof numPerm}`);
  }
  if (!Number.isInteger(numPerm) || numPerm < 1 || numPerm > MAX_NUM_PERM) {
    throw new RangeError(`${fn}: numPerm must be an integer in [1, ${MAX_NUM_PERM}], got ${String(numPerm)}`);
  }
}

function checkSeed(seed: unknown, fn: string): asserts seed is number {
  if (typeof seed !== 'number') {
    throw new TypeError(`${fn}: seed must be a number, got ${typeof seed}`);
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(
      `${fn}: seed must be an integer in [0, 4294967295] (numpy RandomState's range), got ${String(seed)}`,
    );
  }
}

/**
 * The `(a, b)` permutation parameters datasketch's `MinHash(num_perm, seed)` uses, bit for bit.
 *
 * datasketch 1.10 `MinHash._init_permutations` does
 * ```python
 * gen = np.random.RandomState(seed)
 * return np.array([(gen.randint(1, _mersenne_prime, dtype=np.uint64),
 *                   gen.randint(0, _mersenne_prime, dtype=np.uint64)) for _ in range(num_perm)],
 *                 dtype=np.uint64).T
 * ```
 * with `_mersenne_prime = 2**61 - 1`. That is: MT19937 seeded by `init_genrand(seed)`; per permutation
 * draw `a` in [1, 2^61-1) and then `b` in [0, 2^61-1) by numpy's legacy masked rejection sampling
 * (mask = 2^61-1; each 64-bit draw is two MT outputs, the first being the high word; redraw while the
 * masked value exceeds the span). Permutation i's parameters do not depend on numPerm, so the first
 * 128 of `numPerm = 256` equal `numPerm = 128`.
 *
 * Results are cached per seed (the 16 most recently used seeds), and a longer request extends the
 * cached stream instead of restarting it. **The returned arrays are fresh copies owned by the caller**;
 * mutating them does not affect the cache.
 *
 * @param numPerm number of permutations, an integer in [1, 2^20].
 * @param seed numpy `RandomState` seed, an integer in [0, 2^32 - 1] (datasketch's default is 1).
 * @returns `a` and `b`, each of length numPerm, every value below 2^61 - 1.
 * @throws {TypeError} if an argument is not a number. @throws {RangeError} if it is out of range.
 *
 * @example
 * const { a, b } = datasketchPermutations(128, 1);
 * a[0]; // 775169054918279404n
 */
export function datasketchPermutations(numPerm: number, seed: number): { a: BigUint64Array; b: BigUint64Array } {
  checkNumPerm(numPerm, 'datasketchPermutations');
  checkSeed(seed, 'datasketchPermutations');
  const s = streamFor(seed, numPerm);
  return { a: s.a.slice(0, numPerm), b: s.b.slice(0, numPerm) };
}
