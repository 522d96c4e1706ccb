/**
 * Text normalization (the part that runs in JavaScript) and the shingle rules.
 *
 * ASCII text goes straight to the kernel, which folds A-Z and splits words itself. With
 * `normalize: true` any other text is first normalized here:
 *   1. invisible characters removed: Unicode Default_Ignorable_Code_Point and General_Category Cf
 *      (U+00AD, U+200B-U+200F, U+2060-U+2064, U+FEFF, bidi controls, variation selectors, tags, ...);
 *   2. NFKC (full-width letters, ligatures, compatibility digits become their plain forms);
 *   3. case folding: toLowerCase, then "ß" -> "ss" and final "ς" -> "σ" (with NFKC this covers
 *      Unicode full case folding except Cherokee, which still folds consistently);
 *   3b. homoglyphs: Cyrillic and Greek letters that look like Latin ones ("раураl" with Cyrillic
 *      р, а, у) become those Latin letters in a word that mixes them with Latin letters, and in a
 *      word made only of them when the text has more Latin letters than Cyrillic and Greek ones
 *      (the mixed-script confusable rule of Unicode TS #39, "Unicode Security Mechanisms", section
 *      5, with the lowercase Latin look-alikes of its confusables.txt); text written in Cyrillic
 *      or Greek keeps its words;
 *   4. char mode: every run of whitespace becomes one space and the ends are trimmed.
 * The kernel then splits words by code point class (assembly/shingle.ts, assembly/unicode.ts):
 * letters and digits form words, combining marks continue them, each letter of a script written
 * without spaces (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar) is a word of its own, and
 * every other character separates. Lone surrogates become U+FFFD (what TextEncoder writes), which
 * separates words and is a character of its own in char mode.
 */

import type { PromptMeta } from "./detector.js";

/** Shingle units. */
export type Unit = "word" | "char";

/** How texts are cut into shingles. */
export type ShingleOptions = {
  /** 'word' (default): words of letters/digits; 'char': code points. */
  unit?: Unit;
  /** Tokens per shingle: default 3 for words, 5 for chars; 1 to 64. */
  size?: number;
  /** Unicode normalization, case folding, invisible-character removal; default true. */
  normalize?: boolean;
};

const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu;
const HAS_INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/u;
const FOLD_SPECIAL = /[ßς]/;
const WHITESPACE = /\s+/gu;

/**
 * Steps 1-3 of the normalization: what an attacker's variations of case, width and invisible
 * characters cannot escape.
 * @example normalizeText("ＩＧＮＯＲＥ\u200B previous") // "ignore previous"
 */
export function normalizeText(text: string): string {
  if (typeof text !== "string") throw new TypeError(`normalizeText: text must be a string, got ${describeValue(text)}`);
  let s = HAS_INVISIBLE.test(text) ? text.replace(INVISIBLE, "") : text;
  s = s.normalize("NFKC").toLowerCase();
  if (FOLD_SPECIAL.test(s)) s = s.replace(/ß/g, "ss").replace(/ς/g, "σ");
  if (HAS_CONFUSABLE.test(s)) s = foldConfusables(s);
  return s;
}

/** Lowercase Cyrillic and Greek letters and the Latin letter each is drawn like (or, for letters
 * whose capital is the look-alike: В Н К М Т Β Η Κ Ζ, like that capital). */
const CONFUSABLES: Record<string, string> = {
  "а": "a", "в": "b", "с": "c", "ԁ": "d", "е": "e", "һ": "h", "н": "h", "і": "i", "ј": "j", "к": "k",
  "ӏ": "l", "м": "m", "о": "o", "р": "p", "ԛ": "q", "ѕ": "s", "т": "t", "ѵ": "v", "ԝ": "w", "х": "x",
  "у": "y", "α": "a", "β": "b", "ϲ": "c", "ε": "e", "η": "h", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
  "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ζ": "z",
};
const CONFUSABLE_CLASS = Object.keys(CONFUSABLES).join("");
const HAS_CONFUSABLE = new RegExp(`[${CONFUSABLE_CLASS}]`, "u");
const WORD = /[\p{L}\p{M}\p{N}]+/gu;
const ONLY_CONFUSABLE = new RegExp(`^[${CONFUSABLE_CLASS}]+$`, "u");
const LATIN = /[a-z]/;

/** Step 3b: homoglyphs in mixed-script words (and lone ones in Latin text) become Latin letters. */
function foldConfusables(s: string): string {
  const latin = (s.match(/[a-z]/g) ?? []).length;
  const other = (s.match(/[\u0370-\u03ff\u0400-\u052f]/g) ?? []).length;
  const latinText = latin > other;
  return s.replace(WORD, (w) => (LATIN.test(w) || (latinText && ONLY_CONFUSABLE.test(w))
    ? w.replace(HAS_CONFUSABLE_G, (c) => CONFUSABLES[c]) : w));
}
const HAS_CONFUSABLE_G = new RegExp(`[${CONFUSABLE_CLASS}]`, "gu");

/**
 * Texts whose only non-ASCII characters are already NFKC-stable, case-folded and visible (Latin-1
 * lowercase letters except "ß", curly quotes, en and em dashes) need no JavaScript pass: the
 * kernel folds their ASCII letters itself. Most English prompts with a stray "café" or "’" qualify.
 */
const ALREADY_NORMAL = /^[\x00-\x7F\u00E0-\u00F6\u00F8-\u00FF\u2013\u2014\u2018-\u201F]*$/;

/** Whether `prepareText` would return `text` unchanged. */
export function needsPreparation(text: string, normalize: boolean): boolean {
  return normalize && !ALREADY_NORMAL.test(text);
}

/** Prepares a non-ASCII text for the kernel (see the rules above). */
export function prepareText(text: string, unit: Unit, normalize: boolean): string {
  if (!normalize || ALREADY_NORMAL.test(text)) return text;
  const s = normalizeText(text);
  return unit === "char" ? s.replace(WHITESPACE, " ").trim() : s;
}

/** A short description of a value for error messages. */
export function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return `an object (${(v as object).constructor?.name ?? "Object"})`;
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)}`;
  return `${typeof v} ${String(v)}`;
}

/** Checks that `opts` is a plain options object with only the `allowed` keys. */
export function checkOptions(opts: unknown, allowed: readonly string[], where: string): Record<string, unknown> {
  if (opts === undefined) return {};
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) {
    throw new TypeError(`${where}: options must be an object, got ${describeValue(opts)}`);
  }
  for (const key of Object.keys(opts)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`${where}: unknown option '${key}'; valid options are ${allowed.map((k) => `'${k}'`).join(", ")}`);
    }
  }
  return opts as Record<string, unknown>;
}

/** The Jaccard `threshold` option of cluster, Detector and RedisDetector: a number in (0, 1], default 0.8. */
export function thresholdOption(v: unknown, where: string): number {
  const threshold = v ?? 0.8;
  if (typeof threshold !== "number" || !(threshold > 0 && threshold <= 1)) {
    throw new RangeError(`${where}: threshold must be a number in (0, 1], got ${describeValue(threshold)}`);
  }
  return threshold;
}

/** The `window` option of Detector and RedisDetector: `{ prompts?, ms? }`, each unbounded by default. */
export function windowOption(v: unknown, where: string): { readonly prompts: number; readonly ms: number } {
  const w = checkOptions(v, ["prompts", "ms"], `${where} (window)`);
  const prompts = intOption(w.prompts, "window.prompts", 1, 2 ** 31 - 1, Infinity, where);
  const ms = w.ms ?? Infinity;
  if (typeof ms !== "number" || !(ms > 0)) throw new RangeError(`${where}: window.ms must be a positive number, got ${describeValue(ms)}`);
  return Object.freeze({ prompts, ms });
}

/** Checks an integer option against [min, max]. */
export function intOption(v: unknown, name: string, min: number, max: number, dflt: number, where: string): number {
  if (v === undefined) return dflt;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`${where}: ${name} must be an integer in [${min}, ${max}], got ${describeValue(v)}`);
  }
  return v;
}

/** Resolved shingle options. */
export interface ResolvedShingleOptions { unit: Unit; size: number; normalize: boolean }

export const MAX_SHINGLE_SIZE = 64;

/** Validates shingle options and fills in the defaults (word 3-grams / char 5-grams, normalized). */
export function resolveShingleOptions(opts: unknown, where: string): ResolvedShingleOptions {
  const o = checkOptions(opts, ["unit", "size", "normalize"], `${where} (shingle)`);
  const unit = o.unit ?? "word";
  if (unit !== "word" && unit !== "char") {
    throw new RangeError(`${where}: shingle.unit must be 'word' or 'char', got ${describeValue(unit)}`);
  }
  const size = intOption(o.size, "shingle.size", 1, MAX_SHINGLE_SIZE, unit === "word" ? 3 : 5, where);
  const normalize = o.normalize ?? true;
  if (typeof normalize !== "boolean") {
    throw new TypeError(`${where}: shingle.normalize must be a boolean, got ${describeValue(normalize)}`);
  }
  return { unit, size, normalize };
}

/** Checks a prompt's metadata (`{ id?, account?, time? }`) for `Detector` and `RedisDetector`. */
export function checkMeta(meta: unknown, where: string): PromptMeta {
  const m = checkOptions(meta, ["id", "account", "time"], where) as PromptMeta;
  if (m.id !== undefined && typeof m.id !== "string") throw new TypeError(`${where}: meta.id must be a string, got ${describeValue(m.id)}`);
  if (m.account !== undefined && typeof m.account !== "string") {
    throw new TypeError(`${where}: meta.account must be a string, got ${describeValue(m.account)}`);
  }
  if (m.time !== undefined && (typeof m.time !== "number" || !Number.isFinite(m.time))) {
    throw new TypeError(`${where}: meta.time must be a finite number (ms), got ${describeValue(m.time)}`);
  }
  return m;
}
