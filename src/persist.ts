/**
 * Snapshots: the container format shared by `LshIndex` and `SimHashIndex`, its checksum, and the
 * record of hasher parameters a snapshot carries. Browser-safe (no Node imports); writing a file
 * atomically is in `node/save.ts`.
 *
 * Container (all integers little-endian):
 *
 *   offset   size  field
 *   0        8     magic 89 4E 44 55 50 0D 0A 1A  ("\x89NDUP\r\n\x1A": a non-ASCII first byte and the
 *                  CR LF / ^Z trap of the PNG signature, PNG spec 12.12, so text-mode transfers show)
 *   8        2     format version (1)
 *   10       2     kind: 1 = LshIndex, 2 = SimHashIndex, 3 = Detector
 *   12       4     flags (0)
 *   16       8     body length L
 *   24       L     body (layout in lsh.ts and simhash-index.ts)
 *   24 + L   4     CRC-32C of bytes [8, 24 + L): header fields and body
 *
 * CRC-32C is the Castagnoli polynomial 0x1EDC6F41 (reflected 0x82F63B78; G. Castagnoli, S. Bräuer,
 * M. Herrmann, IEEE Trans. Commun. 41(6), 1993), the checksum of iSCSI (RFC 3720, 12.1 and B.4) and
 * ext4. Like every CRC-32 it detects all single-byte changes and all bursts up to 32 bits, so any one
 * altered byte is caught. Computed slicing-by-8 (M. Kounavis, F. Berry, "A Systematic Approach to
 * Building High Performance Software-based CRC Generators", ISCC 2005).
 *
 * Body items: u8/u16/u32 little-endian, f64 IEEE 754 little-endian, strings as u32 byte length +
 * UTF-8, keys as a tag byte (1 = string, 2 = number) + the value.
 */
import { describeValue } from "./text.js";
import type { IndexKey } from "./keys.js";

/** What a snapshot holds. */
export const enum SnapshotKind { Lsh = 1, SimHash = 2, Detector = 3 }

const KIND_NAMES: Record<number, string> = { 1: "an LshIndex", 2: "a SimHashIndex", 3: "a Detector" };

export const FORMAT_VERSION = 1;
const MAGIC = [0x89, 0x4e, 0x44, 0x55, 0x50, 0x0d, 0x0a, 0x1a];
const HEADER_BYTES = 24;
const TRAILER_BYTES = 4;
const CRC_START = 8;
const MAX_BODY = 2 ** 52;

/** Why a snapshot was refused. */
export type SnapshotProblem = "not-a-snapshot" | "version" | "truncated" | "corrupted" | "kind" | "malformed" | "hasher-mismatch";

/** A snapshot that cannot be loaded; `problem` says why, the message says what to do. */
export class SnapshotError extends Error {
  readonly problem: SnapshotProblem;
  constructor(problem: SnapshotProblem, message: string) {
    super(message);
    this.name = "SnapshotError";
    this.problem = problem;
  }
}

// ---------------------------------------------------------------------------------------------
// CRC-32C
// ---------------------------------------------------------------------------------------------

let crcTable: Uint32Array | undefined;

/** Tables T0..T7 of slicing-by-8: Tk[n] is the CRC of byte n followed by k zero bytes. */
function crcTables(): Uint32Array {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n];
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff] ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
}

/**
 * CRC-32C (Castagnoli) of `bytes`; pass a previous result as `crc` to continue it.
 * @example crc32c(new TextEncoder().encode("123456789")) // 0xe3069283 (RFC 3720 B.4 check value)
 */
export function crc32c(bytes: Uint8Array, crc = 0): number {
  const t = (crcTable ??= crcTables());
  let c = ~crc;
  let i = 0;
  const n = bytes.length;
  for (const end = n - 7; i < end; i += 8) {
    const w = c ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
    c = t[1792 + (w & 0xff)] ^ t[1536 + ((w >>> 8) & 0xff)] ^ t[1280 + ((w >>> 16) & 0xff)] ^ t[1024 + (w >>> 24)] ^
      t[768 + bytes[i + 4]] ^ t[512 + bytes[i + 5]] ^ t[256 + bytes[i + 6]] ^ t[bytes[i + 7]];
  }
  for (; i < n; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const encoder = new TextEncoder();

/** Number of bytes `TextEncoder.encodeInto` writes for a string. */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // a surrogate pair: 2 code units, 4 bytes
      i++;
    } else n += 2; // 3 bytes (a lone surrogate becomes U+FFFD, also 3 bytes)
  }
  return n;
}

/** Writes a body of a size known in advance (so a snapshot is allocated once, never copied). */
export class Writer {
  readonly bytes: Uint8Array;
  readonly #dv: DataView;
  pos: number;
  readonly #end: number;

  constructor(bytes: Uint8Array, start: number, end: number) {
    this.bytes = bytes;
    this.#dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
    this.#end = end;
  }

  #take(n: number): number {
    const p = this.pos;
    if (p + n > this.#end) throw new Error(`neardup internal error: snapshot body overflows its computed size`);
    this.pos = p + n;
    return p;
  }

  u8(v: number): void { this.bytes[this.#take(1)] = v; }
  u16(v: number): void { this.#dv.setUint16(this.#take(2), v, true); }
  u32(v: number): void { this.#dv.setUint32(this.#take(4), v, true); }
  f64(v: number): void { this.#dv.setFloat64(this.#take(8), v, true); }

  /** u32 byte length, then UTF-8. Length from `utf8Length`: 4 + utf8Length(s). */
  string(s: string): void {
    const len = utf8Length(s);
    this.u32(len);
    const p = this.#take(len);
    encoder.encodeInto(s, this.bytes.subarray(p, p + len));
  }

  /** `count` words of `src` from `start`, little-endian. */
  u32s(src: Uint32Array, start: number, count: number): void {
    const p = this.#take(4 * count);
    if (LITTLE_ENDIAN) {
      this.bytes.set(new Uint8Array(src.buffer, src.byteOffset + 4 * start, 4 * count), p);
    } else {
      for (let i = 0; i < count; i++) this.#dv.setUint32(p + 4 * i, src[start + i], true);
    }
  }

  /** Raw bytes (their length is the caller's to record). */
  raw(src: Uint8Array): void {
    this.bytes.set(src, this.#take(src.length));
  }

  /** A key: tag 1 + string, or tag 2 + f64. Length from `keyLength`. */
  key(k: IndexKey): void {
    if (typeof k === "string") {
      this.u8(1);
      this.string(k);
    } else {
      this.u8(2);
      this.f64(k);
    }
  }
}

/** Bytes `Writer.key` writes. */
export function keyLength(k: IndexKey): number {
  return typeof k === "string" ? 5 + utf8Length(k) : 9;
}

/**
 * A snapshot of `bodyLength` body bytes: `writeBody` fills the body, then the header and checksum
 * are added.
 */
export function encodeSnapshot(kind: SnapshotKind, bodyLength: number, writeBody: (w: Writer) => void): Uint8Array {
  const total = HEADER_BYTES + bodyLength + TRAILER_BYTES;
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  const w = new Writer(out, 8, HEADER_BYTES);
  w.u16(FORMAT_VERSION);
  w.u16(kind);
  w.u32(0);
  w.u32(bodyLength % 2 ** 32);
  w.u32(Math.floor(bodyLength / 2 ** 32));
  const body = new Writer(out, HEADER_BYTES, HEADER_BYTES + bodyLength);
  writeBody(body);
  if (body.pos !== HEADER_BYTES + bodyLength) throw new Error("neardup internal error: snapshot body is shorter than its computed size");
  const crc = crc32c(out.subarray(CRC_START, HEADER_BYTES + bodyLength));
  new DataView(out.buffer).setUint32(HEADER_BYTES + bodyLength, crc, true);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

const decoder = new TextDecoder("utf-8", { fatal: true });

/** Reads a checked body; every read is bounds-checked and a violation is a `malformed` error. */
export class Reader {
  readonly #bytes: Uint8Array;
  readonly #dv: DataView;
  readonly #where: string;
  pos: number;
  readonly end: number;

  constructor(bytes: Uint8Array, start: number, end: number, where: string) {
    this.#bytes = bytes;
    this.#dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
    this.end = end;
    this.#where = where;
  }

  /** A `malformed` SnapshotError. */
  malformed(what: string): SnapshotError {
    return new SnapshotError(
      "malformed",
      `${this.#where}: the snapshot's body is malformed (${what}) although its checksum matches; it was not written by a compatible neardup`,
    );
  }

  #take(n: number, what: string): number {
    const p = this.pos;
    if (n > this.end - p) throw this.malformed(`it ends inside ${what}`);
    this.pos = p + n;
    return p;
  }

  u8(what: string): number { return this.#bytes[this.#take(1, what)]; }
  u16(what: string): number { return this.#dv.getUint16(this.#take(2, what), true); }
  u32(what: string): number { return this.#dv.getUint32(this.#take(4, what), true); }
  f64(what: string): number { return this.#dv.getFloat64(this.#take(8, what), true); }

  string(what: string): string {
    const len = this.u32(what);
    const p = this.#take(len, what);
    try {
      return decoder.decode(this.#bytes.subarray(p, p + len));
    } catch {
      throw this.malformed(`${what} is not valid UTF-8`);
    }
  }

  /** `count` little-endian words into `dst` from `start`. */
  u32s(dst: Uint32Array, start: number, count: number, what: string): void {
    const p = this.#take(4 * count, what);
    if (LITTLE_ENDIAN) {
      new Uint8Array(dst.buffer, dst.byteOffset + 4 * start, 4 * count).set(this.#bytes.subarray(p, p + 4 * count));
    } else {
      for (let i = 0; i < count; i++) dst[start + i] = this.#dv.getUint32(p + 4 * i, true);
    }
  }

  /** `n` raw bytes (a view into the snapshot). */
  raw(n: number, what: string): Uint8Array {
    const p = this.#take(n, what);
    return this.#bytes.subarray(p, p + n);
  }

  key(what: string): IndexKey {
    const tag = this.u8(what);
    if (tag === 1) return this.string(what);
    if (tag === 2) {
      const v = this.f64(what);
      if (!Number.isFinite(v)) throw this.malformed(`${what} is ${v}, not a finite number`);
      return v;
    }
    throw this.malformed(`${what} has type tag ${tag}; 1 (string) or 2 (number) expected`);
  }

  /** Throws unless the whole body was read. */
  done(): void {
    if (this.pos !== this.end) throw this.malformed(`${this.end - this.pos} bytes are left after the last field`);
  }
}

function hex(bytes: ArrayLike<number>): string {
  return Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, "0")).join(" ");
}

/**
 * Checks a snapshot's container (magic, version, length, checksum, kind) and returns a Reader over
 * its body. Every refusal is a SnapshotError saying what is wrong.
 */
export function decodeSnapshot(bytes: unknown, kind: SnapshotKind, where: string): Reader {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`${where}: bytes must be a Uint8Array (e.g. from serialize() or fs.readFileSync), got ${describeValue(bytes)}`);
  }
  const n = bytes.length;
  const minimum = HEADER_BYTES + TRAILER_BYTES;
  for (let i = 0; i < MAGIC.length; i++) {
    if (i >= n) {
      throw new SnapshotError("truncated", `${where}: the snapshot is truncated: ${n} bytes, while a snapshot has at least ${minimum}`);
    }
    if (bytes[i] !== MAGIC[i]) {
      throw new SnapshotError(
        "not-a-snapshot",
        `${where}: not a neardup snapshot: it starts with ${hex(bytes.subarray(0, 8))} instead of the magic bytes ${hex(MAGIC)}`,
      );
    }
  }
  if (n < minimum) {
    throw new SnapshotError("truncated", `${where}: the snapshot is truncated: ${n} bytes, while a snapshot has at least ${minimum}`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint16(8, true);
  if (version !== FORMAT_VERSION) {
    throw new SnapshotError(
      "version",
      `${where}: snapshot format version ${version} is not supported; this build reads version ${FORMAT_VERSION} (the snapshot comes from another neardup release, or its header is corrupted)`,
    );
  }
  const bodyLength = dv.getUint32(16, true) + dv.getUint32(20, true) * 2 ** 32;
  const expected = HEADER_BYTES + bodyLength + TRAILER_BYTES;
  if (bodyLength > MAX_BODY || n < expected) {
    throw new SnapshotError(
      "truncated",
      `${where}: the snapshot is truncated: ${n} bytes, while its header announces ${expected} (or its length field is corrupted)`,
    );
  }
  if (n > expected) {
    throw new SnapshotError(
      "corrupted",
      `${where}: the snapshot has ${n - expected} unexpected bytes after its end: ${n} bytes, while its header announces ${expected} (two snapshots concatenated, or a corrupted length field)`,
    );
  }
  const stored = dv.getUint32(HEADER_BYTES + bodyLength, true);
  const actual = crc32c(bytes.subarray(CRC_START, HEADER_BYTES + bodyLength));
  if (stored !== actual) {
    throw new SnapshotError(
      "corrupted",
      `${where}: the snapshot is corrupted: its CRC-32C checksum is 0x${stored.toString(16).padStart(8, "0")} but its contents give 0x${actual.toString(16).padStart(8, "0")}`,
    );
  }
  const got = dv.getUint16(10, true);
  if (got !== kind) {
    throw new SnapshotError("kind", `${where}: the snapshot holds ${KIND_NAMES[got] ?? `an unknown kind (${got})`}, not ${KIND_NAMES[kind]}`);
  }
  const flags = dv.getUint32(12, true);
  if (flags !== 0) {
    throw new SnapshotError("version", `${where}: the snapshot uses flags 0x${flags.toString(16)} that this build does not know`);
  }
  return new Reader(bytes, HEADER_BYTES, HEADER_BYTES + bodyLength, where);
}

// ---------------------------------------------------------------------------------------------
// Hasher parameters
// ---------------------------------------------------------------------------------------------

/** The parameters of the MinHasher that made an index's signatures (a `MinHasher` has this shape). */
export interface MinHasherParams {
  numPerm: number;
  seed: number;
  algorithm: string;
  shingle: { unit: string; size: number; normalize: boolean };
}

/** The parameters of the SimHasher that made an index's fingerprints (a `SimHasher` has this shape). */
export interface SimHasherParams {
  seed: number;
  shingle: { unit: string; size: number; normalize: boolean };
}

type FieldType = "uint32" | "string" | "boolean";
/** A hasher field: its dotted path and type. */
export type HasherField = readonly [path: string, type: FieldType];

export const MINHASHER_FIELDS: readonly HasherField[] = [
  ["numPerm", "uint32"], ["seed", "uint32"], ["algorithm", "string"],
  ["shingle.unit", "string"], ["shingle.size", "uint32"], ["shingle.normalize", "boolean"],
];
export const SIMHASHER_FIELDS: readonly HasherField[] = [
  ["seed", "uint32"], ["shingle.unit", "string"], ["shingle.size", "uint32"], ["shingle.normalize", "boolean"],
];

type FieldValue = number | string | boolean;
type Record_ = Record<string, unknown>;

function getPath(o: Record_, path: string): unknown {
  let v: unknown = o;
  for (const part of path.split(".")) v = v !== null && typeof v === "object" ? (v as Record_)[part] : undefined;
  return v;
}

function setPath(o: Record_, path: string, value: FieldValue): void {
  const parts = path.split(".");
  let t = o;
  for (let i = 0; i < parts.length - 1; i++) t = (t[parts[i]] ??= {}) as Record_;
  t[parts[parts.length - 1]] = value;
}

function freezeDeep<T>(o: T): T {
  if (o !== null && typeof o === "object") for (const v of Object.values(o)) freezeDeep(v);
  return Object.freeze(o);
}

function checkField(v: unknown, type: FieldType): boolean {
  if (type === "uint32") return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
  if (type === "string") return typeof v === "string" && v.length > 0 && v.length <= 64 && /^[\x20-\x7e]*$/.test(v);
  return typeof v === "boolean";
}

const TYPE_TEXT: Record<FieldType, string> = {
  uint32: "an integer in [0, 2^32 - 1]", string: "a non-empty string of at most 64 printable ASCII characters", boolean: "a boolean",
};

/**
 * Validates hasher parameters (a MinHasher/SimHasher or a plain object of the same shape) and returns
 * a frozen plain copy with exactly `fields`.
 */
export function resolveHasher<T>(h: unknown, fields: readonly HasherField[], where: string): Readonly<T> {
  if (h === null || typeof h !== "object") {
    throw new TypeError(`${where}: hasher must be a MinHasher/SimHasher or an object with its parameters, got ${describeValue(h)}`);
  }
  const out: Record_ = {};
  for (const [path, type] of fields) {
    const v = getPath(h as Record_, path);
    if (!checkField(v, type)) throw new TypeError(`${where}: hasher.${path} must be ${TYPE_TEXT[type]}, got ${describeValue(v)}`);
    setPath(out, path, v as FieldValue);
  }
  return freezeDeep(out) as Readonly<T>;
}

/** Bytes `writeHasher` writes. */
export function hasherLength(h: object | undefined, fields: readonly HasherField[]): number {
  if (h === undefined) return 1;
  let n = 2;
  for (const [path, type] of fields) {
    n += 1 + path.length + 1;
    const v = getPath(h as Record_, path);
    n += type === "uint32" ? 4 : type === "boolean" ? 1 : 4 + utf8Length(v as string);
  }
  return n;
}

const TYPE_TAGS: Record<FieldType, number> = { uint32: 1, string: 2, boolean: 3 };

/**
 * The hasher record: u8 present (0/1); if present, u8 field count and per field u8 name length,
 * ASCII name, u8 type tag (1 uint32, 2 string, 3 boolean), value. Fields are named so that later
 * versions can add some.
 */
export function writeHasher(w: Writer, h: object | undefined, fields: readonly HasherField[]): void {
  if (h === undefined) {
    w.u8(0);
    return;
  }
  w.u8(1);
  w.u8(fields.length);
  for (const [path, type] of fields) {
    w.u8(path.length);
    for (let i = 0; i < path.length; i++) w.u8(path.charCodeAt(i));
    w.u8(TYPE_TAGS[type]);
    const v = getPath(h as Record_, path);
    if (type === "uint32") w.u32(v as number);
    else if (type === "boolean") w.u8(v ? 1 : 0);
    else w.string(v as string);
  }
}

/** Reads a hasher record written by `writeHasher` with the same `fields`. */
export function readHasher<T>(r: Reader, fields: readonly HasherField[]): Readonly<T> | undefined {
  const present = r.u8("the hasher record");
  if (present === 0) return undefined;
  if (present !== 1) throw r.malformed(`hasher record flag ${present}`);
  const count = r.u8("the hasher record");
  const out: Record_ = {};
  const seen = new Set<string>();
  for (let f = 0; f < count; f++) {
    const len = r.u8("a hasher field name");
    let path = "";
    for (let i = 0; i < len; i++) path += String.fromCharCode(r.u8("a hasher field name"));
    const field = fields.find(([p]) => p === path);
    if (field === undefined || seen.has(path)) throw r.malformed(`unknown or repeated hasher field '${path}'`);
    seen.add(path);
    const tag = r.u8(`hasher.${path}`);
    if (tag !== TYPE_TAGS[field[1]]) throw r.malformed(`hasher.${path} has type tag ${tag}`);
    const v = tag === 1 ? r.u32(`hasher.${path}`) : tag === 3 ? r.u8(`hasher.${path}`) === 1 : r.string(`hasher.${path}`);
    if (!checkField(v, field[1])) throw r.malformed(`hasher.${path} is ${describeValue(v)}`);
    setPath(out, path, v);
  }
  for (const [path] of fields) if (!seen.has(path)) throw r.malformed(`the hasher record lacks '${path}'`);
  return freezeDeep(out) as Readonly<T>;
}

/**
 * Checks that a snapshot's hasher record equals the hasher the caller will query it with. A
 * mismatch names the first differing field.
 */
export function checkHasherMatch(
  stored: object | undefined,
  expected: object | undefined,
  fields: readonly HasherField[],
  where: string,
): void {
  if (expected === undefined) return;
  if (stored === undefined) {
    throw new SnapshotError(
      "hasher-mismatch",
      `${where}: the snapshot records no hasher parameters (its index was built without opts.hasher), so it cannot be checked against opts.hasher; load it without opts.hasher only if you know how its signatures were made`,
    );
  }
  for (const [path] of fields) {
    const a = getPath(stored as Record_, path);
    const b = getPath(expected as Record_, path);
    if (a !== b) {
      throw new SnapshotError(
        "hasher-mismatch",
        `${where}: hasher mismatch on ${path}: the snapshot was built with ${path} = ${JSON.stringify(a)} but opts.hasher has ${path} = ${JSON.stringify(b)}; its signatures are not comparable with yours (load it with the hasher it was built with, or rebuild the index)`,
      );
    }
  }
}

/**
 * A body whose size is not known in advance (the Detector's): fields go into a growing buffer,
 * then `encodeSnapshot` copies it once into the container.
 */
export class BodyBuilder {
  #buf = new Uint8Array(1024);
  #dv = new DataView(this.#buf.buffer);
  #pos = 0;

  #room(n: number): number {
    if (this.#pos + n > this.#buf.length) {
      let cap = this.#buf.length * 2;
      while (cap < this.#pos + n) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.#buf.subarray(0, this.#pos));
      this.#buf = next;
      this.#dv = new DataView(next.buffer);
    }
    const p = this.#pos;
    this.#pos += n;
    return p;
  }

  u8(v: number): void { const p = this.#room(1); this.#buf[p] = v; }
  u32(v: number): void { const p = this.#room(4); this.#dv.setUint32(p, v, true); }
  f64(v: number): void { const p = this.#room(8); this.#dv.setFloat64(p, v, true); }
  string(s: string): void {
    this.blob(encoder.encode(s));
  }
  /** u32 length, then the bytes. */
  blob(b: Uint8Array): void {
    this.u32(b.length);
    const p = this.#room(b.length); // may replace #buf: take the position first
    this.#buf.set(b, p);
  }
  /** The body written so far. */
  finish(): Uint8Array {
    return this.#buf.subarray(0, this.#pos);
  }
}
