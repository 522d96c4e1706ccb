/**
 * Loading the WebAssembly kernel and talking to it.
 *
 * One kernel instance serves every hasher. The kernel owns its buffers (assembly/layout.ts); this
 * module reads their addresses once, keeps typed-array views over them, and rebuilds the views
 * whenever `memory.buffer` changes (only `ensureInput` grows memory, and only for a text larger
 * than any before it, so memory stops growing after the largest input).
 */
import { instantiate, instantiateSync } from "@assemblyscript/loader";
import { WASM_SIMD_BASE64, WASM_SCALAR_BASE64, WASM_BUILD_ID } from "./wasm.generated.js";
import { needsPreparation, prepareText, type Unit } from "./text.js";

/** Every export of the kernel the TypeScript side uses (see assembly/index.ts). */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  layout(field: number): number;
  inputCapacity(): number;
  ensureInput(bytes: number): number;
  configure(algo: number, t: number, k: number, unitChar: number, lower: number, collapse: number, seed: number): void;
  signDocs(count: number): number;
  signShingles(count: number, first: number, last: number): void;
  signElements(n: number): void;
  spanCount(): number;
  minerTokens(count: number): number;
  minerKeys(counts: number, docs: number, toks: number, keys: number, all: number, table: number, bits: number, two: number): number;
  minerPairs(counts: number, docs: number, toks: number, gc: number, theta: number, keys: number, pos: number, rec: number, posBase: number): number;
  minerSpecific(counts: number, docs: number, toks: number, gc: number, bv: number, theta: number, sp: number, det: number, shared: number, wild: number): void;
  minerSort(at: number, n: number, withIdx: number): number;
  minerScatter(at: number, n: number, nr: number): void;
}

/** Algorithm codes shared with assembly/config.ts. */
export const enum Algo { Fast = 0, Classic = 1, Datasketch = 2, SimHash = 3, Dump = 4, Spans = 5 }

/** A kernel configuration; the kernel is re-configured when a different one calls in. */
export interface KernelConfig {
  readonly algo: Algo;
  readonly t: number;
  readonly k: number;
  readonly unit: Unit;
  readonly normalize: boolean;
  readonly seed: number;
  /** datasketch permutations (a, b), written to PARAM_A / PARAM_B. */
  readonly perms?: { a: BigUint64Array; b: BigUint64Array };
}

function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const encoder = new TextEncoder();

export class Kernel {
  readonly simd: boolean;
  readonly buildId = WASM_BUILD_ID;
  readonly exports: KernelExports;
  readonly PARAM_A: number;
  readonly PARAM_B: number;
  readonly ELEM: number;
  readonly ELEM_CAP: number;
  readonly DOCS: number;
  readonly DOCS_CAP: number;
  readonly OUT: number;
  readonly OUT_BYTES: number;
  readonly INPUT: number;
  readonly MAX_PERM: number;
  readonly MAX_SHINGLE: number;
  /** Incremented whenever the views below are rebuilt (memory grew). */
  generation = 0;
  u8!: Uint8Array;
  u32!: Uint32Array;
  i32!: Int32Array;
  u64!: BigUint64Array;
  input!: Uint8Array;
  docs!: Uint32Array;
  /** Whether the last `writeText` wrote non-ASCII bytes. */
  nonAscii = false;
  /** Raw kernel exports, bypassing the loader's argument-count wrappers on hot paths. */
  readonly raw: KernelExports;
  private buffer: ArrayBuffer | null = null;
  private current: KernelConfig | null = null;

  constructor(exports: KernelExports, simd: boolean) {
    this.exports = exports;
    this.simd = simd;
    const rawOf = (f: unknown) => ((f as { original?: unknown }).original ?? f);
    this.raw = Object.fromEntries(
      Object.entries(exports).map(([name, v]) => [name, typeof v === "function" ? rawOf(v) : v]),
    ) as unknown as KernelExports;
    const L = (i: number) => exports.layout(i) >>> 0;
    this.PARAM_A = L(0); this.PARAM_B = L(1); this.ELEM = L(3); this.ELEM_CAP = L(4);
    this.DOCS = L(5); this.DOCS_CAP = L(6); this.OUT = L(7); this.OUT_BYTES = L(8);
    this.INPUT = L(9); this.MAX_PERM = L(10); this.MAX_SHINGLE = L(11);
    if (L(13) !== (simd ? 1 : 0)) throw new Error("neardup: kernel build does not match the requested SIMD mode");
    this.refresh();
  }

  /** Rebuilds the views if memory grew (a grown memory detaches the old ArrayBuffer). */
  refresh(): void {
    const buf = this.exports.memory.buffer;
    if (buf === this.buffer) return;
    this.buffer = buf;
    this.u8 = new Uint8Array(buf);
    this.u32 = new Uint32Array(buf);
    this.i32 = new Int32Array(buf);
    this.u64 = new BigUint64Array(buf);
    this.input = this.u8.subarray(this.INPUT, this.INPUT + (this.exports.inputCapacity() >>> 0));
    this.docs = this.u32.subarray(this.DOCS >>> 2, (this.DOCS >>> 2) + this.DOCS_CAP + 1);
    this.generation++;
  }

  /** Makes INPUT hold at least `bytes` bytes. */
  ensureInput(bytes: number): void {
    if (bytes <= this.input.length) return;
    if (bytes > 0x7fff0000 || this.exports.ensureInput(bytes) < 0) {
      throw new RangeError(`neardup: input of ${bytes} bytes does not fit in WebAssembly memory; split the text`);
    }
    this.refresh();
  }

  /** Selects `cfg` in the kernel unless it is already the active configuration. */
  use(cfg: KernelConfig): void {
    if (this.current === cfg) return;
    this.exports.configure(cfg.algo, cfg.t, cfg.k, cfg.unit === "char" ? 1 : 0, cfg.normalize ? 1 : 0,
      cfg.normalize ? 1 : 0, cfg.seed);
    if (cfg.perms) {
      this.u64.set(cfg.perms.a.subarray(0, cfg.t), this.PARAM_A >>> 3);
      this.u64.set(cfg.perms.b.subarray(0, cfg.t), this.PARAM_B >>> 3);
    }
    this.current = cfg;
  }

  /**
   * Writes `text` as UTF-8 at INPUT[pos..] and returns the byte length. ASCII text goes in as it is
   * (the kernel folds case and splits words itself); any other text is first prepared by
   * `prepareText` (normalization, Unicode word boundaries). Lone surrogates become U+FFFD.
   */
  writeText(text: string, pos: number, unit: Unit, normalize: boolean): number {
    this.ensureInput(pos + text.length * 3);
    const view = pos === 0 ? this.input : this.input.subarray(pos);
    const written = encoder.encodeInto(text, view).written;
    this.nonAscii = written !== text.length;
    if (!this.nonAscii || !needsPreparation(text, normalize)) return written;
    const prepared = prepareText(text, unit, normalize);
    this.ensureInput(pos + prepared.length * 3);
    return encoder.encodeInto(prepared, pos === 0 ? this.input : this.input.subarray(pos)).written;
  }

  /** A DOCS end entry: the end offset, with bit 31 set if the last written text was not ASCII. */
  docFlag(end: number): number {
    return this.nonAscii ? (end | 0x80000000) >>> 0 : end;
  }

  /** Writes raw bytes (or a string's UTF-8) at INPUT[pos..]; returns the byte length. */
  writeBytes(data: string | Uint8Array, pos: number): number {
    this.nonAscii = false;
    if (typeof data === "string") {
      this.ensureInput(pos + data.length * 3);
      return encoder.encodeInto(data, this.input.subarray(pos)).written;
    }
    this.ensureInput(pos + data.length);
    this.input.set(data, pos);
    return data.length;
  }

  /**
   * Writes items `start`, `start+1`, ... into INPUT with `write` (which returns the bytes written)
   * and records their offsets in DOCS, until `maxDocs` items or about 1 MiB of input (a single
   * large item always goes in alone); returns the count.
   */
  fillDocs(n: number, start: number, maxDocs: number, write: (i: number, pos: number) => number): number {
    let pos = 0;
    let count = 0;
    this.docs[0] = 0;
    while (count < maxDocs && start + count < n && (count === 0 || pos < 1 << 20)) {
      pos += write(start + count, pos);
      count++;
      this.docs[count] = this.docFlag(pos); // this.docs, not a saved view: the write may have grown memory
    }
    return count;
  }

  /** Forgets the active configuration (e.g. after a test writes PARAM_A directly). */
  invalidate(): void {
    this.current = null;
  }
}

let active: Kernel | null = null;
/** The compiled module behind `active` (for `privateKernel`). */
let activeModule: WebAssembly.Module | null = null;
let pending: Promise<void> | null = null;

/** Options of `init` / `initSync`. */
export interface InitOptions {
  /** Force the SIMD (true) or scalar (false) build; default: SIMD when `WebAssembly.validate` accepts it. */
  simd?: boolean;
}

function pickBuild(opts: InitOptions | undefined): { bytes: Uint8Array<ArrayBuffer>; simd: boolean } {
  if (opts !== undefined && (opts === null || typeof opts !== "object")) {
    throw new TypeError("neardup.init: options must be an object such as { simd: false }, or omitted");
  }
  const want = opts?.simd;
  if (want !== undefined && typeof want !== "boolean") {
    throw new TypeError(`neardup.init: options.simd must be a boolean, got ${typeof want}`);
  }
  const simdBytes = decodeBase64(WASM_SIMD_BASE64);
  const simdOk = WebAssembly.validate(simdBytes);
  if (want === true && !simdOk) throw new Error("neardup.init: this engine does not support WebAssembly SIMD; omit { simd: true }");
  if (want === false || !simdOk) return { bytes: decodeBase64(WASM_SCALAR_BASE64), simd: false };
  return { bytes: simdBytes, simd: true };
}

function sameBuild(opts: InitOptions | undefined): boolean {
  return active !== null && (opts?.simd === undefined || opts.simd === active.simd);
}

/**
 * Compiles and instantiates the kernel (asynchronously, so it is safe on a browser main thread).
 * Idempotent: later calls return at once. Pass `{ simd: false }` to force the scalar build.
 * @example await init(); const h = new MinHasher();
 */
export function init(opts?: InitOptions): Promise<void> {
  if (sameBuild(opts)) return Promise.resolve();
  if (pending && opts?.simd === undefined) return pending;
  const { bytes, simd } = pickBuild(opts);
  const p = (async () => {
    const module = await WebAssembly.compile(bytes);
    const { exports } = await instantiate<KernelExports & Record<string, unknown>>(module, {});
    active = new Kernel(exports, simd);
    activeModule = module;
  })();
  pending = p.finally(() => { if (pending === p) pending = null; });
  return p;
}

/**
 * Synchronous `init` for Node.js and workers (browsers refuse synchronous compilation of large
 * modules on the main thread). Idempotent.
 * @example initSync(); const sig = new MinHasher().sign("hello world");
 */
export function initSync(opts?: InitOptions): void {
  if (sameBuild(opts)) return;
  const { bytes, simd } = pickBuild(opts);
  const module = new WebAssembly.Module(bytes);
  const { exports } = instantiateSync<KernelExports & Record<string, unknown>>(module, {});
  active = new Kernel(exports, simd);
  activeModule = module;
}

/**
 * A kernel instance of its own (the loaded build, fresh memory), or null before `init`: for work
 * whose buffers should go once it ends. WebAssembly memory never shrinks, so the batch miner's
 * sorts (`Partition` in template.ts, up to 16 bytes a key of a block) would otherwise keep the
 * shared kernel's memory at their largest block for the life of the process. The module is
 * compiled already; instantiating it again is quick (27 KB of code).
 */
export function privateKernel(): Kernel | null {
  if (active === null || activeModule === null) return null;
  const { exports } = instantiateSync<KernelExports & Record<string, unknown>>(activeModule, {});
  return new Kernel(exports, active.simd);
}

/** The loaded kernel; throws a helpful error before `init`. */
export function kernel(): Kernel {
  if (active === null) {
    throw new Error("neardup: the WebAssembly kernel is not loaded; call `await init()` (or `initSync()` in Node) first");
  }
  return active;
}

/** The loaded kernel, or null before `init` (for code with a JavaScript fallback). */
export function loadedKernel(): Kernel | null {
  return active;
}

/** Whether the active kernel is the SIMD build (undefined before init). */
export function usingSimd(): boolean | undefined {
  return active?.simd;
}
