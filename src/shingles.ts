/**
 * The shingles of a text as strings, cut by the kernel itself (its spans mode), so what you see is
 * exactly what gets hashed.
 */
import { kernel, Algo, type KernelConfig } from "./kernel.js";
import { describeValue, resolveShingleOptions, type ShingleOptions } from "./text.js";

const configs = new Map<string, KernelConfig>();
// ignoreBOM: a token may be U+FEFF itself (char mode without normalization); keep it.
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * The tokens of `text` (words, or code points in char mode) after normalization.
 * @example tokens("Hello, WORLD") // ["hello", "world"]
 */
export function tokens(text: string, opts?: ShingleOptions): string[] {
  if (typeof text !== "string") throw new TypeError(`tokens: text must be a string, got ${describeValue(text)}`);
  const o = resolveShingleOptions(opts, "tokens");
  const key = `${o.unit}/${o.normalize}`;
  let cfg = configs.get(key);
  if (cfg === undefined) {
    cfg = Object.freeze({ algo: Algo.Spans, t: 1, k: 1, unit: o.unit, normalize: o.normalize, seed: 0 });
    configs.set(key, cfg);
  }
  const k = kernel();
  k.use(cfg);
  const len = k.writeText(text, 0, o.unit, o.normalize);
  k.docs[0] = 0;
  k.docs[1] = k.docFlag(len);
  k.exports.signDocs(1);
  const n = k.exports.spanCount();
  const out: string[] = new Array(n);
  const o32 = k.OUT >>> 2;
  const u32 = k.u32;
  if (n > k.OUT_BYTES >>> 3) throw new RangeError(`tokens: text has ${n} tokens, more than ${k.OUT_BYTES >>> 3}; split it`);
  for (let i = 0; i < n; i++) {
    out[i] = decoder.decode(k.u8.subarray(u32[o32 + 2 * i], u32[o32 + 2 * i + 1]));
  }
  return out;
}

/**
 * The shingles of `text` as strings: `size` consecutive tokens joined by one space (word mode) or
 * concatenated (char mode); a text with fewer tokens than `size` gives one shingle of all of them,
 * a text without tokens none. These are the byte strings the 'datasketch' algorithm hashes, so for
 * it `signShingles(shingles(text, o))` equals `sign(text)`.
 * @example shingles("The quick brown fox") // ["the quick brown", "quick brown fox"]
 */
export function shingles(text: string, opts?: ShingleOptions): string[] {
  const o = resolveShingleOptions(opts, "shingles");
  const toks = tokens(text, { unit: o.unit, normalize: o.normalize });
  const sep = o.unit === "word" ? " " : "";
  if (toks.length === 0) return [];
  if (toks.length < o.size) return [toks.join(sep)];
  const out: string[] = [];
  for (let i = 0; i + o.size <= toks.length; i++) out.push(toks.slice(i, i + o.size).join(sep));
  return out;
}
