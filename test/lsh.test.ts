/**
 * LshIndex against brute force: for signatures built with controlled band agreements, `query` must
 * return exactly the keys that share all rows of at least one band with the query (datasketch
 * MinHashLSH semantics), under inserts, removals, id reuse, page and table growth; `queryScored` must
 * score and order them exactly; every bad input must throw an error naming the problem and leave the
 * index answering as before.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { LshIndex } from '../src/lsh';
import { optimalParams } from '../src/params';
import { initSync, MinHasher } from '../src/index';

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

/**
 * Signatures whose bands come, with probability `share`, from a small pool of band values per band
 * (so many keys share bands), else are random. Pool values of one band differ only in their last row,
 * so a row-by-row comparison is needed to tell them apart. Slots past bands * rows are random.
 */
function makeSigGen(numPerm: number, bands: number, rows: number, seed: number, share = 0.3, poolSize = 6) {
  const rnd = mulberry32(seed);
  const u32 = () => (rnd() * 2 ** 32) >>> 0;
  const common = Array.from({ length: bands }, () => Array.from({ length: rows }, u32));
  return (): Uint32Array => {
    const s = new Uint32Array(numPerm);
    for (let i = 0; i < numPerm; i++) s[i] = u32();
    for (let j = 0; j < bands; j++) {
      if (rnd() < share) {
        const v = Math.floor(rnd() * poolSize);
        for (let k = 0; k < rows; k++) s[j * rows + k] = common[j][k];
        s[j * rows + rows - 1] = common[j][rows - 1] + v;
      }
    }
    return s;
  };
}

function sharesBand(a: Uint32Array, b: Uint32Array, bands: number, rows: number): boolean {
  for (let j = 0; j < bands; j++) {
    let k = 0;
    while (k < rows && a[j * rows + k] === b[j * rows + k]) k++;
    if (k === rows) return true;
  }
  return false;
}

function similarity(a: Uint32Array, b: Uint32Array): number {
  let eq = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) eq++;
  return eq / a.length;
}

function bruteQuery(model: Map<Key, Uint32Array>, q: Uint32Array, bands: number, rows: number): Key[] {
  const out: Key[] = [];
  for (const [k, s] of model) if (sharesBand(s, q, bands, rows)) out.push(k);
  return out;
}

function sortKeys(keys: Key[]): Key[] {
  return [...keys].sort((a, b) =>
    typeof a === typeof b ? (a < b ? -1 : a > b ? 1 : 0) : typeof a === 'number' ? -1 : 1,
  );
}

/** Checks every query answer of `index` against brute force over `model`. */
function expectSameAsBrute(index: LshIndex<Key>, model: Map<Key, Uint32Array>, queries: Uint32Array[]): number {
  const { bands, rows } = index.params;
  expect(index.size).toBe(model.size);
  let found = 0;
  for (const q of queries) {
    const got = index.query(q);
    expect(new Set(got).size).toBe(got.length); // each key once
    expect(sortKeys(got)).toEqual(sortKeys(bruteQuery(model, q, bands, rows)));
    found += got.length;
  }
  return found;
}

describe('LshIndex: construction follows datasketch MinHashLSH', () => {
  it('defaults to threshold 0.8, numPerm 128 and the optimal banding', () => {
    const index = new LshIndex();
    expect(index.threshold).toBe(0.8);
    expect(index.numPerm).toBe(128);
    expect(index.params).toEqual(optimalParams(0.8, 128));
    expect(index.params).toEqual({ bands: 9, rows: 13 });
    expect(index.size).toBe(0);
    expect(index.hasher).toBeUndefined();
  });

  it('chooses (bands, rows) from threshold, numPerm and weights, or takes them as given', () => {
    expect(new LshIndex({ threshold: 0.5 }).params).toEqual({ bands: 25, rows: 5 });
    expect(new LshIndex({ threshold: 0.5, numPerm: 256 }).params).toEqual(optimalParams(0.5, 256));
    expect(new LshIndex({ threshold: 0.5, weights: [0.2, 0.8] }).params).toEqual(optimalParams(0.5, 128, [0.2, 0.8]));
    expect(new LshIndex({ numPerm: 64, params: { bands: 16, rows: 4 } }).params).toEqual({ bands: 16, rows: 4 });
    expect(new LshIndex({ numPerm: 1 }).params).toEqual({ bands: 1, rows: 1 });
    expect(Object.isFrozen(new LshIndex().params)).toBe(true);
  });

  it('takes numPerm from the hasher', () => {
    const hasher = { numPerm: 64, seed: 7, algorithm: 'fast', shingle: { unit: 'word', size: 3, normalize: true } };
    const index = new LshIndex({ hasher, threshold: 0.5 });
    expect(index.numPerm).toBe(64);
    expect(index.hasher).toEqual(hasher);
    expect(index.params).toEqual(optimalParams(0.5, 64));
  });
});

describe('LshIndex.query equals brute force', () => {
  it.each([
    [35, 8, 4, 1],
    [128, 25, 5, 2],
    [128, 9, 13, 3],
    [16, 16, 1, 4],
    [7, 1, 7, 5],
  ])('numPerm %i, %i bands x %i rows (seed %i)', (numPerm, bands, rows, seed) => {
    const gen = makeSigGen(numPerm, bands, rows, seed);
    const index = new LshIndex<Key>({ numPerm, params: { bands, rows } });
    const model = new Map<Key, Uint32Array>();
    for (let i = 0; i < 400; i++) {
      const key = i % 3 === 0 ? i : `key-${i}`;
      const sig = gen();
      index.insert(key, sig);
      model.set(key, sig);
    }
    const queries = Array.from({ length: 300 }, gen);
    // Stored signatures themselves must find at least their own key.
    queries.push(...[...model.values()].slice(0, 50));
    // The generator makes candidates common: on average several per query.
    expect(expectSameAsBrute(index, model, queries)).toBeGreaterThan(queries.length);
  });

  it('finds a key whose band matches while its leftover slots (past bands * rows) differ', () => {
    const index = new LshIndex({ numPerm: 10, params: { bands: 2, rows: 4 } });
    const a = Uint32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    index.insert('a', a);
    expect(index.query(Uint32Array.from([1, 2, 3, 4, 0, 0, 0, 0, 0, 0]))).toEqual(['a']);
    expect(index.query(Uint32Array.from([0, 0, 0, 0, 0, 0, 0, 0, 9, 10]))).toEqual([]);
    expect(index.query(Uint32Array.from([1, 2, 3, 5, 5, 6, 7, 9, 9, 10]))).toEqual([]);
  });

  it('stays exact through random inserts, removals and id reuse (fast-check)', () => {
    const numPerm = 24;
    const bands = 6;
    const rows = 4;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 20, max: 400 }), (seed, steps) => {
        const gen = makeSigGen(numPerm, bands, rows, seed, 0.4, 3);
        const rnd = mulberry32(seed ^ 0x5bd1e995);
        const index = new LshIndex<Key>({ numPerm, params: { bands, rows } });
        const model = new Map<Key, Uint32Array>();
        for (let s = 0; s < steps; s++) {
          const key: Key = rnd() < 0.5 ? Math.floor(rnd() * 60) : `k${Math.floor(rnd() * 60)}`;
          if (model.has(key) && rnd() < 0.7) {
            expect(index.remove(key)).toBe(true);
            model.delete(key);
          } else if (!model.has(key)) {
            const sig = gen();
            index.insert(key, sig);
            model.set(key, sig);
          } else {
            expect(index.remove(`absent-${s}`)).toBe(false);
          }
          expect(index.has(key)).toBe(model.has(key));
        }
        expectSameAsBrute(index, model, Array.from({ length: 40 }, gen));
      }),
      { numRuns: 40 },
    );
  });

  it('stays exact across page growth, table growth and mass removal', () => {
    const numPerm = 16;
    const gen = makeSigGen(numPerm, 4, 4, 99, 0.25, 40);
    const index = new LshIndex<Key>({ numPerm, params: { bands: 4, rows: 4 } });
    const model = new Map<Key, Uint32Array>();
    for (let i = 0; i < 5000; i++) {
      const sig = gen();
      index.insert(i, sig);
      model.set(i, sig);
    }
    const queries = Array.from({ length: 100 }, gen);
    expectSameAsBrute(index, model, queries);
    for (let i = 0; i < 5000; i += 2) {
      expect(index.remove(i)).toBe(true);
      model.delete(i);
    }
    expectSameAsBrute(index, model, queries);
    for (let i = 0; i < 1500; i++) {
      const sig = gen();
      index.insert(`new-${i}`, sig); // reuses freed ids
      model.set(`new-${i}`, sig);
    }
    expectSameAsBrute(index, model, queries);
  });

  it('reserve sizes the tables ahead and answers stay exact', () => {
    const numPerm = 16;
    const gen = makeSigGen(numPerm, 4, 4, 7, 0.25, 40);
    const index = new LshIndex<Key>({ numPerm, params: { bands: 4, rows: 4 } });
    const model = new Map<Key, Uint32Array>();
    for (let i = 0; i < 100; i++) { const sig = gen(); index.insert(i, sig); model.set(i, sig); }
    index.reserve(5000); // rebuilds the chains of the keys already in
    const queries = Array.from({ length: 100 }, gen);
    expectSameAsBrute(index, model, queries);
    for (let i = 100; i < 5000; i++) { const sig = gen(); index.insert(i, sig); model.set(i, sig); }
    index.reserve(10); // smaller than the index: nothing to do
    expectSameAsBrute(index, model, queries);
    expect(() => index.reserve(-1)).toThrow(/n must be an integer in \[0, /);
    expect(() => index.reserve(1.5)).toThrow(RangeError);
    expect(() => (index as unknown as { reserve(n?: unknown): void }).reserve()).toThrow(/n must be given/);
    expect(index.size).toBe(5000);
  });

  it('handles a bucket of 20,000 identical signatures in O(n): query returns each once, removal in insertion order', () => {
    const sig = Uint32Array.from({ length: 32 }, (_, i) => i * 7919);
    const index = new LshIndex<number>({ numPerm: 32, params: { bands: 8, rows: 4 } });
    const n = 20000;
    for (let i = 0; i < n; i++) index.insert(i, sig);
    const got = index.query(sig);
    expect(got.length).toBe(n);
    expect(new Set(got).size).toBe(n);
    const t0 = performance.now();
    for (let i = 0; i < n - 1; i++) index.remove(i);
    expect(performance.now() - t0).toBeLessThan(2000); // O(bands) per removal, not O(bucket)
    expect(index.query(sig)).toEqual([n - 1]);
  });

  it('queryScored maxPerBand visits the newest matching keys of each band first', () => {
    const sig = Uint32Array.from({ length: 32 }, (_, i) => i * 7919 + 1);
    const index = new LshIndex<number>({ numPerm: 32, params: { bands: 8, rows: 4 } });
    for (let i = 0; i < 100; i++) index.insert(i, sig);
    // keys of another signature are not reported
    const other = Uint32Array.from(sig, (v) => v + 1);
    for (let i = 100; i < 200; i++) index.insert(i, other);
    expect(index.queryScored(sig, { maxPerBand: 3 }).map((r) => r.key)).toEqual([97, 98, 99]);
    index.remove(99);
    expect(index.queryScored(sig, { maxPerBand: 2 }).map((r) => r.key)).toEqual([97, 98]);
    expect(index.queryScored(sig).length).toBe(99);
  });

  it('treats 0 and -0 as one key, and numbers and strings as different keys', () => {
    const index = new LshIndex<Key>({ numPerm: 4, params: { bands: 1, rows: 4 } });
    const s = Uint32Array.from([1, 2, 3, 4]);
    index.insert(0, s);
    expect(index.has(-0)).toBe(true);
    expect(() => index.insert(-0, s)).toThrow(/already in the index/);
    index.insert('0', s);
    index.insert(1.5, s);
    expect(sortKeys(index.query(s))).toEqual([0, 1.5, '0']);
    expect(Object.is(index.query(s).find((k) => k === 0), 0)).toBe(true);
  });
});

describe('LshIndex.queryScored', () => {
  it('scores the candidates of query() by equal slots, most similar first, ties by key', () => {
    const numPerm = 40;
    const gen = makeSigGen(numPerm, 10, 4, 17, 0.5, 2);
    const index = new LshIndex<Key>({ numPerm, params: { bands: 10, rows: 4 } });
    const model = new Map<Key, Uint32Array>();
    for (let i = 0; i < 300; i++) {
      const key = i % 2 ? `s${i}` : i;
      const sig = gen();
      index.insert(key, sig);
      model.set(key, sig);
    }
    for (let q = 0; q < 100; q++) {
      const query = gen();
      const expected = bruteQuery(model, query, 10, 4).map((key) => ({ key, similarity: similarity(model.get(key)!, query) }));
      const got = index.queryScored(query);
      expect(got.length).toBe(expected.length);
      for (let i = 1; i < got.length; i++) {
        const [a, b] = [got[i - 1], got[i]];
        expect(a.similarity > b.similarity || (a.similarity === b.similarity && sortKeys([a.key, b.key])[0] === a.key)).toBe(true);
      }
      expect(new Map(got.map((r) => [r.key, r.similarity]))).toEqual(new Map(expected.map((r) => [r.key, r.similarity])));
      expect(index.queryScored(query, { limit: 3 })).toEqual(got.slice(0, 3));
      expect(index.queryScored(query, { minSimilarity: 0.3 })).toEqual(got.filter((r) => r.similarity >= 0.3));
      expect(index.queryScored(query, { limit: 0 })).toEqual([]);
    }
  });

  it('ranks real near-duplicate prompts first (MinHasher signatures)', () => {
    initSync();
    const hasher = new MinHasher({ numPerm: 128 });
    const index = new LshIndex<string>({ threshold: 0.5, hasher });
    const texts: Record<string, string> = {
      bread: 'Summarize this article about the long history of bread baking in France and its regional traditions',
      breadIt: 'Summarize this article about the long history of bread baking in Italy and its regional traditions',
      code: 'Write a Python function that parses an ISO 8601 date string and returns a datetime object',
      poem: 'Compose a short poem about autumn leaves falling on a quiet lake at dusk',
    };
    for (const [k, t] of Object.entries(texts)) index.insert(k, hasher.sign(t));
    const q = hasher.sign('Summarize this article about the long history of bread baking in Spain and its regional traditions');
    const scored = index.queryScored(q);
    expect(scored.map((r) => r.key).slice(0, 2).sort()).toEqual(['bread', 'breadIt']);
    expect(scored[0].similarity).toBeGreaterThan(0.4);
    expect(index.query(hasher.sign(texts.code))).toEqual(['code']);
  });
});

describe('LshIndex rejects bad input with errors naming the problem, and keeps working', () => {
  const numPerm = 32;
  const gen = makeSigGen(numPerm, 8, 4, 5);
  function populated() {
    const index = new LshIndex<Key>({ numPerm, params: { bands: 8, rows: 4 } });
    const model = new Map<Key, Uint32Array>();
    for (let i = 0; i < 100; i++) {
      const sig = gen();
      index.insert(`k${i}`, sig);
      model.set(`k${i}`, sig);
    }
    return { index, model, queries: Array.from({ length: 30 }, gen) };
  }

  it('constructor options', () => {
    expect(() => new LshIndex({ threshold: NaN })).toThrow(RangeError);
    expect(() => new LshIndex({ threshold: NaN })).toThrow(/threshold must be a finite number in \[0, 1\].*NaN/);
    expect(() => new LshIndex({ threshold: 1.5 })).toThrow(/threshold.*1\.5/);
    expect(() => new LshIndex({ threshold: '0.5' as unknown as number })).toThrow(TypeError);
    expect(() => new LshIndex({ numPerm: 0 })).toThrow(/numPerm must be an integer in \[1, 8192\]/);
    expect(() => new LshIndex({ numPerm: 12.5 })).toThrow(/numPerm/);
    expect(() => new LshIndex({ numPerm: 64, params: { bands: 20, rows: 4 } })).toThrow(/bands \* params\.rows must be at most numPerm \(64\), got 20 \* 4 = 80/);
    expect(() => new LshIndex({ params: { bands: 0, rows: 4 } })).toThrow(/params\.bands/);
    expect(() => new LshIndex({ params: { bands: 2.5, rows: 4 } })).toThrow(/params\.bands/);
    expect(() => new LshIndex({ params: { bands: 4 } as { bands: number; rows: number } })).toThrow(/both bands and rows/);
    expect(() => new LshIndex({ weights: [0.5, 0.6] })).toThrow(/weights must be two finite non-negative numbers summing to 1/);
    expect(() => new LshIndex({ weights: [NaN, 0.5] })).toThrow(/weights/);
    expect(() => new LshIndex({ weights: 'x' as unknown as [number, number] })).toThrow(TypeError);
    expect(() => new LshIndex({ treshold: 0.5 } as unknown as object)).toThrow(/unknown option 'treshold'/);
    const hasher = { numPerm: 64, seed: 1, algorithm: 'fast', shingle: { unit: 'word', size: 3, normalize: true } };
    expect(() => new LshIndex({ hasher, numPerm: 128 })).toThrow(/numPerm is number 128 but hasher\.numPerm is 64/);
    expect(() => new LshIndex({ hasher: { ...hasher, seed: -1 } })).toThrow(/hasher\.seed must be an integer/);
    expect(() => new LshIndex({ hasher: { ...hasher, shingle: undefined } as unknown as typeof hasher })).toThrow(/hasher\.shingle\.unit/);
  });

  it('insert: wrong signature length or type, wrong key type, duplicate key', () => {
    const { index, model, queries } = populated();
    expect(() => index.insert('x', new Uint32Array(16))).toThrow(RangeError);
    expect(() => index.insert('x', new Uint32Array(16))).toThrow(/sig has 16 slots but this index expects 32/);
    expect(() => index.insert('x', Array.from({ length: 32 }, () => 1) as unknown as Uint32Array)).toThrow(TypeError);
    expect(() => index.insert('x', new Int32Array(32) as unknown as Uint32Array)).toThrow(/sig must be a Uint32Array/);
    for (const bad of [NaN, Infinity, -Infinity, null, undefined, {}, [], true, 10n, Symbol('s')]) {
      expect(() => index.insert(bad as unknown as Key, gen())).toThrow(TypeError);
      expect(() => index.insert(bad as unknown as Key, gen())).toThrow(/key must be a string or a finite number/);
    }
    expect(() => index.insert('\uD800x', gen())).toThrow(/lone surrogate/);
    expect(() => index.insert('k7', gen())).toThrow(/key "k7" is already in the index; remove it first/);
    expect(() => index.has(NaN)).toThrow(TypeError);
    expect(() => index.remove({} as unknown as Key)).toThrow(TypeError);
    expect(index.has('x')).toBe(false);
    expectSameAsBrute(index, model, queries);
    // A failed duplicate insert left the original signature in place.
    expect(index.query(model.get('k7')!)).toContain('k7');
  });

  it('query and queryScored: wrong signature, bad options', () => {
    const { index, model, queries } = populated();
    expect(() => index.query(new Uint32Array(33))).toThrow(/sig has 33 slots but this index expects 32/);
    expect(() => index.query('abc' as unknown as Uint32Array)).toThrow(TypeError);
    expect(() => index.queryScored(queries[0], { minSimilarity: NaN })).toThrow(/minSimilarity must be a number in \[0, 1\]/);
    expect(() => index.queryScored(queries[0], { minSimilarity: 2 })).toThrow(RangeError);
    expect(() => index.queryScored(queries[0], { limit: -1 })).toThrow(/limit must be an integer/);
    expect(() => index.queryScored(queries[0], { limit: 1.5 })).toThrow(/limit/);
    expect(() => index.queryScored(queries[0], { top: 3 } as unknown as object)).toThrow(/unknown option 'top'/);
    expectSameAsBrute(index, model, queries);
  });
});
