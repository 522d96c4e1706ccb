/**
 * Snapshots: CRC-32C against its check value and a bitwise reference; LshIndex and SimHashIndex
 * round trips (same answers to 1,000 queries, byte-identical re-serialization); every corrupted,
 * truncated, extended, foreign or mismatched snapshot refused with a SnapshotError that says which;
 * the atomic file writers.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect, afterAll } from 'vitest';
import { LshIndex } from '../src/lsh';
import { SimHashIndex } from '../src/simhash-index';
import { SnapshotError, crc32c } from '../src/persist';
import { saveFileAtomic, saveFileAtomicSync } from '../src/node/save';
import { initSync, MinHasher, SimHasher } from '../src/index';

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

/** Bit-at-a-time CRC-32C, straight from the definition (reflected polynomial 0x82F63B78). */
function crc32cBitwise(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

const MINHASHER = { numPerm: 32, seed: 1, algorithm: 'fast', shingle: { unit: 'word', size: 3, normalize: true } };
const SIMHASHER = { seed: 1, shingle: { unit: 'word', size: 3, normalize: true } };

/** An LshIndex with mixed keys (ASCII, non-ASCII, astral, empty string, numbers) and holes from removals. */
function buildLsh(n: number, seed: number, hasher: object | null = MINHASHER) {
  const rnd = mulberry32(seed);
  const u32 = () => (rnd() * 2 ** 32) >>> 0;
  const bandValues = Array.from({ length: 8 }, () => Array.from({ length: 4 }, () => Array.from({ length: 4 }, u32)));
  const sig = () => {
    const s = Uint32Array.from({ length: 32 }, u32);
    for (let j = 0; j < 8; j++) if (rnd() < 0.4) s.set(bandValues[j][Math.floor(rnd() * 4)], j * 4);
    return s;
  };
  const index = new LshIndex<Key>({ threshold: 0.5, numPerm: 32, hasher: (hasher ?? undefined) as typeof MINHASHER, params: { bands: 8, rows: 4 } });
  const keys: Key[] = ['', 'café', '日本語のキー', '😀 emoji', -0.5, 1e300, 2 ** 40];
  for (let i = 0; keys.length < n; i++) keys.push(i % 2 ? i : `key-${i}`);
  for (const k of keys) index.insert(k, sig());
  for (let i = 0; i < keys.length; i += 5) index.remove(keys[i]);
  return { index, queries: Array.from({ length: 1000 }, sig) };
}

function buildSim(n: number, seed: number, hasher: object | null = SIMHASHER) {
  const rnd = mulberry32(seed);
  const fp = () => (BigInt((rnd() * 2 ** 32) >>> 0) << 32n) | BigInt((rnd() * 2 ** 32) >>> 0);
  const near = (x: bigint) => x ^ (1n << BigInt(Math.floor(rnd() * 64))) ^ (1n << BigInt(Math.floor(rnd() * 64)));
  const index = new SimHashIndex<Key>({ maxDistance: 3, hasher: (hasher ?? undefined) as typeof SIMHASHER });
  const stored: bigint[] = [];
  for (let i = 0; i < n; i++) {
    const x = i % 3 === 0 && stored.length > 0 ? near(stored[stored.length - 1]) : fp();
    stored.push(x);
    index.insert(i % 2 ? i : `fp-${i}`, x);
  }
  for (let i = 0; i < n; i += 7) index.remove(i % 2 ? i : `fp-${i}`);
  const queries = Array.from({ length: 1000 }, (_, i) => (i % 2 ? near(stored[i % stored.length]) : fp()));
  return { index, queries };
}

const sortKeys = (keys: Key[]) => [...keys].map(String).sort();

describe('crc32c', () => {
  it('gives the RFC 3720 check value and matches a bitwise reference at every length 0..100', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa); // RFC 3720 B.4: 32 bytes of zeros
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43); // RFC 3720 B.4: 32 bytes of 0xFF
    const rnd = mulberry32(1);
    for (let n = 0; n <= 100; n++) {
      const bytes = Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256));
      expect(crc32c(bytes)).toBe(crc32cBitwise(bytes));
      const cut = Math.floor(n / 3);
      expect(crc32c(bytes.subarray(cut), crc32c(bytes.subarray(0, cut)))).toBe(crc32cBitwise(bytes));
    }
  });
});

describe('LshIndex snapshots', () => {
  it('round-trips: same keys, parameters and hasher; same answers to 1,000 queries; same bytes again', () => {
    const { index, queries } = buildLsh(400, 1);
    const bytes = index.serialize();
    const loaded = LshIndex.deserialize<Key>(bytes, { hasher: MINHASHER });
    expect(loaded.size).toBe(index.size);
    expect(loaded.params).toEqual(index.params);
    expect(loaded.threshold).toBe(index.threshold);
    expect(loaded.numPerm).toBe(index.numPerm);
    expect(loaded.hasher).toEqual(MINHASHER);
    let found = 0;
    for (const q of queries) {
      const a = index.query(q);
      expect(sortKeys(loaded.query(q))).toEqual(sortKeys(a));
      expect(loaded.queryScored(q)).toEqual(index.queryScored(q));
      found += a.length;
    }
    expect(found).toBeGreaterThan(1000);
    for (const k of ['', 'café', '日本語のキー', '😀 emoji', 1e300, 2 ** 40, 1, 'key-2']) expect(loaded.has(k)).toBe(index.has(k));
    expect(loaded.serialize()).toEqual(bytes);
    // The loaded index is a normal, writable index.
    loaded.insert('added', queries[0]);
    expect(loaded.query(queries[0])).toContain('added');
  });

  it('round-trips an empty index and an index without hasher', () => {
    const empty = LshIndex.deserialize(new LshIndex({ numPerm: 16, threshold: 0.7 }).serialize());
    expect(empty.size).toBe(0);
    expect(empty.params).toEqual(new LshIndex({ numPerm: 16, threshold: 0.7 }).params);
    expect(empty.hasher).toBeUndefined();
    const { index } = buildLsh(50, 2, null);
    expect(index.hasher).toBeUndefined();
    const loaded = LshIndex.deserialize(index.serialize());
    expect(loaded.size).toBe(index.size);
    expect(loaded.hasher).toBeUndefined();
  });

  it('refuses a snapshot with any single byte altered', () => {
    const { index } = buildLsh(30, 3);
    const bytes = index.serialize();
    const rnd = mulberry32(3);
    for (let i = 0; i < bytes.length; i++) {
      for (const x of [0xff, 1 + Math.floor(rnd() * 255)]) {
        const bad = bytes.slice();
        bad[i] ^= x;
        let err: unknown;
        try {
          LshIndex.deserialize(bad);
        } catch (e) {
          err = e;
        }
        expect(err, `byte ${i} ^ ${x}`).toBeInstanceOf(SnapshotError);
        expect((err as SnapshotError).message).toMatch(/^LshIndex\.deserialize: /);
        expect(['corrupted', 'not-a-snapshot', 'version', 'truncated', 'kind']).toContain((err as SnapshotError).problem);
      }
    }
  });

  it('says which: corrupted body, foreign bytes, future version, wrong kind', () => {
    const bytes = buildLsh(30, 4).index.serialize();
    const body = bytes.slice();
    body[100] ^= 0x10;
    expect(() => LshIndex.deserialize(body)).toThrow(/the snapshot is corrupted: its CRC-32C checksum is 0x[0-9a-f]{8} but its contents give 0x[0-9a-f]{8}/);
    expect(() => LshIndex.deserialize(new TextEncoder().encode('{"not": "a snapshot at all, just JSON text"}'))).toThrow(/not a neardup snapshot/);
    const future = bytes.slice();
    future[8] = 2;
    expect(() => LshIndex.deserialize(future)).toThrow(/format version 2 is not supported; this build reads version 1/);
    expect(() => SimHashIndex.deserialize(bytes)).toThrow(/holds an LshIndex, not a SimHashIndex/);
    expect(() => LshIndex.deserialize(buildSim(10, 1).index.serialize())).toThrow(/holds a SimHashIndex, not an LshIndex/);
    expect(() => LshIndex.deserialize([1, 2, 3] as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => LshIndex.deserialize(bytes, { hasher: MINHASHER, strict: true } as unknown as object)).toThrow(/unknown option 'strict'/);
  });

  it('refuses every truncation and any appended bytes', () => {
    const bytes = buildLsh(20, 5).index.serialize();
    for (let n = 0; n < bytes.length; n++) {
      let err: unknown;
      try {
        LshIndex.deserialize(bytes.subarray(0, n));
      } catch (e) {
        err = e;
      }
      expect(err, `length ${n}`).toBeInstanceOf(SnapshotError);
      expect((err as SnapshotError).problem).toBe('truncated');
      expect((err as Error).message).toMatch(/truncated/);
    }
    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes);
    expect(() => LshIndex.deserialize(longer)).toThrow(/3 unexpected bytes after its end/);
  });

  it('refuses a snapshot made with other hasher parameters, naming the field', () => {
    const bytes = buildLsh(20, 6).index.serialize();
    const cases: [object, RegExp][] = [
      [{ ...MINHASHER, seed: 2 }, /hasher mismatch on seed: the snapshot was built with seed = 1 but opts\.hasher has seed = 2/],
      [{ ...MINHASHER, algorithm: 'classic' }, /hasher mismatch on algorithm: .*"fast".*"classic"/],
      [{ ...MINHASHER, shingle: { ...MINHASHER.shingle, size: 5 } }, /hasher mismatch on shingle\.size/],
      [{ ...MINHASHER, shingle: { ...MINHASHER.shingle, unit: 'char' } }, /hasher mismatch on shingle\.unit/],
      [{ ...MINHASHER, shingle: { ...MINHASHER.shingle, normalize: false } }, /hasher mismatch on shingle\.normalize/],
      [{ ...MINHASHER, numPerm: 64 }, /hasher mismatch on numPerm: .*32.*64/],
    ];
    for (const [hasher, message] of cases) {
      let err: unknown;
      try {
        LshIndex.deserialize(bytes, { hasher: hasher as typeof MINHASHER });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SnapshotError);
      expect((err as SnapshotError).problem).toBe('hasher-mismatch');
      expect((err as Error).message).toMatch(message);
    }
    const anonymous = buildLsh(20, 6, null).index.serialize();
    expect(() => LshIndex.deserialize(anonymous, { hasher: MINHASHER })).toThrow(/records no hasher parameters/);
    expect(() => LshIndex.deserialize(bytes, { hasher: { seed: 1 } as unknown as typeof MINHASHER })).toThrow(/hasher\.numPerm must be/);
  });

  it('refuses a body that is malformed although its checksum matches', () => {
    // Two keys "a" and "b" -> rewrite "b" as "a" and fix the checksum: a duplicate key.
    const index = new LshIndex<string>({ numPerm: 4, params: { bands: 1, rows: 4 } });
    index.insert('a', Uint32Array.from([1, 2, 3, 4]));
    index.insert('b', Uint32Array.from([5, 6, 7, 8]));
    const bytes = index.serialize();
    const text = Array.from(bytes, (b) => String.fromCharCode(b)).join('');
    const at = text.indexOf('\x01\x01\x00\x00\x00b');
    expect(at).toBeGreaterThan(0);
    const bad = bytes.slice();
    bad[at + 5] = 'a'.charCodeAt(0);
    const dv = new DataView(bad.buffer);
    dv.setUint32(bad.length - 4, crc32c(bad.subarray(8, bad.length - 4)), true);
    expect(() => LshIndex.deserialize(bad)).toThrow(/malformed \(key "a" appears twice\)/);
    // Invalid UTF-8 in a key.
    const bad2 = bytes.slice();
    bad2[at + 5] = 0xff;
    new DataView(bad2.buffer).setUint32(bad2.length - 4, crc32c(bad2.subarray(8, bad2.length - 4)), true);
    expect(() => LshIndex.deserialize(bad2)).toThrow(/malformed \(key 1 is not valid UTF-8\)/);
  });

  it('works with a real MinHasher as the hasher', () => {
    initSync();
    const h = new MinHasher({ numPerm: 64, seed: 9 });
    const index = new LshIndex<string>({ threshold: 0.6, hasher: h });
    const texts = ['Translate this paragraph into formal German please', 'Give me ten ideas for a birthday party for a seven year old'];
    texts.forEach((t, i) => index.insert(`t${i}`, h.sign(t)));
    const loaded = LshIndex.deserialize<string>(index.serialize(), { hasher: h });
    expect(loaded.query(h.sign(texts[1]))).toEqual(['t1']);
    expect(() => LshIndex.deserialize(index.serialize(), { hasher: new MinHasher({ numPerm: 64, seed: 9, algorithm: 'classic' }) })).toThrow(
      /hasher mismatch on algorithm/,
    );
  });
});

describe('SimHashIndex snapshots', () => {
  it('round-trips with the same answers to 1,000 queries and the same bytes again', () => {
    const { index, queries } = buildSim(3000, 7);
    const bytes = index.serialize();
    const loaded = SimHashIndex.deserialize<Key>(bytes, { hasher: SIMHASHER });
    expect(loaded.size).toBe(index.size);
    expect(loaded.maxDistance).toBe(3);
    expect(loaded.blocks).toBe(4);
    expect(loaded.hasher).toEqual(SIMHASHER);
    let found = 0;
    for (const q of queries) {
      const a = index.query(q);
      expect(loaded.query(q)).toEqual(a);
      found += a.length;
    }
    expect(found).toBeGreaterThan(400);
    expect(loaded.serialize()).toEqual(bytes);
    const wide = new SimHashIndex({ maxDistance: 5, blocks: 7 });
    wide.insert('x', 123n);
    const w = SimHashIndex.deserialize(wide.serialize());
    expect([w.maxDistance, w.blocks, w.tables]).toEqual([5, 7, 21]);
    expect(w.query(123n ^ 0b11111n)).toEqual([{ key: 'x', distance: 5 }]);
  });

  it('refuses any altered byte, every truncation, and other hasher parameters', () => {
    const bytes = buildSim(40, 8).index.serialize();
    for (let i = 0; i < bytes.length; i++) {
      const bad = bytes.slice();
      bad[i] ^= 0x5a;
      expect(() => SimHashIndex.deserialize(bad), `byte ${i}`).toThrow(SnapshotError);
    }
    for (let n = 0; n < bytes.length; n++) {
      expect(() => SimHashIndex.deserialize(bytes.subarray(0, n)), `length ${n}`).toThrow(/truncated/);
    }
    expect(() => SimHashIndex.deserialize(bytes, { hasher: { ...SIMHASHER, seed: 3 } })).toThrow(/hasher mismatch on seed/);
    expect(() => SimHashIndex.deserialize(bytes, { hasher: { ...SIMHASHER, shingle: { ...SIMHASHER.shingle, unit: 'char' } } })).toThrow(
      /hasher mismatch on shingle\.unit/,
    );
    initSync();
    const s = new SimHasher({ seed: 1 });
    expect(SimHashIndex.deserialize(bytes, { hasher: s }).size).toBeGreaterThan(0);
    expect(() => SimHashIndex.deserialize(bytes, { hasher: new SimHasher({ seed: 2 }) })).toThrow(/hasher mismatch on seed/);
  });
});

describe('saveFileAtomic', () => {
  const dir = mkdtempSync(join(tmpdir(), 'neardup-save-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes, replaces, and leaves no temporary file (async and sync)', async () => {
    const bytes = buildLsh(50, 9).index.serialize();
    const path = join(dir, 'index.ndup');
    writeFileSync(path, 'old contents');
    await saveFileAtomic(path, bytes);
    expect(new Uint8Array(readFileSync(path))).toEqual(bytes);
    expect(LshIndex.deserialize(new Uint8Array(readFileSync(path))).size).toBe(40);
    const other = buildSim(10, 1).index.serialize();
    saveFileAtomicSync(path, other);
    expect(new Uint8Array(readFileSync(path))).toEqual(other);
    await saveFileAtomic(join(dir, 'empty.bin'), new Uint8Array(0));
    expect(readFileSync(join(dir, 'empty.bin')).length).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['empty.bin', 'index.ndup']);
  });

  it('fails cleanly: missing directory, bad arguments', async () => {
    await expect(saveFileAtomic(join(dir, 'missing', 'x.ndup'), new Uint8Array(4))).rejects.toThrow(/ENOENT/);
    expect(() => saveFileAtomicSync(join(dir, 'missing', 'x.ndup'), new Uint8Array(4))).toThrow(/ENOENT/);
    await expect(saveFileAtomic('', new Uint8Array(1))).rejects.toThrow(/path must be a non-empty string/);
    expect(() => saveFileAtomicSync(join(dir, 'y'), 'text' as unknown as Uint8Array)).toThrow(/bytes must be a Uint8Array/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
