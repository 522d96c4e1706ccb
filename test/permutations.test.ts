import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { datasketchPermutations } from '../src/permutations';

const golden = JSON.parse(readFileSync(new URL('./fixtures/datasketch-golden.json', import.meta.url), 'utf8')) as {
  permutations_seed1: { a: string[]; b: string[] };
};
const A = golden.permutations_seed1.a.map((x) => BigInt(x));
const B = golden.permutations_seed1.b.map((x) => BigInt(x));
const MERSENNE_61 = (1n << 61n) - 1n;

describe('datasketchPermutations', () => {
  // Order matters: the first call fills the seed-1 cache with 128 entries, the second extends the
  // cached stream to 256, so matching the fixture also checks the cache extension.
  it('numPerm 128, seed 1 equals the first 128 datasketch parameters', () => {
    const { a, b } = datasketchPermutations(128, 1);
    expect(a).toBeInstanceOf(BigUint64Array);
    expect(b).toBeInstanceOf(BigUint64Array);
    expect(a.length).toBe(128);
    expect(b.length).toBe(128);
    expect([...a]).toEqual(A.slice(0, 128));
    expect([...b]).toEqual(B.slice(0, 128));
  });

  it('all 256 (a, b) pairs for seed 1 equal datasketch (numpy RandomState(1))', () => {
    expect(A.length).toBe(256);
    const { a, b } = datasketchPermutations(256, 1);
    expect([...a].map(String)).toEqual(golden.permutations_seed1.a);
    expect([...b].map(String)).toEqual(golden.permutations_seed1.b);
  });

  it('a smaller numPerm is a prefix of a larger one', () => {
    const big = datasketchPermutations(300, 7);
    const small = datasketchPermutations(128, 7);
    expect([...small.a]).toEqual([...big.a.subarray(0, 128)]);
    expect([...small.b]).toEqual([...big.b.subarray(0, 128)]);
  });

  // Not from the golden fixture: first three draws from numpy 2.4.6's legacy RandomState(seed) with
  // randint(1, 2**61-1, dtype=np.uint64) / randint(0, 2**61-1, dtype=np.uint64), alternating.
  it.each([
    [0, [900450186894289456n, 1895649597198586620n, 897522586993417940n], [1663700137427455168n, 827948490035658087n, 385428395403958002n]],
    [42, [2297359619001564596n, 1973689801170867272n, 572192888165898362n], [1396682528897996046n, 1819927849474927636n, 571748048327668950n]],
    [4294967295, [1800993050274709795n, 720074238920031809n, 330928644418928417n], [689591756664908871n, 553468687576138234n, 1743326811000894075n]],
  ])('matches numpy RandomState(%i)', (seed, a, b) => {
    const p = datasketchPermutations(3, seed);
    expect([...p.a]).toEqual(a);
    expect([...p.b]).toEqual(b);
  });

  it('values lie in datasketch ranges: a in [1, 2^61-2], b in [0, 2^61-2]', () => {
    const { a, b } = datasketchPermutations(1024, 12345);
    for (let i = 0; i < 1024; i++) {
      expect(a[i]! >= 1n && a[i]! < MERSENNE_61).toBe(true);
      expect(b[i]! >= 0n && b[i]! < MERSENNE_61).toBe(true);
    }
  });

  it('returns fresh copies: mutating a result does not change later results', () => {
    const first = datasketchPermutations(8, 1);
    first.a[0] = 0n;
    first.b.fill(0n);
    const second = datasketchPermutations(8, 1);
    expect(second.a[0]).toBe(A[0]);
    expect([...second.b]).toEqual(B.slice(0, 8));
    expect(second.a).not.toBe(first.a);
  });

  it('survives cache eviction (many seeds) and stays deterministic', () => {
    const before = datasketchPermutations(4, 1);
    for (let s = 100; s < 140; s++) datasketchPermutations(2, s);
    const after = datasketchPermutations(4, 1);
    expect([...after.a]).toEqual([...before.a]);
    expect([...after.b]).toEqual([...before.b]);
  });

  it('rejects bad arguments', () => {
    const call = (...args: unknown[]) => () => (datasketchPermutations as (...a: unknown[]) => unknown)(...args);
    expect(call(0, 1)).toThrow(RangeError);
    expect(call(1.5, 1)).toThrow(/numPerm must be an integer in \[1, 1048576\], got 1.5/);
    expect(call('128', 1)).toThrow(TypeError);
    expect(call(128, -1)).toThrow(RangeError);
    expect(call(128, 2 ** 32)).toThrow(/seed must be an integer in \[0, 4294967295\]/);
    expect(call(128, 0.5)).toThrow(RangeError);
    expect(call(128, '1')).toThrow(TypeError);
  });
});

