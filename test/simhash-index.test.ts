/**
 * SimHashIndex against a linear scan: for random fingerprints with planted neighbours at every
 * distance 0..maxDistance + 2 (exactly d bits flipped), `query` must return exactly the keys within
 * maxDistance, each once, nearest first; through removals, id reuse, bucket moves, compaction and
 * table growth; for the default blocks and for more blocks. Bad input throws and leaves the index
 * answering as before.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { SimHashIndex } from '../src/simhash-index';
import { initSync, SimHasher, hamming } from '../src/index';

type Key = string | number;

function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomFp(rnd: () => number): bigint {
  return (BigInt((rnd() * 2 ** 32) >>> 0) << 32n) | BigInt((rnd() * 2 ** 32) >>> 0);
}

/** `fp` with exactly `d` distinct random bits flipped. */
function flip(fp: bigint, d: number, rnd: () => number): bigint {
  const bits = new Set<number>();
  while (bits.size < d) bits.add(Math.floor(rnd() * 64));
  for (const b of bits) fp ^= 1n << BigInt(b);
  return fp;
}

function popcount32(x: number): number {
  let n = 0;
  for (x >>>= 0; x !== 0; x = (x & (x - 1)) >>> 0) n++;
  return n;
}

function compareKeys(a: Key, b: Key): number {
  if (typeof a === 'number') return typeof b === 'number' ? a - b : -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The model as flat arrays, for a linear scan at the speed of 32-bit popcounts. */
function flatten(model: Map<Key, bigint>) {
  const keys = [...model.keys()];
  const lo = new Uint32Array(keys.length);
  const hi = new Uint32Array(keys.length);
  keys.forEach((k, i) => {
    const fp = model.get(k)!;
    lo[i] = Number(fp & 0xffffffffn);
    hi[i] = Number(fp >> 32n);
  });
  return { keys, lo, hi };
}

function linearScan(flat: ReturnType<typeof flatten>, q: bigint, maxDistance: number): { key: Key; distance: number }[] {
  const qlo = Number(q & 0xffffffffn);
  const qhi = Number(q >> 32n);
  const out: { key: Key; distance: number }[] = [];
  for (let i = 0; i < flat.keys.length; i++) {
    const distance = popcount32(flat.lo[i] ^ qlo) + popcount32(flat.hi[i] ^ qhi);
    if (distance <= maxDistance) out.push({ key: flat.keys[i], distance });
  }
  return out.sort((a, b) => a.distance - b.distance || compareKeys(a.key, b.key));
}

/** Fingerprints: `n` random ones, and for some of them planted neighbours at distances 0..maxDistance + 2. */
function population(n: number, maxDistance: number, seed: number) {
  const rnd = mulberry32(seed);
  const model = new Map<Key, bigint>();
  const bases: bigint[] = [];
  for (let i = 0; i < n; i++) {
    const fp = randomFp(rnd);
    model.set(i % 2 ? i : `fp-${i}`, fp);
    if (i % 10 === 0) {
      bases.push(fp);
      for (let d = 0; d <= maxDistance + 2; d++) model.set(`near-${i}-${d}`, flip(fp, d, rnd));
    }
  }
  // Queries: each base at every distance, plus random ones.
  const queries: bigint[] = [];
  for (const b of bases) for (let d = 0; d <= maxDistance + 1; d++) queries.push(flip(b, d, rnd));
  for (let i = 0; i < 50; i++) queries.push(randomFp(rnd));
  return { model, queries, rnd };
}

function expectSameAsScan(index: SimHashIndex<Key>, model: Map<Key, bigint>, queries: bigint[]) {
  expect(index.size).toBe(model.size);
  const flat = flatten(model);
  const seen = new Set<number>();
  for (const q of queries) {
    const got = index.query(q);
    expect(got).toEqual(linearScan(flat, q, index.maxDistance));
    for (const r of got) seen.add(r.distance);
  }
  return seen;
}

describe('SimHashIndex.query equals a linear scan', () => {
  it.each([
    [0, undefined],
    [1, undefined],
    [2, undefined],
    [3, undefined],
    [6, undefined],
    [8, undefined],
    [3, 5],
    [3, 6],
    [6, 8],
    [2, 4],
  ])('maxDistance %i, blocks %s: every distance 0..maxDistance found, nothing beyond', (maxDistance, blocks) => {
    const { model, queries } = population(3000, maxDistance, 1000 + maxDistance * 10 + (blocks ?? 0));
    const index = new SimHashIndex<Key>({ maxDistance, blocks });
    expect(index.blocks).toBe(blocks ?? maxDistance + 1);
    for (const [k, fp] of model) index.insert(k, fp);
    const seen = expectSameAsScan(index, model, queries);
    // Every distance up to maxDistance actually occurred among the answers.
    for (let d = 0; d <= maxDistance; d++) expect(seen.has(d)).toBe(true);
  });

  it('is exact with direct-addressed 16-bit buckets (maxDistance 3, 140,000 fingerprints)', () => {
    const { model, queries } = population(140_000, 3, 7);
    const index = new SimHashIndex<Key>({ maxDistance: 3 });
    for (const [k, fp] of model) index.insert(k, fp);
    expectSameAsScan(index, model, queries.filter((_, i) => i % 700 === 0));
  });

  it('stays exact through random inserts, removals and id reuse (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.constantFrom(0, 1, 3, 6),
        fc.integer({ min: 10, max: 300 }),
        (seed, maxDistance, steps) => {
          const rnd = mulberry32(seed);
          const centres = Array.from({ length: 4 }, () => randomFp(rnd));
          const index = new SimHashIndex<Key>({ maxDistance });
          const model = new Map<Key, bigint>();
          for (let s = 0; s < steps; s++) {
            const key: Key = rnd() < 0.5 ? Math.floor(rnd() * 50) : `k${Math.floor(rnd() * 50)}`;
            if (model.has(key)) {
              expect(index.remove(key)).toBe(true);
              model.delete(key);
            } else {
              const fp = flip(centres[Math.floor(rnd() * 4)], Math.floor(rnd() * (maxDistance + 3)), rnd);
              index.insert(key, fp);
              model.set(key, fp);
            }
            expect(index.has(key)).toBe(model.has(key));
          }
          const queries = centres.flatMap((c) => [c, flip(c, 1, rnd), flip(c, maxDistance, rnd)]);
          expectSameAsScan(index, model, queries);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps a bucket of 20,000 identical fingerprints exact through removals and re-inserts (bucket moves, compaction)', () => {
    const fp = 0x0123456789abcdefn;
    const index = new SimHashIndex<number>({ maxDistance: 3 });
    const n = 20_000;
    for (let i = 0; i < n; i++) index.insert(i, fp);
    expect(index.query(fp).length).toBe(n);
    const t0 = performance.now();
    for (let i = 0; i < n; i += 2) index.remove(i);
    expect(performance.now() - t0).toBeLessThan(2000); // O(tables) per removal
    for (let i = 0; i < n; i += 4) index.insert(i, fp ^ 0b111n);
    const got = index.query(fp);
    const expected = new Map<number, number>();
    for (let i = 1; i < n; i += 2) expected.set(i, 0);
    for (let i = 0; i < n; i += 4) expected.set(i, 3);
    expect(got.length).toBe(expected.size);
    for (const r of got) expect(expected.get(r.key)).toBe(r.distance);
    expect(got[0].distance).toBe(0);
    expect(got[got.length - 1].distance).toBe(3);
  });

  it('sorts by distance, then numbers before strings', () => {
    const index = new SimHashIndex<Key>({ maxDistance: 2 });
    index.insert('b', 1n);
    index.insert(10, 3n);
    index.insert('a', 0n);
    index.insert(2, 0n);
    index.insert(-1, 7n);
    expect(index.query(0n)).toEqual([
      { key: 2, distance: 0 },
      { key: 'a', distance: 0 },
      { key: 'b', distance: 1 },
      { key: 10, distance: 2 },
    ]);
  });

  it('finds real near-duplicate texts (SimHasher fingerprints)', () => {
    initSync();
    const s = new SimHasher();
    const index = new SimHashIndex<string>({ maxDistance: 6, hasher: s });
    const base = 'Please write a detailed, friendly email to my landlord asking to fix the broken heating before winter starts next month';
    index.insert('orig', s.fingerprint(base));
    index.insert('other', s.fingerprint('Explain the difference between TCP and UDP with examples of protocols that use each one'));
    const q = s.fingerprint(base + ' thanks');
    const got = index.query(q);
    expect(got.map((r) => r.key)).toEqual(hamming(q, s.fingerprint(base)) <= 6 ? ['orig'] : []);
    expect(index.query(s.fingerprint(base))).toEqual([{ key: 'orig', distance: 0 }]);
  });
});

describe('SimHashIndex rejects bad input with errors naming the problem, and keeps working', () => {
  it('constructor options', () => {
    for (const bad of [-1, 9, 1.5, NaN, Infinity]) {
      expect(() => new SimHashIndex({ maxDistance: bad })).toThrow(RangeError);
      expect(() => new SimHashIndex({ maxDistance: bad })).toThrow(/maxDistance must be an integer in \[0, 8\]/);
    }
    expect(() => new SimHashIndex({ maxDistance: '3' as unknown as number })).toThrow(/maxDistance/);
    expect(() => new SimHashIndex({ maxDistance: 3, blocks: 3 })).toThrow(/blocks must be an integer in \[4, 32\]/);
    expect(() => new SimHashIndex({ maxDistance: 6, blocks: 12 })).toThrow(/C\(12, 6\) = 924 tables, more than 128/);
    expect(() => new SimHashIndex({ distance: 3 } as unknown as object)).toThrow(/unknown option 'distance'/);
    expect(() => new SimHashIndex({ hasher: { seed: 1 } as unknown as { seed: number; shingle: { unit: string; size: number; normalize: boolean } } })).toThrow(/hasher\.shingle\.unit/);
    expect(new SimHashIndex().maxDistance).toBe(3);
    expect(new SimHashIndex({ maxDistance: 6 }).tables).toBe(7);
    expect(new SimHashIndex({ maxDistance: 6, blocks: 8 }).tables).toBe(28);
  });

  it('insert, query, remove, has', () => {
    const { model, queries } = population(500, 3, 3);
    const index = new SimHashIndex<Key>();
    for (const [k, fp] of model) index.insert(k, fp);
    expect(() => index.insert('x', 5 as unknown as bigint)).toThrow(TypeError);
    expect(() => index.insert('x', 5 as unknown as bigint)).toThrow(/fp must be a bigint fingerprint/);
    expect(() => index.insert('x', -1n)).toThrow(RangeError);
    expect(() => index.insert('x', 1n << 64n)).toThrow(/fp must be in \[0, 2\^64 - 1\], got 18446744073709551616n/);
    expect(() => index.query('0' as unknown as bigint)).toThrow(TypeError);
    expect(() => index.query(-5n)).toThrow(/BigInt\.asUintN/);
    for (const bad of [NaN, Infinity, null, undefined, {}, 1n]) {
      expect(() => index.insert(bad as unknown as Key, 1n)).toThrow(/key must be a string or a finite number/);
    }
    expect(() => index.has(NaN)).toThrow(TypeError);
    expect(() => index.remove(undefined as unknown as Key)).toThrow(TypeError);
    expect(() => index.insert('fp-0', 1n)).toThrow(/key "fp-0" is already in the index/);
    expect(index.has('x')).toBe(false);
    expectSameAsScan(index, model, queries);
  });
});
