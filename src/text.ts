/**
 * Text normalization and tokenization rules (the part that runs in JavaScript).
 *
 * ASCII text goes straight to the kernel, which folds A-Z and splits words itself. Any other text
 * is prepared here first so that the kernel's byte rules (assembly/shingle.ts) give Unicode-aware
 * tokens:
 *
 * normalize: true
 *   1. remove invisible characters: Unicode Default_Ignorable_Code_Point and General_Category Cf
 *      (U+00AD, U+200B-U+200F, U+2060-U+2064, U+FEFF, bidi controls, variation selectors, tags, ...);
 *   2. NFKC (full-width letters, ligatures, compatibility digits become their plain forms);
 *   3. full case folding, as toLowerCase(toUpperCase(toLowerCase(s))) (so "ß", "ẞ" and "SS" all
 *      become "ss", final sigma folds like "σ"), then NFKC again (UAX #15, NFKC_Casefold's shape);
 *   4. char mode: every run of whitespace becomes one space and the ends are trimmed.
 * word mode (normalize true or false)
 *   5. every run of characters that are not letters, marks or digits (\p{L}\p{M}\p{N}) becomes one
 *      space; each character of a script written without spaces (Han, Hiragana, Katakana, Thai,
 *      Lao, Khmer, Myanmar), with its combining marks, becomes a word of its own.
 * Lone surrogates are not letters, so they separate words; in char mode they become U+FFFD (what
 * TextEncoder writes for them).
 */

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
const NOT_WORD = /[^\p{L}\p{M}\p{N}]+/gu;
const NO_SPACE_SCRIPT =
  /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]\p{M}*/gu;
const WHITESPACE = /\s+/gu;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Steps 1-3: the normalization an attacker's variations of case, width and invisibles cannot escape. */
export function normalizeText(text: string): string {
  const s = text.replace(INVISIBLE, "").normalize("NFKC");
  return s.toLowerCase().toUpperCase().toLowerCase().normalize("NFKC");
}

/** Prepares a non-ASCII text for the kernel (see the rules above). */
export function prepareText(text: string, unit: Unit, normalize: boolean): string {
  let s = normalize ? normalizeText(text) : text;
  if (unit === "word") {
    s = s.replace(NOT_WORD, " ").replace(NO_SPACE_SCRIPT, " $& ");
  } else if (normalize) {
    s = s.replace(WHITESPACE, " ").trim();
  }
  return s;
}

const ASCII_ONLY = /^[\x00-\x7f]*$/;

/** The tokens of `text` under the given rules, exactly as the kernel sees them. */
export function tokenize(text: string, unit: Unit, normalize: boolean): string[] {
  let s = ASCII_ONLY.test(text) ? text : prepareText(text, unit, normalize);
  if (normalize) s = s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
  if (unit === "word") return s.split(/[^0-9A-Za-z\u0080-\uffff]+/).filter((w) => w.length > 0);
  s = s.replace(LONE_SURROGATE, "\uFFFD");
  if (normalize) s = s.replace(/[ \t\n\v\f\r]+/g, " ").replace(/^ | $/g, "");
  return Array.from(s);
}

/**
 * The shingles of `text` as strings: `size` consecutive tokens joined by one space (word mode) or
 * concatenated (char mode); a text with fewer tokens than `size` gives one shingle of all of them,
 * an empty text none. These are the byte strings the 'datasketch' algorithm hashes, so
 * `signShingles(shingles(text, o))` equals `sign(text)` for it.
 * @example shingles("The quick brown fox") // ["the quick brown", "quick brown fox"]
 */
export function shingles(text: string, opts: ShingleOptions = {}): string[] {
  if (typeof text !== "string") throw new TypeError(`shingles: text must be a string, got ${describeValue(text)}`);
  const o = resolveShingleOptions(opts, "shingles");
  const toks = tokenize(text, o.unit, o.normalize);
  const sep = o.unit === "word" ? " " : "";
  if (toks.length === 0) return [];
  if (toks.length < o.size) return [toks.join(sep)];
  const out: string[] = [];
  for (let i = 0; i + o.size <= toks.length; i++) out.push(toks.slice(i, i + o.size).join(sep));
  return out;
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
