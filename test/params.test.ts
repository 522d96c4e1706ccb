import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { optimalParams } from '../src/params';

interface LshParamsEntry {
  num_perm: number;
  threshold: number;
  weights: [number, number];
  b: number;
  r: number;
  weighted_error: number;
  runner_up: { b: number; r: number; weighted_error: number };
}
interface SweepEntry {
  num_perm: number;
  threshold: number;
  b: number;
  r: number;
  gap_to_runner_up: number;
  runner_up: [number, number];
}

const golden = JSON.parse(readFileSync(new URL('./fixtures/datasketch-golden.json', import.meta.url), 'utf8')) as {
  lsh_params: LshParamsEntry[];
  lsh_params_sweep: SweepEntry[];
};

describe('optimalParams reproduces datasketch MinHashLSH._optimal_param', () => {
  it('fixture has the expected entries', () => {
    expect(golden.lsh_params.length).toBe(8);
    expect(golden.lsh_params_sweep.length).toBe(38);
  });

  it.each(golden.lsh_params.map((e) => [e.threshold, e.num_perm, e] as const))(
    'lsh_params: threshold %s, num_perm %s',
    (_t, _n, e) => {
      expect(optimalParams(e.threshold, e.num_perm, e.weights)).toEqual({ bands: e.b, rows: e.r });
    },
  );

  // Sweep entries carry no weights: datasketch's default (0.5, 0.5) was used. The smallest gap to the
  // runner-up here is 2.2e-7 (num_perm 128, threshold 0.9).
  it.each(golden.lsh_params_sweep.map((e) => [e.threshold, e.num_perm, e] as const))(
    'lsh_params_sweep: threshold %s, num_perm %s',
    (_t, _n, e) => {
      expect(optimalParams(e.threshold, e.num_perm)).toEqual({ bands: e.b, rows: e.r });
      expect(optimalParams(e.threshold, e.num_perm, [0.5, 0.5])).toEqual({ bands: e.b, rows: e.r });
    },
  );

  it('returns a fresh object from the memo each time', () => {
    const first = optimalParams(0.5, 128);
    first.bands = 999;
    expect(optimalParams(0.5, 128)).toEqual({ bands: 25, rows: 5 });
  });

  // Not from the golden fixture: checked against datasketch's _optimal_param algorithm run with
  // scipy 1.17.1's quad (same QUADPACK rules as the scipy 1.10 that produced the fixture).
  it('matches scipy-based results at the edges and for other weights', () => {
    expect(optimalParams(0, 64)).toEqual({ bands: 64, rows: 1 });
    expect(optimalParams(1, 64)).toEqual({ bands: 1, rows: 64 });
    expect(optimalParams(0.5, 128, [0.2, 0.8])).toEqual({ bands: 30, rows: 4 });
    expect(optimalParams(0.5, 128, [0.8, 0.2])).toEqual({ bands: 18, rows: 7 });
    // (1, 1) and (2, 1) have mathematically equal error 0.125 here: the earlier pair wins.
    expect(optimalParams(0.5, 2)).toEqual({ bands: 1, rows: 1 });
    // Degenerate weights: errors underflow to exactly 0 in datasketch's `1 - (1 - x)` integrand at the
    // same point as in scipy, and then the first zero wins.
    expect(optimalParams(0.5, 128, [0, 1])).toEqual({ bands: 54, rows: 1 });
    expect(optimalParams(0.5, 128, [1, 0])).toEqual({ bands: 1, rows: 54 });
  });

  it('property: 1 <= bands, 1 <= rows, bands * rows <= numPerm', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 2, max: 96 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (threshold, numPerm, w0) => {
          const { bands, rows } = optimalParams(threshold, numPerm, [w0, 1 - w0]);
          expect(Number.isInteger(bands) && Number.isInteger(rows)).toBe(true);
          expect(bands).toBeGreaterThanOrEqual(1);
          expect(rows).toBeGreaterThanOrEqual(1);
          expect(bands * rows).toBeLessThanOrEqual(numPerm);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('property: a higher threshold never gives fewer rows per band at fixed numPerm (sweep data)', () => {
    for (const n of [128, 256]) {
      const rows = golden.lsh_params_sweep
        .filter((e) => e.num_perm === n)
        .sort((x, y) => x.threshold - y.threshold)
        .map((e) => optimalParams(e.threshold, n).rows);
      for (let i = 1; i < rows.length; i++) expect(rows[i]).toBeGreaterThanOrEqual(rows[i - 1]!);
    }
  });
});

describe('optimalParams input validation', () => {
  const call = (...args: unknown[]) => () => (optimalParams as (...a: unknown[]) => unknown)(...args);

  it('rejects thresholds outside [0, 1] with a RangeError naming range and value', () => {
    for (const t of [-0.1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(call(t, 128)).toThrow(RangeError);
      expect(call(t, 128)).toThrow(/threshold must be a finite number in \[0, 1\]/);
      expect(call(t, 128)).toThrow(String(t));
    }
  });

  it('rejects non-number thresholds with a TypeError', () => {
    expect(call('0.5', 128)).toThrow(TypeError);
    expect(call(undefined, 128)).toThrow(/threshold must be a number in \[0, 1\], got undefined/);
  });

  it('accepts the inclusive ends of the threshold range', () => {
    expect(() => optimalParams(0, 16)).not.toThrow();
    expect(() => optimalParams(1, 16)).not.toThrow();
  });

  it('rejects numPerm that is not an integer in [2, 8192]', () => {
    for (const n of [1, 0, -5, 8193, 12.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(call(0.5, n)).toThrow(RangeError);
      expect(call(0.5, n)).toThrow(/numPerm must be an integer in \[2, 8192\]/);
    }
    expect(call(0.5, '128')).toThrow(TypeError);
    expect(call(0.5, 1)).toThrow(/got 1$/);
  });

  it('rejects malformed weights with a message showing a valid call', () => {
    expect(call(0.5, 128, [0.5])).toThrow(TypeError);
    expect(call(0.5, 128, [0.5, 0.5, 0])).toThrow(TypeError);
    expect(call(0.5, 128, 0.5)).toThrow(/weights must be a pair \[falsePositiveWeight, falseNegativeWeight\]/);
    expect(call(0.5, 128, ['0.5', 0.5])).toThrow(TypeError);
    expect(call(0.5, 128, [Number.NaN, 0.5])).toThrow(RangeError);
    expect(call(0.5, 128, [-0.5, 1.5])).toThrow(RangeError);
    expect(call(0.5, 128, [-0.5, 1.5])).toThrow(/non-negative/);
    expect(call(0.5, 128, [0.5, 0.6])).toThrow(RangeError);
    expect(call(0.5, 128, [0.5, 0.6])).toThrow(/must sum to 1 \(e\.g\. \[0\.3, 0\.7\]\)/);
  });

  it('tolerates floating-point rounding in the weight sum', () => {
    expect(() => optimalParams(0.5, 16, [0.1, 1 - 0.1])).not.toThrow();
    expect(() => optimalParams(0.5, 16, [0.7, 0.3])).not.toThrow();
  });
});
