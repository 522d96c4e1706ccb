/**
 * Template mining: groups texts made from the same template (fixed wording around slots), even when
 * the slots hold long payloads, and prints each group's template with `<*>` for the slots.
 *
 * The method, in four steps (each names what it draws on):
 *
 * 1. Tokens. `normalizeText` (NFKC, case folding, invisible characters removed), then whitespace
 *    splitting. A token that contains a digit is a variable and is masked to `<*>`, keeping a
 *    `key=` / `key:` prefix when there is one (the usual log-parser preprocessing: He et al., "Drain:
 *    An Online Log Parsing Approach with Fixed Depth Tree", ICWS 2017, section III-A). So is the
 *    value of a named field whatever it holds (`key=value`, and `key:word` where the value is a
 *    plain word: `ret:false`, not `ns::name` or `http://host`), and an empty pair (`()`, `[]`,
 *    `""`), the printed form of an empty value. Tokens are 32-bit hashes; no substring is made on
 *    the hot path.
 *
 * 2. Static wording from n-gram document frequency. Word 3-grams and 2-grams (with begin/end
 *    markers) are counted once per text in open-addressing tables of 32-bit hash -> count. A token
 *    is part of the template wording when a 3-gram covering it recurs in at least `minSupport`
 *    texts and is specific: it is the usual continuation of both of its 2-grams (c(abc) >= 1/2 of
 *    max(c(ab), c(bc))). This is the n-gram dictionary idea of Logram (Dai et al., "Logram:
 *    Efficient Log Parsing Using n-Gram Dictionaries", TSE 2020), which also checks 3-grams against
 *    their 2-grams: wording recurs with the same neighbours, variable values do not, and common
 *    words that recur only because they are common ("of the and") do not either; nor does the first
 *    value of a slot after fixed wording. Tokens that no such 3-gram covers are slots. Two
 *    neighbouring static tokens that no common
 *    3-gram joins are separated by a seam, so static runs that recur on their own (a passage reused
 *    under several templates) stay separate segments.
 *
 * 3. Frequency levels. A text's segments are kept only when they recur at least `relativeSupport`
 *    times as often as the text's most frequent segment. Brain (Yu et al., "Brain: Log Parsing with
 *    Bidirectional Parallel Tree", IEEE TSC 2023) picks a log's template as the tokens that share its
 *    highest-frequency level; here the level is relative, so a payload reused a few times under a
 *    template used many times falls to a slot, while the template wording stays.
 *
 * 4. Grouping. Texts with the same skeleton (static tokens, `<*>` for each run of slots, seams) form a
 *    group. Skeletons that differ in one place are merged when that place takes `variability`
 *    distinct values, or when one of them already has a slot there: one token for short skeletons
 *    (the column-wise variable detection of Brain's downward tree and of Drain's similarity merge),
 *    one whole segment for any skeleton (a payload segment). The merged place becomes `<*>`.
 *
 * The batch function counts the n-grams of all texts before grouping (two passes, deterministic).
 * For speed and memory at millions of texts it keeps the n-grams seen once in a Bloom filter (only
 * repeats enter the tables), and counts and looks up a block of texts at a time with the keys
 * radix-sorted by their top bits, so that tables and filter are swept in address order instead of
 * being hit at random (see `countBlock`). No per-text string, array or object is made on
 * these paths; ASCII text is case-folded while hashing.
 *
 * The streaming miner's whole state (options, counts, patterns, groups, live items) is written by
 * `serialize` and read back, checked, by `deserialize`.
 * The streaming miner counts as it goes; when a 3-gram first reaches `minSupport`, the earlier texts
 * that held it (up to two witnesses per 3-gram) are looked at again and move from their singleton
 * group into the newly recognised one (reported through `onMerge`). Three more rules make up for
 * reading a text's skeleton under the supports of its time, where the batch miner reads all under
 * the final ones: a segment the hold rule kept static is looked at again as its skeleton's texts
 * grow (`Engine.reconsider`), skeletons that differ only in their seams are one group
 * (`Engine.joinSeamless`), and a text too thin to group on joins the template whose slot pattern
 * its skeleton is (`Engine.thinJoin`).
 */
import { normalizeText } from "./text.js";
import { loadedKernel, privateKernel, type Kernel } from "./kernel.js";
import { isWellFormed } from "./keys.js";
import { templateOf, isHollow, bareWord } from "./align.js";

/** Options of the template miner (all optional). */
export interface TemplateMinerOptions {
  /** Texts a 3-gram must occur in before its tokens count as template wording. Default 2 (2 to 3 in streaming mode). */
  minSupport?: number;
  /** A segment is kept when its support is at least this fraction of the text's best segment. Default 0.2. */
  relativeSupport?: number;
  /** Distinct values a place must take before it becomes a slot `<*>`. Default 5. */
  variability?: number;
  /** Skeletons of at most this many elements are also generalised token by token. Default 48. */
  maxColumns?: number;
  /** Skeletons of at most this many segments are generalised segment by segment. Default 12. */
  maxSegments?: number;
  /** Static tokens a text of more than 16 tokens needs to join a group. Default 4. */
  minWording?: number;
  /**
   * Batch mining only: split families of sibling templates (variants differing in one place that
   * takes a few recurring values) into one group per variant. Default false: a family is one group.
   */
  splitSiblings?: boolean;
}

interface Resolved { minSupport: number; relativeSupport: number; variability: number; maxColumns: number; maxSegments: number; minWording: number; splitSiblings: boolean }

const WHERE = "TemplateMiner";

function resolve(opts: TemplateMinerOptions | undefined, streaming: boolean): Resolved {
  if (opts !== undefined && (opts === null || typeof opts !== "object")) throw new TypeError(`${WHERE}: options must be an object`);
  const o = (opts ?? {}) as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!["minSupport", "relativeSupport", "variability", "maxColumns", "maxSegments", "minWording", "splitSiblings"].includes(k)) {
      throw new TypeError(`${WHERE}: unknown option '${k}'; valid options are minSupport, relativeSupport, variability, maxColumns, maxSegments, minWording, splitSiblings`);
    }
  }
  const int = (k: string, min: number, max: number, d: number): number => {
    const v = o[k];
    if (v === undefined) return d;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) throw new RangeError(`${WHERE}: ${k} must be an integer in [${min}, ${max}], got ${String(v)}`);
    return v;
  };
  const bool = (k: string): boolean => {
    const v = o[k];
    if (v === undefined) return false;
    if (typeof v !== "boolean") throw new TypeError(`${WHERE}: ${k} must be true or false, got ${String(v)}`);
    if (v && streaming) throw new RangeError(`${WHERE}: ${k} is a batch option (mineTemplates / cluster), not a streaming one`);
    return v;
  };
  const rs = o.relativeSupport ?? 0.2;
  if (typeof rs !== "number" || !(rs >= 0 && rs <= 1)) throw new RangeError(`${WHERE}: relativeSupport must be a number in [0, 1], got ${String(rs)}`);
  return {
    minSupport: int("minSupport", 2, streaming ? 3 : 1 << 20, 2),
    relativeSupport: rs,
    variability: int("variability", 2, 16, 5),
    maxColumns: int("maxColumns", 0, 4096, 48),
    maxSegments: int("maxSegments", 0, 4096, 12),
    minWording: int("minWording", 1, 4096, 4),
    splitSiblings: bool("splitSiblings"),
  };
}

// ----------------------------------------------------------------------------------------- hashing

const SLOT = 1; // a run of variable tokens
const SEAM = 2; // two static runs that no recurring 3-gram joins
const WILD = 0x5bd1e995; // a masked token (contains a digit, no key prefix)
const BOS = 0x27d4eb2f;
const EOS = 0x165667b1;
const MASK_SALT = 0x7feb352d;
const FIELD_SALT = 0x1b56c4e9;
const FRAME_SALT = 0x2f1d8a63;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
const mix2 = (a: number, b: number): number => fmix((Math.imul(a, 0x9e3779b1) + b) | 0);
const mix3 = (a: number, b: number, c: number): number => fmix((Math.imul(mix2(a, b), 0x9e3779b1) + c) | 0);
/** Token hashes never collide with the SLOT and SEAM markers (nor 0, the empty key). */
const tok = (h: number): number => (h < 3 ? h + 3 : h);
// character classes of ASCII for the tokenizer (one table lookup per character)
const C_LETTER = 1, C_DIGIT = 2, C_CLOSE = 4, C_TAIL = 8, C_INNER = 16, C_OPEN = 32, C_KEYSEP = 64, C_PREFIX = 128;
const CLASS = (() => {
  const t = new Uint8Array(128);
  for (let c = 65; c <= 90; c++) { t[c] |= C_LETTER; t[c + 32] |= C_LETTER; }
  for (let c = 48; c <= 57; c++) t[c] |= C_DIGIT;
  for (const c of ".,;:!?)]\"'") t[c.charCodeAt(0)] |= C_CLOSE; // closing punctuation: not hashed
  for (const c of ".,;:!?)\"") t[c.charCodeAt(0)] |= C_TAIL; // may end a plain word
  for (const c of "'-") t[c.charCodeAt(0)] |= C_INNER; // may be inside a plain word
  for (const c of "(\"'[") t[c.charCodeAt(0)] |= C_OPEN; // an opening bracket or quote: not hashed
  for (const c of ":=") t[c.charCodeAt(0)] |= C_KEYSEP; // ends a key
  for (const c of "_.-") t[c.charCodeAt(0)] |= C_PREFIX; // may be inside a key
  return t;
})();
/** A token hash whose low bit says whether the token is a plain word (see `isPlain`). */
const wordTok = (h: number, plain: boolean): number => {
  const x = plain ? (h | 1) >>> 0 : (h & ~1) >>> 0;
  return x < 3 ? x + 4 : x;
};
/** Whether a token hash is a plain word of natural language ("fail", "it's", "house."), not an
 * identifier, path, code or markup (`com.example.Error:`, `[preauth]`, `<br>`). */
const isPlain = (t: number): boolean => (t & 1) === 1 && t !== WILD;

// ---------------------------------------------------------------------- open-addressing u32 map

/**
 * 32-bit key -> 32-bit value(s), linear probing, deletion by backward shift (Knuth, TAOCP vol. 3,
 * 6.4 Algorithm R), so a table that shrinks back to empty holds no tombstones. Key 0 is "empty".
 * Interleaved layout, `stride` words a slot, so a probe touches one cache line:
 *
 *   t: | key | value | [aux | aux2] | key | value | [aux | aux2] | ...
 *
 * `find` and `slot` return a slot's word offset p: key t[p], value t[p + 1], aux t[p + 2], aux2
 * t[p + 3] (aux words hold witness items, 0xffffffff = none).
 */
export class U32Map {
  t: Uint32Array;
  readonly stride: number;
  private readonly alloc: (words: number) => Uint32Array;
  mask: number; // slots - 1
  shift: number; // 32 - log2(slots): a key's home is its top bits (keys are mixed hashes), so keys
  // sorted by their top bits visit the table in order (see `Partition`)
  size = 0;
  /** `countBlock`: the share of a block's runs that were new keys, last time. */
  fresh = 1;
  /** `alloc` makes the table's arrays (a worker's tables live in shared memory). */
  constructor(bits: number, stride: 2 | 4 = 2, alloc: (words: number) => Uint32Array = (w) => new Uint32Array(w)) {
    this.stride = stride;
    this.alloc = alloc;
    this.t = alloc((1 << bits) * stride);
    this.mask = (1 << bits) - 1;
    this.shift = 32 - bits;
  }
  get slots(): number { return this.mask + 1; }
  /** Takes over a table of this stride built elsewhere (by another thread) holding `size` keys. */
  adopt(t: Uint32Array, size: number): void {
    const slots = t.length / this.stride;
    if (slots < 2 || (slots & (slots - 1)) !== 0) throw new RangeError(`U32Map.adopt: a table of ${t.length} words is not a power-of-two count of slots`);
    this.t = t;
    this.mask = slots - 1;
    this.shift = 32 - Math.log2(slots);
    this.size = size;
  }
  /** Word offset of key's home slot (for a prefetching touch before a batch of lookups). */
  home(key: number): number { return (key >>> this.shift) * this.stride; }
  /** Offset of `key`'s slot, or -1. */
  find(key: number): number {
    const t = this.t, st = this.stride, end = t.length;
    let p = this.home(key);
    for (;;) {
      const k = t[p];
      if (k === key) return p;
      if (k === 0) return -1;
      p += st; if (p === end) p = 0;
    }
  }
  get(key: number, dflt: number): number {
    const p = this.find(key);
    return p < 0 ? dflt : this.t[p + 1];
  }
  /** Offset of `key`'s slot, inserting it (value 0, aux none) if absent. May replace `t`. */
  slot(key: number): number {
    if ((this.size + 1) * 2 > this.slots) this.grow();
    const t = this.t, st = this.stride, end = t.length;
    let p = this.home(key);
    for (;;) {
      const k = t[p];
      if (k === key) return p;
      if (k === 0) {
        t[p] = key; t[p + 1] = 0;
        if (st === 4) { t[p + 2] = NONE; t[p + 3] = NONE; }
        this.size++;
        return p;
      }
      p += st; if (p === end) p = 0;
    }
  }
  /**
   * Offset of a new slot for `key`, even when the key is in already (a table whose entries carry a
   * second key elsewhere: see `Engine.entry`); value 0. May replace `t`.
   */
  append(key: number): number {
    if ((this.size + 1) * 2 > this.slots) this.grow();
    const t = this.t, st = this.stride, end = t.length;
    let p = this.home(key);
    while (t[p] !== 0) { p += st; if (p === end) p = 0; }
    t[p] = key; t[p + 1] = 0;
    if (st === 4) { t[p + 2] = NONE; t[p + 3] = NONE; }
    this.size++;
    return p;
  }
  /** Offset of the slot holding (key, value), or -1 (for a table filled by `append`). */
  findValue(key: number, value: number): number {
    const t = this.t, st = this.stride, end = t.length;
    let p = this.home(key);
    for (;;) {
      const k = t[p];
      if (k === 0) return -1;
      if (k === key && t[p + 1] === value) return p;
      p += st; if (p === end) p = 0;
    }
  }
  deleteAt(p: number): void {
    const t = this.t, st = this.stride, end = t.length;
    let q = p;
    for (;;) {
      q += st; if (q === end) q = 0;
      const k = t[q];
      if (k === 0) break;
      const h = this.home(k);
      // move k back to p if its home is not in (p, q] cyclically
      if (p <= q ? h <= p || h > q : h <= p && h > q) {
        for (let w = 0; w < st; w++) t[p + w] = t[q + w];
        p = q;
      }
    }
    t[p] = 0;
    this.size--;
  }
  /**
   * Grows ahead so that `n` keys fit without a resize. Keys inserted in sorted order must not meet
   * a resize halfway: the keys in by then all sit in the low part of the table (homes are top
   * bits), which would be packed full and make probe runs long.
   */
  reserve(n: number): void {
    while (n * 2 > this.slots) this.grow();
  }
  private grow(): void {
    const old = this.t, st = this.stride;
    this.t = this.alloc(old.length * 2);
    this.mask = this.mask * 2 + 1;
    this.shift--;
    const t = this.t, end = t.length;
    for (let i = 0; i < old.length; i += st) {
      const k = old[i];
      if (k === 0) continue;
      let p = this.home(k);
      while (t[p] !== 0) { p += st; if (p === end) p = 0; }
      for (let w = 0; w < st; w++) t[p + w] = old[i + w];
    }
  }
}
const NONE = 0xffffffff;

/**
 * Batch mode: a blocked Bloom filter (two bits in one 32-bit word; Putze, Sanders, Singler,
 * "Cache-, Hash- and Space-Efficient Bloom Filters", WEA 2007) of the n-grams seen once. Only an
 * n-gram met again enters the exact table, so the n-grams that occur once (most of them) cost
 * about one byte instead of sixteen. A false positive counts an n-gram once too often.
 */
export class SeenFilter {
  readonly words: Int32Array;
  private readonly scale: number;
  constructor(bits: number) {
    const n = Math.max(1024, Math.ceil(bits / 32));
    this.words = new Int32Array(n);
    this.scale = n / 4294967296;
  }
  /** Word of key k: monotone in k (keys are mixed hashes), like `U32Map.home`. */
  index(k: number): number { return Math.floor(k * this.scale); }
  /** True when k was (probably) seen before; marks it seen. */
  testSet(k: number): boolean {
    const i = this.index(k), m = (1 << (k & 31)) | (1 << ((k >>> 5) & 31)), w = this.words[i];
    if ((w & m) === m) return true;
    this.words[i] = w | m;
    return false;
  }
}

// --------------------------------------------------------------------------------- tokenizing

const ASCII = /^[\x00-\x7f]*$/;
/** Normalized form of a text: NFKC, case-folded, invisible characters removed. */
function normalize(text: string): string {
  return ASCII.test(text) ? text.toLowerCase() : normalizeText(text);
}

function isSpace(c: number): boolean {
  return c <= 32 || c >= 0x85 && isWideSpace(c);
}
function isWideSpace(c: number): boolean {
  return c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}
const isLetter = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c > 127;

/** Growable scratch of token hashes (and optional spans) for one text. */
export class Scratch {
  toks = new Uint32Array(256);
  starts = new Int32Array(256);
  ends = new Int32Array(256);
  n = 0;
  grams = new Uint32Array(256);
  bigrams = new Uint32Array(258);
  uniq = new Uint32Array(258);
  upos = new Int32Array(258); // position of each distinct key in `uniq` (its first occurrence)
  cov = new Int32Array(256);
  elems = new Uint32Array(512);
  elemTok = new Int32Array(512); // token index of each skeleton element (-1 for SLOT/SEAM)
  ne = 0;
  strength = new Int32Array(256); // support level of each segment
  segStart = new Int32Array(256); // element index of each segment
  segEnd = new Int32Array(256);
  private saved = new Int32Array(768);
  /** Keeps segStart, segEnd and strength [0, n) aside for `restoreSegments` (see `Engine.skeletonOf`). */
  saveSegments(n: number): void {
    if (this.saved.length < 3 * n) this.saved = new Int32Array(3 * n);
    this.saved.set(this.segStart.subarray(0, n), 0); this.saved.set(this.segEnd.subarray(0, n), n); this.saved.set(this.strength.subarray(0, n), 2 * n);
  }
  restoreSegments(n: number): void {
    this.segStart.set(this.saved.subarray(0, n)); this.segEnd.set(this.saved.subarray(n, 2 * n)); this.strength.set(this.saved.subarray(2 * n, 3 * n));
  }
  nseg = 0;
  /** Set by `skeletonOf`: the text is in the payload regime (long, or free text in its slots). */
  payload = false;
  /** Set by `skeletonOf`: the payload regime dropped a long recurring run (a payload seen in other texts). */
  reused = false;
  /** Set by `skeletonOf` when the text has too little wording to be grouped: its skeleton hash. */
  thin = 0;
  /** Set by `skeletonOf`: the second hash (`hashCheck`) of the skeleton, or of the thin skeleton. */
  check = 0;
  /** The text's field labels (`fieldFlags`): set by tokenizing, or by the batch miner from the text. */
  field = 0;
  /** Set by `skeletonOf`: the skeleton is the text's field labels (see `FIELD_LAST`). */
  fielded = false;
  /** Set by `sharedPassages`: the whole text up to its closing field label is a reused passage. */
  wholeField = false;
  /** Streaming: the frame hash of a thin skeleton around a reused passage, or 0 (see `skeletonOf`). */
  frame = 0;
  /** Streaming: live texts identical to this one (its digits aside), itself included; set before `skeleton`. */
  copies = 1;
  gen = new Uint32Array(512);
  ensure(n: number): void {
    if (n <= this.toks.length) return;
    let c = this.toks.length;
    while (c < n) c *= 2;
    this.toks = new Uint32Array(c); this.starts = new Int32Array(c); this.ends = new Int32Array(c);
    this.grams = new Uint32Array(c + 2); this.bigrams = new Uint32Array(c + 2); this.uniq = new Uint32Array(c + 2); this.upos = new Int32Array(c + 2); this.cov = new Int32Array(c);
    this.elems = new Uint32Array(2 * c + 2); this.elemTok = new Int32Array(2 * c + 2);
    this.strength = new Int32Array(c); this.segStart = new Int32Array(c); this.segEnd = new Int32Array(c); this.gen = new Uint32Array(2 * c + 2);
  }
}

// ------------------------------------------------------------------------------ field labels

/**
 * Field labels: prompt formats that are fields around their slots and almost no wording besides
 * ("Instruction: {Q}\nInput: {P}\nOutput:", "Question: {Q}\nAnswer:", "{P}\n\nTL;DR:"). Such a
 * text ends in a label with nothing after it, the place where the model is to write: the
 * completion-style prompt of the GPT-3 paper's task formats (Brown et al., "Language Models are
 * Few-Shot Learners", NeurIPS 2020, appendix G: "Q: ... A:", "... TL;DR:") and of the instruction
 * datasets after it (Taori et al., Stanford Alpaca, 2023: "### Instruction: ... ### Response:").
 * Their words between the slots are single tokens whose every 3-gram holds a slot's value, so no
 * recurring 3-gram covers them and the skeleton is empty. A text's last label is wording when it
 * stands on a line of its own: an organic message rarely ends in "word:" with nothing after it,
 * and when it does ("... as follows:") the label continues a sentence, on the same line. A label
 * that opens such a text is wording too ("question: <*> answer:" is not "context: <*> answer:").
 */
const FIELD_FIRST = 1, FIELD_LAST = 2;
/**
 * A text that opens with a label on a line of its own and does not end in one ("Summarize:\n\n
 * {P}", "Context:\n{P}"): the label is its wording as a closing label is, a field whose value
 * follows on the next lines. An organic message may open with a word and a colon ("Quick
 * question: ..."), but goes on on the same line.
 */
const FIELD_OPEN = 4;
/**
 * `fieldFlags` bits 3 and up: the tokens of a first line of 2 to LINE_MAX tokens that ends in a
 * colon, on a line of its own, with text after it ("Translate to German:\n{P}"): an instruction
 * line that introduces the text below it, as an opening label does. Its words are a template's
 * wording even when they are fewer than a skeleton needs elsewhere (see `skeletonOf`).
 */
const LINE_SHIFT = 3;
const LINE_MAX = 4;
/** In batch, an opening label alone (FIELD_OPEN) is a skeleton from this many texts that open with it on. */
const OPEN_LABEL_MIN = 5;
/** The longest label, colon included. */
const LABEL_MAX = 24;

/** Start of the label that ends with the ':' at s[e] (letters, with ' ; & / - _ . inside; no digit), or -1. */
function labelStart(s: string, e: number): number {
  let a = e - 1, letters = 0;
  for (; a >= 0; a--) {
    const c = s.charCodeAt(a);
    if (isSpace(c)) break;
    if (isLetter(c)) letters++;
    else if (c !== 39 && c !== 59 && c !== 38 && c !== 47 && c !== 45 && c !== 95 && c !== 46) return -1;
    if (e - a >= LABEL_MAX) return -1;
  }
  return letters > 0 ? a + 1 : -1;
}

/**
 * FIELD_LAST when the normalized text `s` ends in a label that is its wording (see above), with
 * FIELD_FIRST when its first token is a label too; 0 otherwise. Reads only the text's ends.
 */
function fieldFlags(s: string): number {
  const line = openingLine(s);
  return fieldBits(s, line === 1) | (line >= 2 ? line << LINE_SHIFT : 0);
}

/**
 * Tokens of the normalized text's first line when it ends in a colon, on a line of its own, with
 * text after it, and has at most LINE_MAX tokens (one token only when it is a label: FIELD_OPEN;
 * 2 or more: an instruction line, see LINE_SHIFT); 0 otherwise.
 */
function openingLine(s: string): number {
  let i = 0, tokens = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  for (;;) {
    while (i < s.length && isSpace(s.charCodeAt(i)) && s.charCodeAt(i) !== 10) i++;
    if (i >= s.length || s.charCodeAt(i) === 10) return 0;
    const a = i;
    while (i < s.length && !isSpace(s.charCodeAt(i))) i++;
    if (++tokens > LINE_MAX) return 0;
    if (s.charCodeAt(i - 1) !== 58 || i - a < 2) continue;
    // a colon ends the token: the line must end here, with text on later lines
    let j = i, line = false;
    for (; j < s.length && isSpace(s.charCodeAt(j)); j++) if (s.charCodeAt(j) === 10) line = true;
    if (!line || j >= s.length) return 0;
    return tokens > 1 || labelStart(s, i - 1) === a ? tokens : 0;
  }
}

/** `fieldFlags` without the line bits (`open`: the text opens with a label on a line of its own). */
function fieldBits(s: string, open: boolean): number {
  const opening = open ? FIELD_OPEN : 0;
  let e = s.length - 1;
  while (e >= 0 && isSpace(s.charCodeAt(e))) e--;
  if (e < 1 || s.charCodeAt(e) !== 58) return opening;
  const a = labelStart(s, e);
  if (a <= 0) return a < 0 ? opening : 0; // not a label, or the text is a label alone
  let b = a - 1, line = false;
  for (; b >= 0 && isSpace(s.charCodeAt(b)); b--) if (s.charCodeAt(b) === 10) line = true;
  if (b < 0 || !line) return opening;
  // the first token: [i, j)
  let i = 0;
  while (isSpace(s.charCodeAt(i))) i++;
  let j = i;
  while (j <= b && !isSpace(s.charCodeAt(j))) j++;
  const first = j - 1 > i && j <= b && s.charCodeAt(j - 1) === 58 && labelStart(s, j - 1) === i;
  return FIELD_LAST | (first ? FIELD_FIRST : 0);
}

/** `fieldFlags` of a raw text (normalized first only when it may end in a label or open with one on a line of its own). */
function fieldOf(text: string): number {
  let e = text.length - 1;
  while (e >= 0 && text.charCodeAt(e) <= 32) e--;
  if (e < 0) return 0;
  const c = text.charCodeAt(e);
  if (c === 58 || c > 127) return fieldFlags(normalize(text));
  // (an opening label or an instruction line: a first line that ends in ':' and a line break,
  // within the first LINE_MAX words)
  let words = 0, prev = 32, colon = false; // (colon: the last character that is not a space is ':')
  let j0 = 0;
  while (j0 < e && text.charCodeAt(j0) <= 32) j0++; // (blank lines before the first line, as `openingLine`)
  for (let j = j0; j < e && words <= LINE_MAX; j++) {
    const c = text.charCodeAt(j);
    if (c === 10) return colon ? fieldFlags(normalize(text)) : 0;
    if (c > 32) { if (prev <= 32) words++; colon = c === 58; }
    prev = c;
  }
  return 0;
}

/**
 * Splits a normalized text on whitespace into token hashes (digit tokens masked), filling
 * `sc.toks`, `sc.starts`, `sc.ends` and `sc.n`.
 */
function tokenize(s: string, sc: Scratch): void { tokenizeFold(s, sc, false); }

/**
 * A raw text's tokens without building its normalized string: ASCII text is case-folded while
 * hashing (what `normalize` does to ASCII); other text is normalized first.
 */
function tokenizeText(text: string, sc: Scratch): void {
  if (!tokenizeFold(text, sc, true)) tokenize(normalizeText(text), sc);
}

/** `tokenize`; with `fold`, A-Z hash as a-z and a non-ASCII character stops it (returns false). */
function tokenizeFold(s: string, sc: Scratch, fold: boolean): boolean {
  const len = s.length;
  sc.ensure((len >>> 1) + 2);
  const toks = sc.toks, starts = sc.starts, ends = sc.ends;
  let n = 0;
  let i = 0;
  while (i < len) {
    let c = s.charCodeAt(i);
    while (isSpace(c)) { if (fold && c > 127) return false; if (++i >= len) break; c = s.charCodeAt(i); }
    if (i >= len) break;
    const start = i;
    let h = 0x811c9dc5 | 0;
    let digit = false;
    let prefixOk = true; // all characters so far are letters or _ . -
    let lastLetter = false;
    let keyHash = 0; // hash through the first ':' or '=' after a letter-only prefix
    let sepAt = 0; // index of that separator
    let colon = false; // it is ':'
    let wordValue = true; // the characters after it are letters (and `punct` commas or semicolons)
    let punct = 0;
    let plain = true, tail = false, letter = false; // a plain word: letters (' and - inside), then .,;:!?)"
    let core = h, hasCore = false; // the hash without closing punctuation ("of:" and "of" are one word)
    for (; i < len; i++) {
      c = s.charCodeAt(i);
      let k: number;
      if (c < 128) {
        if (c <= 32) break;
        if (fold && c >= 65 && c <= 90) c += 32;
        k = CLASS[c];
      } else {
        if (c >= 0x85 && isWideSpace(c)) break;
        if (fold) return false;
        k = c === 8217 ? C_INNER : C_LETTER;
      }
      if (k === C_LETTER) { // the common case, all the steps below for a letter
        h = Math.imul(h ^ c, 0x01000193); core = h; hasCore = true; letter = true;
        if (tail) plain = false;
        if (prefixOk) lastLetter = true;
        continue;
      }
      // an opening bracket or quote is not hashed, nor is closing punctuation (`core`)
      if (!(i === start && (k & C_OPEN) !== 0 && i + 1 < len && !isSpace(s.charCodeAt(i + 1)))) h = Math.imul(h ^ c, 0x01000193);
      if ((k & C_CLOSE) === 0) { core = h; hasCore = true; }
      if ((k & C_LETTER) !== 0) { letter = true; if (tail) plain = false; }
      else if ((k & C_INNER) !== 0) { if (tail) plain = false; }
      else if ((k & C_TAIL) !== 0) tail = true;
      else if (!(i === start && (c === 40 || c === 34))) plain = false;
      if (sepAt > 0 && (k & C_LETTER) === 0) { if (c === 44 || c === 59) punct++; else wordValue = false; }
      if ((k & C_DIGIT) !== 0) { digit = true; prefixOk = false; }
      else if (prefixOk) {
        if ((k & C_KEYSEP) !== 0 && lastLetter && keyHash === 0) { keyHash = h; prefixOk = false; sepAt = i; colon = c === 58; continue; }
        else if ((k & C_LETTER) !== 0) lastLetter = true;
        else if ((k & C_PREFIX) !== 0) lastLetter = false;
        else prefixOk = false;
      }
    }
    // a `key=value` token is a named field: its value is a variable whatever it holds (true/false,
    // a host name), as it is when it holds a digit; after ':' only a plain word is (`ret:false`,
    // `overlap:true,`; not `ns::name`, `scheme://host` or `action:android.intent.action.MAIN`)
    const masked = digit || i - start === 2 && isEmptyPair(s.charCodeAt(start), s.charCodeAt(start + 1)) || (keyHash !== 0 && i > sepAt + 1 && (!colon || wordValue && (punct === 0 || punct === 1 && (s.charCodeAt(i - 1) === 44 || s.charCodeAt(i - 1) === 59))));
    toks[n] = masked ? (keyHash !== 0 ? wordTok(fmix(keyHash ^ MASK_SALT), false) : WILD) : wordTok(fmix(hasCore ? core : h), plain && letter);
    starts[n] = start;
    // a negative end marks a masked token: -1 fully masked, -(2 + e) keeps the key prefix [start, e)
    ends[n] = !masked ? i : keyHash === 0 ? -1 : -2 - findSep(s, start);
    n++;
  }
  sc.n = n;
  sc.field = fieldFlags(s);
  return true;
}
/** `()`, `[]`, `{}`, `<>`, `""`, `''`: the printed form of an empty value, so a variable. */
function isEmptyPair(a: number, b: number): boolean {
  return a === 40 && b === 41 || a === 91 && b === 93 || a === 123 && b === 125 || a === 60 && b === 62 || a === 34 && b === 34 || a === 39 && b === 39;
}
function findSep(s: string, start: number): number {
  let i = start;
  for (;;) { const c = s.charCodeAt(i); if (c === 58 || c === 61) return i + 1; i++; }
}
/** Display form of token `k` of the last tokenized text. */
function tokenText(s: string, sc: Scratch, k: number): string {
  const e = sc.ends[k];
  if (e >= 0) return s.slice(sc.starts[k], e);
  if (e === -1) return "<*>";
  return s.slice(sc.starts[k], -e - 2) + "<*>";
}

/** 2-gram hashes over BOS t0 .. t(n-1) EOS: bigram j is (t[j-1], t[j]), j = 0 .. n. */
function bigrams(sc: Scratch): number {
  bigramsOf(sc.toks, 0, sc.n, sc.bigrams);
  return sc.n + 1;
}

/** 3-gram hashes over BOS t0 .. t(n-1) EOS: gram i is centred on token i. */
function grams(sc: Scratch): number {
  gramsOf(sc.toks, 0, sc.n, sc.grams, 0);
  return sc.n;
}
/** `grams` of the n tokens at t[a..] into g[o..] (read from the batch pool without a copy). */
function gramsOf(t: Uint32Array, a: number, n: number, g: Uint32Array, o: number): void {
  for (let i = 0; i < n; i++) {
    const l = i === 0 ? BOS : t[a + i - 1];
    const r = i === n - 1 ? EOS : t[a + i + 1];
    g[o + i] = mix3(l, t[a + i], r) || 1;
  }
}
/** `bigrams` of the n tokens at t[a..] into b[0 .. n]. */
function bigramsOf(t: Uint32Array, a: number, n: number, b: Uint32Array): void {
  for (let j = 0; j <= n; j++) b[j] = mix2(j === 0 ? BOS : t[a + j - 1], j === n ? EOS : t[a + j]) || 1;
}

// ------------------------------------------------------------------------------------ the engine

/**
 * LSD radix sort of a block of keys by their top 22 bits (two passes of 11 bits), optionally with
 * their indexes, so that a batch of table or filter accesses sweeps memory in address order.
 * With the kernel loaded, blocks of KERNEL_SORT_MIN keys or more are sorted there (`minerSort`,
 * assembly/miner.ts: the same passes, so the same order), in a kernel instance of the Partition's
 * own (`privateKernel`; Partitions may share one through a `SortKernel`), whose memory goes with
 * them; `runKeys`, `runCounts` and `outIdx` are then views of that memory, valid until its next
 * sort.
 */
export class Partition {
  /** Where large blocks are sorted (made at the first of them). */
  private readonly sk: SortKernel;
  constructor(sk: SortKernel = new SortKernel()) { this.sk = sk; }
  /** The indexes of the keys last sorted `withIdx`, in their sorted order. */
  outIdx: Int32Array<ArrayBufferLike> = new Int32Array(0);
  /** `runs`: the distinct keys of the block last sorted and the length of each run. */
  runKeys: Uint32Array<ArrayBufferLike> = new Uint32Array(0);
  runCounts: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private keys = new Uint32Array(0);
  private idx = new Int32Array(0);
  private tk = new Uint32Array(0);
  private ti = new Int32Array(0);
  private readonly hist = new Int32Array(2049);
  private readonly hist2 = new Int32Array(2049);
  /** The kernel call behind the last `runs` (null: sorted here). */
  private last: { k: Kernel; at: number; n: number; nr: number } | null = null;
  private ensure(n: number): void {
    if (n <= this.keys.length) return;
    let c = Math.max(1 << 16, this.keys.length);
    while (c < n) c *= 2;
    this.keys = new Uint32Array(c); this.idx = new Int32Array(c);
    this.tk = new Uint32Array(c); this.ti = new Int32Array(c);
  }
  /** Keys [0, n) in order of their top 22 bits, here (their indexes into `outIdx` when withIdx). */
  private sort(keys: Uint32Array, withIdx: boolean, n: number): Uint32Array {
    this.ensure(n);
    const h = this.hist, h2 = this.hist2, tk = this.tk, ti = this.ti, out = this.keys, oi = this.idx;
    // both passes' histograms in one read of the keys
    h.fill(0); h2.fill(0);
    for (let i = 0; i < n; i++) { const k = keys[i]; h[((k >>> 10) & 2047) + 1]++; h2[(k >>> 21) + 1]++; }
    for (let b = 0; b < 2048; b++) { h[b + 1] += h[b]; h2[b + 1] += h2[b]; }
    // pass 1: bits 10..20 into tk/ti
    if (withIdx) for (let i = 0; i < n; i++) { const k = keys[i], d = h[(k >>> 10) & 2047]++; tk[d] = k; ti[d] = i; }
    else for (let i = 0; i < n; i++) { const k = keys[i]; tk[h[(k >>> 10) & 2047]++] = k; }
    // pass 2: bits 21..31 into out/oi (stable, so the order by bits 10..31 holds)
    if (withIdx) for (let i = 0; i < n; i++) { const k = tk[i], d = h2[k >>> 21]++; out[d] = k; oi[d] = ti[i]; }
    else for (let i = 0; i < n; i++) { const k = tk[i]; out[h2[k >>> 21]++] = k; }
    if (withIdx) this.outIdx = oi.subarray(0, n);
    return out.subarray(0, n);
  }
  /**
   * Keys [0, n) sorted by their top 22 bits, then each run of equal adjacent keys folded into one:
   * the distinct keys into `runKeys`, the length of each run into `runCounts`; returns the number
   * of runs. With `withIdx`, `outIdx` holds the input index of every key in sorted order (so
   * keys[outIdx[j]] is the sorted order), for `scatter`. `kernel`: null sorts here, a kernel
   * there (tests); by default, large blocks go to this Partition's own kernel.
   */
  runs(keys: Uint32Array, n: number, withIdx = false, kernel?: Kernel | null): number {
    const k = n < KERNEL_SORT_MIN ? null : kernel === undefined ? this.sk.get() : kernel;
    if (k !== null) {
      k.ensureInput(16 * n + 2 * 2049 * 4);
      const at = k.INPUT;
      k.u32.set(keys.subarray(0, n), at >>> 2);
      const nr = k.raw.minerSort(at, n, withIdx ? 1 : 0), w = at >>> 2;
      this.runKeys = k.u32.subarray(w, w + nr);
      this.runCounts = k.i32.subarray(w + n, w + n + nr);
      if (withIdx) this.outIdx = k.i32.subarray(w + 3 * n, w + 4 * n);
      this.last = { k, at, n, nr };
      return nr;
    }
    const pk = this.sort(keys, withIdx, n);
    // (in place: run j is written at or before its first key)
    const rc = this.ti;
    let nr = 0;
    for (let j = 0; j < n;) {
      const key = pk[j];
      let e = j + 1;
      while (e < n && pk[e] === key) e++;
      pk[nr] = key; rc[nr++] = e - j;
      j = e;
    }
    this.runKeys = pk.subarray(0, nr);
    this.runCounts = rc.subarray(0, nr);
    this.last = null;
    return nr;
  }
  /**
   * After `runs(keys, n, true)`, whose run keys the caller has replaced by values: `out[i]` = the
   * value of the run of keys[i], for every i < n.
   */
  scatter(out: Int32Array): void {
    const l = this.last;
    if (l !== null) {
      l.k.raw.minerScatter(l.at, l.n, l.nr);
      const w = (l.at >>> 2) + 2 * l.n;
      out.set(l.k.i32.subarray(w, w + l.n));
      return;
    }
    const v = this.runKeys, len = this.runCounts, pi = this.outIdx;
    for (let r = 0, j = 0; r < v.length; r++) {
      const f = v[r];
      for (const e = j + len[r]; j < e; j++) out[pi[j]] = f;
    }
  }
}
/** Fewer keys than this are sorted in JavaScript (a kernel call and two copies cost more there). */
const KERNEL_SORT_MIN = 4096;

/** A kernel instance for `Partition` sorts, made when first needed (null: no kernel loaded). */
export class SortKernel {
  private k: Kernel | null | undefined = undefined;
  get(): Kernel | null {
    if (this.k === undefined) this.k = privateKernel();
    return this.k;
  }
}

/** Growable Uint32 buffer. */
export class Buf {
  a = new Uint32Array(1 << 16);
  n = 0;
  room(k: number): Uint32Array {
    if (this.n + k > this.a.length) {
      let c = this.a.length * 2;
      while (c < this.n + k) c *= 2;
      const b = new Uint32Array(c); b.set(this.a.subarray(0, this.n)); this.a = b;
    }
    return this.a;
  }
}

/** Per-text dedupe of gram hashes (so counts are document frequencies). */
export class StampSet {
  keys = new Uint32Array(1024);
  stamps = new Int32Array(1024);
  stamp = 0;
  begin(n: number): void {
    if (n * 2 > this.keys.length) {
      let c = this.keys.length;
      while (c < n * 2) c *= 2;
      this.keys = new Uint32Array(c); this.stamps = new Int32Array(c);
    }
    this.stamp++;
  }
  /** True if `k` was not yet seen in this text. */
  add(k: number): boolean {
    const mask = this.keys.length - 1;
    let i = Math.imul(k, 0x9e3779b1) >>> 0 & mask;
    for (;;) {
      if (this.stamps[i] !== this.stamp) { this.stamps[i] = this.stamp; this.keys[i] = k; return true; }
      if (this.keys[i] === k) return false;
      i = (i + 1) & mask;
    }
  }
}

/**
 * Batch pass 1: the token hashes of texts [from, to) appended to `out`, and the token count of
 * each text in `counts[i - from]`. With the kernel loaded, texts are tokenized in WebAssembly
 * (`minerTokens`, assembly/miner.ts: the same hashes as `tokenizeText`, faster): ASCII texts as
 * they are, others once `normalizeText` has prepared them. Texts with a lone surrogate or larger
 * than a batch, and every text before `init`, are tokenized here.
 */
export function tokenizeBlock(texts: readonly string[], from: number, to: number, out: Buf, counts: Int32Array, sc: Scratch, packed?: PackedTexts): void {
  const k = loadedKernel();
  for (let i = from; i < to;) {
    let c = 0;
    if (k !== null) {
      // a batch of texts in INPUT: a text of L bytes has at most ceil(L / 2) tokens, so
      // KERNEL_BATCH bytes of them fit in OUT
      let pos = 0;
      k.docs[0] = 0;
      for (; i + c < to && c < k.DOCS_CAP; c++) {
        if (packed !== undefined && packed.ends[i + c] >= 0) { // ASCII, packed: its bytes as they are
          const e = i + c === 0 ? 0 : packed.ends[i + c - 1], a = e >= 0 ? e : ~e, b = packed.ends[i + c];
          if (pos + b - a > KERNEL_BATCH) break;
          k.input.set(packed.bytes.subarray(a, b), pos);
          pos += b - a;
          k.docs[c + 1] = pos;
          continue;
        }
        const t = texts[i + c];
        if (typeof t !== "string") break;
        const L = t.length;
        if (pos + L > KERNEL_BATCH) break;
        // (all of a text is read into L bytes only when it is ASCII)
        if (encoder.encodeInto(t, k.input.subarray(pos, pos + L)).read === L) {
          pos += L;
          k.docs[c + 1] = pos;
          continue;
        }
        // any other text goes in normalized, as UTF-8 (bit 31 flags it), unless it holds a lone
        // surrogate (which UTF-8 cannot carry) or may not fit
        const u = normalizeText(t);
        if (pos + 3 * u.length > KERNEL_BATCH || !isWellFormed(u)) break;
        pos += encoder.encodeInto(u, k.input.subarray(pos, pos + 3 * u.length)).written;
        k.docs[c + 1] = (pos | 0x80000000) >>> 0;
      }
      if (c > 0) {
        const total = k.raw.minerTokens(c);
        const a = out.room(total), o = k.OUT >>> 2;
        a.set(k.u32.subarray(o, o + total), out.n);
        out.n += total;
        for (let d = 0; d < c; d++) counts[i + d - from] = k.docs[d];
        i += c;
        continue;
      }
    }
    // a text with a lone surrogate or larger than a batch, or no kernel: tokenized here
    const t = packed !== undefined && packed.ends[i] >= 0 ? unpack(packed, i) : texts[i];
    if (typeof t !== "string") throw new TypeError(`mineTemplates: texts[${i}] must be a string, got ${typeof t}`);
    tokenizeText(t, sc);
    const a = out.room(sc.n);
    copyWords(sc.toks, 0, a, out.n, sc.n);
    out.n += sc.n;
    counts[i - from] = sc.n;
    i++;
  }
}
/**
 * Texts of a block as the kernel reads them, for another thread (cloning an array of strings cost
 * 4.4 ns a character here, writing ASCII as bytes 0.8: bench/memory.bench.mjs): text i is ASCII and its bytes are
 * `bytes[end(i - 1) .. ends[i])` when `ends[i] >= 0`; otherwise (`ends[i] = ~end`, no bytes of
 * its own) it is sent as a string, in `texts[i]`.
 */
export interface PackedTexts { bytes: Uint8Array; ends: Int32Array }

/**
 * Packs texts [b0, b1) (see `PackedTexts`) into `bytes` (grown through `room` when they do not
 * fit) and returns them with the texts that are not ASCII (block index, text).
 */
export function packTexts(texts: readonly string[], b0: number, b1: number, room: (bytes: number) => Uint8Array, bytes: Uint8Array): { packed: PackedTexts; others: [number, string][] } {
  let need = 0;
  for (let i = b0; i < b1; i++) { const t = texts[i]; if (typeof t === "string") need += t.length; }
  if (bytes.length < need) bytes = room(need);
  const ends = new Int32Array(b1 - b0), others: [number, string][] = [];
  let pos = 0;
  for (let i = b0; i < b1; i++) {
    const t = texts[i];
    // (all of a text is read into L bytes only when it is ASCII; anything else, a string that is
    // not ASCII or a bad item, goes as it is, and tokenizeBlock takes or rejects it)
    if (typeof t === "string" && (t.length === 0 || encoder.encodeInto(t, bytes.subarray(pos, pos + t.length)).read === t.length)) {
      pos += t.length; ends[i - b0] = pos;
    } else { ends[i - b0] = ~pos; others.push([i - b0, t]); }
  }
  return { packed: { bytes, ends }, others };
}

/** Text i of packed texts that holds bytes (ASCII). */
function unpack(p: PackedTexts, i: number): string {
  const e = i === 0 ? 0 : p.ends[i - 1];
  return latin1.decode(p.bytes.slice(e >= 0 ? e : ~e, p.ends[i]));
}
const latin1 = new TextDecoder("latin1");

/** Bytes of text a `minerTokens` call takes: (KERNEL_BATCH + DOCS_CAP) / 2 tokens fit in its 1 MiB OUT. */
const KERNEL_BATCH = 500_000;
const encoder = new TextEncoder();

/** Test hook: `tokenizeBlock` with the kernel (when loaded) or without it. */
export function tokenizeForTest(texts: readonly string[], useKernel: boolean): { toks: Uint32Array; counts: Int32Array } {
  const out = new Buf(), counts = new Int32Array(texts.length), sc = new Scratch();
  if (useKernel) tokenizeBlock(texts, 0, texts.length, out, counts, sc);
  else for (let i = 0; i < texts.length; i++) {
    tokenizeText(texts[i], sc);
    const a = out.room(sc.n);
    copyWords(sc.toks, 0, a, out.n, sc.n);
    out.n += sc.n;
    counts[i] = sc.n;
  }
  return { toks: out.a.slice(0, out.n), counts };
}

/**
 * Batch pass 1: the 2-gram (`two`) or 3-gram keys of each text [b0, b1) of the token pool, each
 * key once per text (document frequencies), into `keys`.
 */
export function blockKeys(pool: Uint32Array, offs: Int32Array, b0: number, b1: number, two: boolean, keys: Buf, stamps: StampSet, sc: Scratch): void {
  keys.n = 0;
  const k = loadedKernel();
  if (k !== null) kernelKeys(k, pool, offs, b0, b1, two, keys, null);
  else scriptKeys(pool, offs, b0, b1, two, keys, stamps, sc, null);
}
/**
 * Batch pass 2: every 3-gram of the texts [b0, b1) of the token pool (3-gram j of text i at
 * `out[offs[i] - offs[b0] + j]`), for `blockSupports`. (Pass 1 once kept them, 4 bytes a token;
 * hashing them again in the kernel costs less than first touching that memory.)
 */
function blockGrams(pool: Uint32Array, offs: Int32Array, b0: number, b1: number, out: Uint32Array): void {
  const k = loadedKernel();
  if (k !== null) { kernelKeys(k, pool, offs, b0, b1, false, null, out); return; }
  const base = offs[b0];
  for (let i = b0; i < b1; i++) gramsOf(pool, offs[i], offs[i + 1] - offs[i], out, offs[i] - base);
}
/** `blockKeys` without the kernel (the reference `minerKeys` follows). */
function scriptKeys(pool: Uint32Array, offs: Int32Array, b0: number, b1: number, two: boolean, keys: Buf, stamps: StampSet, sc: Scratch, all: Uint32Array | null): void {
  const base = offs[b0];
  for (let i = b0; i < b1; i++) {
    const a = offs[i], n = offs[i + 1] - a;
    sc.ensure(n + 2);
    let src: Uint32Array = two ? sc.bigrams : sc.grams, o = 0;
    const m = two ? n + 1 : n;
    if (two) bigramsOf(pool, a, n, src);
    else if (all !== null) { src = all; o = a - base; gramsOf(pool, a, n, src, o); }
    else gramsOf(pool, a, n, src, 0);
    const dst = keys.room(m);
    stamps.begin(m);
    for (let j = 0; j < m; j++) if (stamps.add(src[o + j])) dst[keys.n++] = src[o + j];
  }
}

/** Test hook: `blockKeys` of every text of a token pool, with the kernel or without it. */
export function blockKeysForTest(pool: Uint32Array, counts: Int32Array, two: boolean, useKernel: boolean): { keys: Uint32Array; all: Uint32Array | null } {
  const n = counts.length, offs = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) offs[i + 1] = offs[i] + counts[i];
  const keys = new Buf(), all = two ? null : new Uint32Array(offs[n]);
  const k = useKernel ? loadedKernel() : null;
  if (k !== null) kernelKeys(k, pool, offs, 0, n, two, keys, all);
  else scriptKeys(pool, offs, 0, n, two, keys, new StampSet(), new Scratch(), all);
  return { keys: keys.a.slice(0, keys.n), all };
}

/**
 * Test hook: `blockSupports` of every text of a token pool, with the kernel or without it, under
 * 3-gram and 2-gram tables holding the counts given (as `countBlock` stores them: one less than the
 * batch frequency).
 */
export function blockSupportsForTest(pool: Uint32Array, counts: Int32Array, grams: Map<number, number>, pairs: Map<number, number>, theta: number, useKernel: boolean): { supports: Int32Array; recurring: Uint8Array } {
  const n = counts.length, offs = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) offs[i + 1] = offs[i] + counts[i];
  const table = (m: Map<number, number>): U32Map => {
    const t = new U32Map(4);
    for (const [key, c] of m) t.t[t.slot(key) + 1] = c;
    return t;
  };
  const recurring = new Uint8Array(n);
  const supports = blockSupports(table(grams), table(pairs), theta, pool, offs, 0, n, new Int32Array(offs[n]), recurring, new SupportScratch(), useKernel ? loadedKernel() : null);
  return { supports, recurring };
}

/** Tokens and texts a `minerKeys` call takes (the longest text goes alone, however long). */
const KEYS_TOKENS = 1 << 18, KEYS_DOCS = 1 << 15;

/** The end of the texts [i, j) a kernel call takes: at most KEYS_TOKENS tokens (or one text) and KEYS_DOCS texts. */
function chunkEnd(offs: Int32Array, i: number, b1: number): number {
  let j = i + 1;
  while (j < b1 && j - i < KEYS_DOCS && offs[j + 1] - offs[i] <= KEYS_TOKENS) j++;
  return j;
}

/** Writes the token counts of texts [i, j) and their tokens at INPUT: counts at word 0, tokens after them. */
function kernelTexts(k: Kernel, pool: Uint32Array, offs: Int32Array, i: number, j: number): void {
  const w0 = k.INPUT >>> 2, u = k.u32;
  for (let d = 0; d < j - i; d++) u[w0 + d] = offs[i + d + 1] - offs[i + d];
  u.set(pool.subarray(offs[i], offs[j]), w0 + j - i);
}

/** `blockKeys` in the kernel (`minerKeys`, assembly/miner.ts: the same keys in the same order). */
function kernelKeys(k: Kernel, pool: Uint32Array, offs: Int32Array, b0: number, b1: number, two: boolean, keys: Buf | null, all: Uint32Array | null): void {
  const base = offs[b0];
  for (let i = b0; i < b1;) {
    const j = chunkEnd(offs, i, b1);
    let longest = 0;
    for (let d = i; d < j; d++) longest = Math.max(longest, offs[d + 1] - offs[d]);
    const docs = j - i, total = offs[j] - offs[i];
    let bits = 4;
    while (2 ** bits < 2 * (longest + 1)) bits++;
    // INPUT, in words: counts, tokens, keys (at most total + docs), every 3-gram, the table
    const cW = 0, tW = docs, kW = tW + total, aW = kW + (keys !== null ? total + docs : 0), sW = aW + (all !== null ? total : 0);
    k.ensureInput((sW + (keys !== null ? 2 ** bits : 0)) * 4);
    const w0 = k.INPUT >>> 2, u = k.u32;
    kernelTexts(k, pool, offs, i, j);
    const nk = k.raw.minerKeys(k.INPUT + cW * 4, docs, k.INPUT + tW * 4, keys !== null ? k.INPUT + kW * 4 : 0,
      all !== null ? k.INPUT + aW * 4 : 0, k.INPUT + sW * 4, bits, two ? 1 : 0);
    if (keys !== null) {
      keys.room(nk).set(u.subarray(w0 + kW, w0 + kW + nk), keys.n);
      keys.n += nk;
    }
    if (all !== null) all.set(u.subarray(w0 + aW, w0 + aW + total), offs[i] - base);
    i = j;
  }
}

/**
 * Batch pass 1: counts keys (each already distinct within its text) of a block of texts in `m`,
 * past the seen-once filter. The keys are first sorted by their top bits (`Partition`), so the
 * filter and the table are swept in address order and the hardware prefetcher hides most cache
 * misses (cache-conscious hash aggregation: Manegold, Boncz, Kersten, "Optimizing Main-Memory Join
 * on Modern Hardware", IEEE TKDE 2002, radix clustering).
 */
export function countBlock(seen: SeenFilter, m: U32Map, keys: Uint32Array, n: number, part: Partition): void {
  // Equal keys are (nearly always) adjacent after the sort: a run of r of them is tested once and
  // counted r times, or r - 1 when the filter had not seen it; exactly what testing each would give,
  // since only a key's first test changes the filter. (Template wording repeats within a block.)
  // (the runs that still count are compacted in place)
  const runs = part.runs(keys, n), rk = part.runKeys, rc = part.runCounts;
  let nr = 0;
  for (let j = 0; j < runs; j++) {
    const k = rk[j], c = seen.testSet(k) ? rc[j] : rc[j] - 1;
    if (c > 0) { rk[nr] = k; rc[nr++] = c; }
  }
  // (room for the share of the runs that were new keys in the last block, and a quarter more:
  // reserving for every run doubled the 2-gram table at 1M prompts to 2^24 slots for 3.6M keys,
  // 128 MB more to fault in; a block with more new keys than that grows the table midway, which
  // costs some longer probe runs in its low part)
  const before = m.size;
  m.reserve(before + Math.ceil(nr * Math.min(1, m.fresh * 1.25)));
  for (let j = 0; j < nr; j++) {
    const p = m.slot(rk[j]);
    m.t[p + 1] += rc[j];
  }
  if (nr > 0) m.fresh = (m.size - before) / nr;
}

/** Document frequency of a key in a batch table (which holds the occurrences after the first). */
function batchFreq(m: U32Map, k: number): number {
  const c = m.get(k, 0);
  return c === 0 ? 0 : c + 1;
}

/** `out[i] = batch frequency of keys[i]` for a block, looked up in top-bits order. */
function lookupBlock(m: U32Map, keys: Uint32Array, n: number, out: Int32Array, part: Partition): void {
  // (one lookup per run of equal keys, as in countBlock; the frequency replaces the run's key)
  const nr = part.runs(keys, n, true), rk = part.runKeys;
  for (let r = 0; r < nr; r++) rk[r] = batchFreq(m, rk[r]);
  part.scatter(out);
}

/**
 * `blockSupports`'s 2-gram keys and positions, and its `recurring` flags, in the kernel
 * (`minerPairs`, assembly/miner.ts: the same keys in the same order).
 */
function kernelPairs(k: Kernel, pool: Uint32Array, offs: Int32Array, b0: number, b1: number, gc: Int32Array, theta: number, bk: Buf, bpos: Buf, recurring: Uint8Array): void {
  const base = offs[b0];
  for (let i = b0; i < b1;) {
    const j = chunkEnd(offs, i, b1);
    const docs = j - i, total = offs[j] - offs[i], g0 = offs[i] - base;
    // INPUT, in words: counts, tokens, 3-gram counts, keys and positions (at most total + docs each), flags
    const gW = docs + total, kW = gW + total, pW = kW + total + docs, rW = pW + total + docs;
    k.ensureInput(rW * 4 + docs);
    kernelTexts(k, pool, offs, i, j);
    const w0 = k.INPUT >>> 2;
    k.i32.set(gc.subarray(g0, g0 + total), w0 + gW);
    const nk = k.raw.minerPairs(k.INPUT, docs, k.INPUT + docs * 4, k.INPUT + gW * 4, theta, k.INPUT + kW * 4, k.INPUT + pW * 4, k.INPUT + rW * 4, g0 + i - b0);
    const u = k.u32;
    bk.room(nk).set(u.subarray(w0 + kW, w0 + kW + nk), bk.n); bk.n += nk;
    bpos.room(nk).set(u.subarray(w0 + pW, w0 + pW + nk), bpos.n); bpos.n += nk;
    const u8 = k.u8, r0 = k.INPUT + rW * 4;
    for (let d = 0; d < docs; d++) if (u8[r0 + d] !== 0) recurring[i + d] = 1;
    i = j;
  }
}

/** `blockSupports`'s specificity step in the kernel (`minerSpecific`, assembly/miner.ts). */
function kernelSpecific(k: Kernel, pool: Uint32Array, offs: Int32Array, b0: number, b1: number, gc: Int32Array, bv: Int32Array, theta: number): void {
  const base = offs[b0];
  for (let i = b0; i < b1;) {
    const j = chunkEnd(offs, i, b1);
    const docs = j - i, total = offs[j] - offs[i], g0 = offs[i] - base, q0 = g0 + i - b0;
    // INPUT, in words: counts, tokens, 3-gram counts, 2-gram counts (total + docs)
    const gW = docs + total, vW = gW + total;
    k.ensureInput((vW + total + docs) * 4);
    kernelTexts(k, pool, offs, i, j);
    const w0 = k.INPUT >>> 2, s = k.i32;
    s.set(gc.subarray(g0, g0 + total), w0 + gW);
    s.set(bv.subarray(q0, q0 + total + docs), w0 + vW);
    k.raw.minerSpecific(k.INPUT, docs, k.INPUT + docs * 4, k.INPUT + gW * 4, k.INPUT + vW * 4, theta, SPECIFIC, DETERMINED, SPECIFIC_SHARED, WILD);
    gc.set(s.subarray(w0 + gW, w0 + gW + total), g0);
    i = j;
  }
}

/** Scratch arrays of `blockSupports` (one per thread). */
export class SupportScratch {
  readonly part: Partition;
  constructor(sk?: SortKernel) { this.part = new Partition(sk); }
  readonly bk = new Buf();
  readonly bpos = new Buf();
  gc = new Int32Array(1 << 16);
  bc = new Int32Array(1 << 16);
  bv = new Int32Array(1 << 16);
  big = new Uint32Array(258);
  grams = new Uint32Array(1 << 16);
}

/**
 * Batch pass 2, the part that reads only the final tables: the support of every 3-gram of the
 * texts [b0, b1) of the token pool (its document frequency; 0 below theta or when it is not
 * specific, as in `Engine.skeleton`) into `out[p - offs[b0]]` for token position p, and
 * `recurring[i] = 1` for a text at least half of whose 3-grams recur. The 3-gram counts of the
 * block (`blockGrams`), then the 2-gram counts of the recurring
 * ones (each 2-gram position once), are looked up in top-bits order. Blocks are independent, so
 * another thread can compute some of them (see `MinerHelper`). Returns the array written: `out`,
 * or the scratch's own when `out` is null.
 */
export function blockSupports(df: U32Map, bf: U32Map, theta: number, pool: Uint32Array, offs: Int32Array,
  b0: number, b1: number, out: Int32Array | null, recurring: Uint8Array, s: SupportScratch, k: Kernel | null = loadedKernel()): Int32Array {
  const base = offs[b0], total = offs[b1] - base;
  const { bk, bpos, part } = s;
  if (s.grams.length < total) s.grams = new Uint32Array(Math.max(total, s.grams.length * 2));
  const g = s.grams; // the block's 3-grams
  blockGrams(pool, offs, b0, b1, g);
  if (out === null) {
    if (s.gc.length < total) s.gc = new Int32Array(Math.max(total, s.gc.length * 2));
    out = s.gc;
  }
  const gc = out;
  lookupBlock(df, g, total, gc, part);
  // 2-gram keys only where a 3-gram recurs, each 2-gram position once (a run of recurring 3-grams
  // shares its inner 2-grams: 3-gram j is 2-grams j and j + 1); 2-gram j of text i is at
  // offs[i] - base + (i - b0) + j in `bv`
  bk.n = 0; bpos.n = 0;
  if (k !== null) kernelPairs(k, pool, offs, b0, b1, gc, theta, bk, bpos, recurring);
  else for (let i = b0; i < b1; i++) {
    const a = offs[i], n = offs[i + 1] - a, g0 = a - base;
    let rec = 0;
    for (let j = 0; j < n; j++) if (gc[g0 + j] >= theta) rec++;
    if (rec === 0) continue;
    if (rec * 2 >= n) recurring[i] = 1;
    if (s.big.length < n + 2) s.big = new Uint32Array(2 * (n + 2));
    const big = s.big;
    bigramsOf(pool, a, n, big);
    const kb = bk.room(n + 1), pb = bpos.room(n + 1), q0 = g0 + i - b0;
    let prev = false; // 3-gram j - 1 recurs
    for (let j = 0; j <= n; j++) {
      const cur = j < n && gc[g0 + j] >= theta;
      if (cur || prev) { kb[bk.n++] = big[j]; pb[bpos.n++] = q0 + j; }
      prev = cur;
    }
  }
  if (s.bc.length < bk.n) s.bc = new Int32Array(Math.max(bk.n, s.bc.length * 2));
  const bc = s.bc;
  lookupBlock(bf, bk.a, bk.n, bc, part);
  const slots = total + (b1 - b0);
  if (s.bv.length < slots) s.bv = new Int32Array(Math.max(slots, s.bv.length * 2));
  const bv = s.bv;
  for (let q = 0; q < bk.n; q++) bv[bpos.a[q]] = bc[q];
  // a 3-gram that recurs keeps its count only if it also is the usual continuation of its 2-grams
  if (k !== null) { kernelSpecific(k, pool, offs, b0, b1, gc, bv, theta); return gc; }
  for (let i = b0; i < b1; i++) {
    const a = offs[i], n = offs[i + 1] - a, g0 = a - base, q0 = g0 + i - b0;
    for (let j = 0; j < n; j++) {
      const c = gc[g0 + j];
      if (c >= theta && !specific(c, bv[q0 + j], bv[q0 + j + 1], plainAt(pool, j, n, a))) gc[g0 + j] = 0;
    }
  }
  for (let p = 0; p < total; p++) if (gc[p] < theta) gc[p] = 0;
  return gc;
}

/**
 * Another thread doing part of the batch miner's passes 1 and 2 (Node.js: `clusterParallel` in
 * `neardup/node`). The answers are those of one thread: each table is counted by one thread, block
 * after block, with its own seen-once filter; supports are computed by `blockSupports` whoever
 * computes them.
 */
export interface MinerHelper {
  /** An array (zeroed) that the helper thread can read and write. */
  shared32(n: number): Uint32Array;
  sharedI32(n: number): Int32Array;
  shared8(n: number): Uint8Array;
  /**
   * Pass 1 begins: the helper tokenizes the blocks it `tokenizes` (of `block` texts) and counts
   * every block's 3-grams past a seen-once filter of `seenBits` bits, once the block is `pooled`.
   */
  begin(texts: readonly string[], block: number, seenBits: number): void;
  tokenizes(k: number): boolean;
  /** Token hashes of block k (one it tokenizes) and the token count of each of its texts. */
  tokens(k: number): { toks: Uint32Array; counts: Int32Array };
  /** Block k's tokens are in the pool (`offs` set for its texts). */
  pooled(k: number, pool: Uint32Array, offs: Int32Array): void;
  /** End of pass 1, once every block is counted: the 3-gram table (stride 2). */
  grams(): { t: Uint32Array; size: number };
  /** Pass 2 begins: the helper computes the supports of blocks ahead of the caller, in order. */
  supportsFrom(pool: Uint32Array, offs: Int32Array, recurring: Uint8Array, n: number, block: number, theta: number, maxTotal: number, bf: U32Map): void;
  /**
   * Block k's supports: the helper's, or computed on this thread by `compute(k, out)` into the
   * array it is given. While it waits, the caller may compute a later block c with `compute(c, out)`.
   */
  supports(k: number, compute: (c: number, out: Int32Array) => void): Int32Array;
  /** Block k's supports are used: its array may be reused. */
  release(k: number): void;
}

/**
 * A recurring 3-gram is template wording only when it is at least this often the continuation of
 * each of its 2-grams (the n-gram dictionaries of Logram, Dai et al. TSE 2020, section 3.2, check a 3-gram against
 * its 2-grams the same way): fixed wording continues the same way every time, common words do not.
 */
const SPECIFIC = 0.5;
/**
 * A 3-gram that one of its 2-grams (nearly) always continues into is also specific when it is a
 * common continuation of the other one: fixed wording next to a phrase that other templates or
 * the language share ("^ given the", "the following passage": "the following" goes on in many
 * ways, "following passage" and "^ given" do not).
 */
const DETERMINED = 0.9;
const SPECIFIC_SHARED = 0.3;
/**
 * The streaming miner applies the shared-phrase form to 3-grams counted this often or more (the
 * early-stream counts that made an organic opener a campaign are smaller). Without it, a template
 * whose verb is shared with other frames ("task: summarize the document. document: <*>", where
 * "summarize the" also opens "please summarize the text below") lost its verb's 3-grams and its
 * prompts stayed singletons: bench/template-quality.mjs --stream kept 97.7 % of evasions in their
 * campaign's cluster; with this at 8, 16 or 32: 100 % (family F1 0.9909, 0.9896, 0.9882).
 */
const STREAM_SHARED_MIN = 16;
/**
 * In a stream, a closing field label alone ("<*> tl;dr:") is a text's skeleton once this many
 * texts end in it (see `skeletonOf`): the label of a template, not one text's last line.
 */
const STREAM_LABEL_MIN = 16;
/**
 * The specificity test of a 3-gram with document frequency c and 2-gram frequencies l and r; the
 * shared-phrase form only for 3-grams of plain words (`plain`): next to a masked value, a word
 * that takes two or three values ("<*> kb," / "<*> b,") is a slot. The streaming miner uses the
 * strict form below STREAM_SHARED_MIN: early in a stream the counts are small, and an opener of organic prompts
 * ("hi, can you help me <*>") passed the shared-phrase form there and became a campaign (found by
 * the organic-prompt test of test/template.test.ts).
 */
function specific(c: number, l: number, r: number, plain: boolean): boolean {
  const hi = l > r ? l : r, lo = l > r ? r : l;
  return c >= SPECIFIC * hi || (plain && c >= DETERMINED * lo && c >= SPECIFIC_SHARED * hi);
}
/** Whether 3-gram i of the n tokens at t[a..] has no masked token (the text's ends count as plain). */
function plainAt(t: Uint32Array, i: number, n: number, a = 0): boolean {
  return t[a + i] !== WILD && (i === 0 || t[a + i - 1] !== WILD) && (i === n - 1 || t[a + i + 1] !== WILD);
}
/** `splitFamilies`: 3-grams a batch of sorted document-frequency lookups takes. */
const DF_BATCH = 1 << 20;
/** Batch mode: texts per block of n-gram counting and lookups. */
const BLOCK = 32768;
/** Neighbouring tokens whose supports differ by more than this factor belong to different runs. */
const LEVEL = 2;
/** A text with at least this many plain words in its slots (or far below its wording) is a payload text. */
const SLOT_WORDS = 5;
/** Runs of at least this many tokens in a long text may be payloads. */
const PAYLOAD_MIN = 8;
/** Runs of a payload's level shorter than this do not add up to one (slot values of a few words: "my whole family"). */
const PIECE_MIN = 3;
/** A stretch of text this long, at one level, that meets its neighbours in few texts may be a passage (see `Engine.sharedPassages`). */
const PASSAGE_MIN = 16;
/** ... and is one when below this share of the support of the text's anchored wording (1: weaker than it). */
const PASSAGE_BELOW = 1;
/** Runs of a passage may have this many tokens between them (a number, a 3-gram of common words that is not specific). */
const BRIDGE_GAP = 2;
/** A stronger run of at most this many tokens inside a passage is a phrase of it (see `Engine.sharedPassages`). */
const PHRASE_MAX = 4;
/**
 * A skeleton with fewer than 3 static tokens that cover less than this share of the text is too
 * thin to group on ("quick question: <*>" over a sentence of its own): as Drain asks for a share
 * of matching tokens before it groups two log lines (He et al., ICWS 2017, section III-C).
 */
const THIN_COVER = 0.25;
/** Group ids are below this (the group count is read back as at most 2^28). */
const GROUP_SPAN = 2 ** 28;
/** Texts each value of a family place must carry (see `familyPlace`). */
const FAMILY_MIN = 5;
/** A family place's value has at most this many tokens ... */
const FAMILY_MAX_LEN = 4;
/** ... and the pattern keeps at least this many static tokens around it ("you are a <*>" does not). */
const FAMILY_MIN_REST = 6;
/** The slot rule yields when a filling has more than this many times the slot version's texts. */
const SLOT_DOMINANCE = 4;
/**
 * In batch mining, a run floating in a long text (not at its start or end) holds a template on
 * its own, once another segment is made a slot, only with this many tokens; a run of 4-5 words
 * there is a phrase of the language or of a passage ("the call to `.command()`"), and several
 * templates became values of "<*> <phrase> <*>" (see `forEachGeneralisation`).
 */
const FLOAT_HOLD = 6;
/** Static tokens a segment generalisation must leave in place. */
const MIN_CONTEXT = 3;
/** A segment is generalised only when no other segment of its skeleton is this many times weaker. */
const CONTEXT_LEVEL = 1;

/**
 * Pattern entries: one per skeleton seen and per generalised pattern (a skeleton with one place
 * made a slot). An entry holds the group of the texts whose skeleton is exactly the pattern, and
 * the distinct values (with their groups) seen in its open place, up to `variability`.
 */
class Engine {
  readonly o: Resolved;
  readonly df: U32Map; // 3-gram document frequencies
  bf: U32Map; // 2-gram document frequencies
  plus = 0;
  touched = 0;
  readonly streaming: boolean;
  private readonly stamps = new StampSet();
  readonly sc = new Scratch();
  /** `sharedPassages`: the bridge between each run and the next, once read (-1 before). */
  private bridges = new Int32Array(64);
  // pattern entries
  // (pattern key -> entry; the key is a 32-bit hash, and two patterns whose keys collide are told
  // apart by eCheck, a second hash: about 6 pairs of 32-bit keys collide among the 1M bench's
  // patterns, which would each join two unrelated skeletons. Entries with one key sit in the same
  // probe run, as linear probing allows.)
  private readonly pat = new U32Map(12);
  private eCheck = new Uint32Array(1024); // the pattern's second hash (see `hashCheck`)
  private eGroup = new Int32Array(1024); // exact group, -1
  private eMerged = new Uint8Array(1024); // 1 when the open place is already a slot
  private eNv = new Int32Array(1024);
  private eVals: Uint32Array;
  private eValGroups: Int32Array;
  private eRefs = new Int32Array(1024); // registrations (exact + generalisations + alias) for cleanup
  private eAlias = new Uint8Array(1024); // eGroup was set by a merge, not by an exact skeleton
  private eExact = new Int32Array(1024); // items whose skeleton is exactly this pattern
  private eReg = new Int32Array(1024); // distinct skeletons generalising to this pattern
  private eLong = new Uint8Array(1024); // some value is a long payload segment
  private eVariant = new Uint8Array(1024); // batch mode: a long text registered here with a short value and wording around it (see `familyPlace`)
  /** Batch mode: merges are decided by settle() once every skeleton is known. */
  deferred = false;
  private eFree: number[] = [];
  private eCount = 0;
  // groups: union-find with a circular member list per set
  parent = new Int32Array(1024);
  gSize = new Int32Array(1024); // live items (at the root: of the whole set)
  gNext = new Int32Array(1024);
  gEntry = new Int32Array(1024); // exact pattern entry of the group
  gKey = new Uint32Array(1024); // its key
  gSkel: (Uint32Array | null)[] = [];
  /** Streaming: the segment supports of each skeleton when it was registered (see `forEachGeneralisation`). */
  gStr: (Int32Array | null)[] = [];
  /** Streaming: segments of the skeleton the hold rule kept static, that may be generalised later (see `reconsider`). */
  gHeld = new Int32Array(1024);
  /** Streaming: segments generalised later than their skeleton was registered (see `reconsider`). */
  gLate = new Int32Array(1024);
  gRep: (string | number)[] = []; // a representative text (streaming) or text index (batch)
  private gFree: number[] = [];
  gCount = 0;
  private tmplCache = new Map<number, string>();
  onMerge: ((from: number, into: number) => void) | undefined;

  constructor(o: Resolved, streaming: boolean) {
    this.o = o;
    this.streaming = streaming;
    this.df = new U32Map(16, streaming ? 4 : 2);
    this.bf = new U32Map(16, 2);
    this.eVals = new Uint32Array(1024 * o.variability);
    this.eValGroups = new Int32Array(1024 * o.variability);
  }

  // -------------------------------------------------------------------------- n-gram counts

  /** Adds (delta = 1) or removes (-1) the grams of the tokenized text; returns witnesses to revisit. */
  count(delta: number, item: number, revisit: number[] | null): void {
    const sc = this.sc;
    bigrams(sc);
    this.countKeys(this.bf, sc.bigrams, sc.n + 1, delta, item, null);
    grams(sc);
    this.countKeys(this.df, sc.grams, sc.n, delta, item, revisit);
  }

  /** Whether 3-gram i of the text in the scratch, with document frequency c, is specific. */
  private specificAt(c: number, i: number): boolean {
    const bg = this.sc.bigrams;
    const l = this.freq(this.bf, bg[i]), r = this.freq(this.bf, bg[i + 1]);
    return specific(c, l, r, !this.streaming && plainAt(this.sc.toks, i, this.sc.n));
  }

  /** Document frequencies: each distinct key of one text counted once (with witnesses in streaming mode). */
  private countKeys(m: U32Map, keys: Uint32Array, n: number, delta: number, item: number, revisit: number[] | null): void {
    const u = this.sc.uniq, up = this.sc.upos, stamps = this.stamps, theta = this.o.minSupport;
    stamps.begin(n);
    let nu = 0;
    for (let i = 0; i < n; i++) if (stamps.add(keys[i])) { up[nu] = i; u[nu++] = keys[i]; }
    let touch = 0;
    const t0 = m.t;
    for (let j = 0; j < nu; j++) touch ^= t0[m.home(u[j])];
    this.touched ^= touch;
    if (delta > 0) {
      for (let j = 0; j < nu; j++) {
        const p = m.slot(u[j]), t = m.t;
        const c = ++t[p + 1];
        if (m.stride === 4) {
          if (c < theta) {
            if (t[p + 2] === NONE) t[p + 2] = item; else t[p + 3] = item;
          } else if (c === theta && revisit) {
            // the witnesses can only gain wording from this 3-gram if it is specific (see
            // `skeleton`); a chance repeat of common words ("of the and") is not, so the earlier
            // texts are not looked at again (the revisits were most of the streaming cost)
            if (this.specificAt(c, up[j])) {
              if (t[p + 2] !== NONE) revisit.push(t[p + 2] | 0);
              if (t[p + 3] !== NONE) revisit.push(t[p + 3] | 0);
            }
            t[p + 2] = NONE; t[p + 3] = NONE;
          }
        }
      }
    } else {
      for (let j = 0; j < nu; j++) {
        const p = m.find(u[j]);
        if (p < 0) continue;
        const t = m.t;
        if (--t[p + 1] === 0) m.deleteAt(p);
        else if (m.stride === 4) {
          if ((t[p + 2] | 0) === item) t[p + 2] = NONE;
          if ((t[p + 3] | 0) === item) t[p + 3] = NONE;
        }
      }
    }
  }

  /** Document frequency of a key (batch mode: the table holds occurrences after the first). */
  freq(m: U32Map, k: number): number {
    const c = m.get(k, 0);
    return c === 0 ? 0 : c + this.plus;
  }

  // ------------------------------------------------------------------------------ skeletons

  /**
   * Builds the skeleton of the tokenized text in `sc.elems` (static tokens, SLOT, SEAM) and its
   * segments; returns the skeleton hash.
   */
  skeleton(): number {
    const sc = this.sc, n = sc.n, g = sc.grams, df = this.df;
    const theta = this.o.minSupport, bf = this.bf, bg = sc.bigrams;
    grams(sc);
    bigrams(sc);
    // support of each gram (0 below theta or when not specific), coverage of each token = best
    // gram covering it. Specific: the gram is the usual continuation of both its 2-grams (document
    // frequency c(abc) >= SPECIFIC * max(c(ab), c(bc))), as fixed wording is; words that recur only
    // because they are common (a chance "of the and"), and the first value of a slot after fixed
    // wording ("the question <value>"), are not.
    let touch = 0;
    const dt = df.t;
    for (let i = 0; i < n; i++) touch ^= dt[df.home(g[i])]; // overlap the cache misses
    this.touched ^= touch;
    for (let i = 0; i < n; i++) g[i] = this.freq(df, g[i]); // reuse: g now holds counts
    const bt = bf.t;
    for (let i = 0; i < n; i++) if (g[i] >= theta) touch ^= bt[bf.home(bg[i])] ^ bt[bf.home(bg[i + 1])];
    this.touched ^= touch;
    for (let i = 0; i < n; i++) {
      const c = g[i];
      let ok = c >= theta;
      if (ok) {
        const l = this.freq(bf, bg[i]), r = this.freq(bf, bg[i + 1]);
        ok = specific(c, l, r, (!this.streaming || c >= STREAM_SHARED_MIN) && plainAt(sc.toks, i, n));
      }
      g[i] = ok ? c : 0; // g now holds supports
    }
    return this.skeletonOf();
  }

  /**
   * How many texts hold the scratch text's tokens around x-1 .. y as they are here: the fewest
   * texts of the 3-grams centred on tokens x-1 .. y (raw counts, specific or not). With y = x:
   * how many texts have tokens x-1 and x side by side, with a neighbour on either side; with
   * y = x-1, the one 3-gram centred on token x-1.
   */
  private span(x: number, y: number): number {
    const t = this.sc.toks, n = this.sc.n;
    let c = 0x7fffffff;
    for (let i = x - 1; i <= y && c > 0; i++) {
      const f = this.freq(this.df, mix3(i > 0 ? t[i - 1] : BOS, t[i], i + 1 < n ? t[i + 1] : EOS) || 1);
      if (f < c) c = f;
    }
    return c;
  }

  /** `sharedPassages`: whether run j is at level s (within LEVEL) and not yet a payload. */
  private nearLevel(j: number, s: number): boolean {
    const v = this.sc.strength[j];
    return v > 0 && v * LEVEL >= s && s * LEVEL >= v;
  }

  /** `sharedPassages`: whether run j is a phrase of the language a chain at level s may hold. */
  private phraseIn(j: number, s: number): boolean {
    return this.sc.strength[j] > s && this.sc.segEnd[j] - this.sc.segStart[j] <= PHRASE_MAX;
  }

  /**
   * `sharedPassages`: whether runs j and j+1 meet in the texts of a chain at level s: at most
   * BRIDGE_GAP tokens between them, and the tokens across held as often as half the chain (the
   * counts are read once into br); with br null, whether the gap allows it at all.
   */
  private meets(j: number, s: number, br: Int32Array | null): boolean {
    const a = this.sc.segEnd[j], b = this.sc.segStart[j + 1];
    if (b - a > BRIDGE_GAP) return false;
    if (br === null) return true;
    if (br[j] < 0) br[j] = this.span(a, b);
    return br[j] * 2 >= s;
  }

  /** `sharedPassages`: the last run of the chain at level s that grows right from run k. */
  private chainEnd(k: number, s: number, nseg: number, br: Int32Array | null): number {
    for (;;) {
      if (k + 1 < nseg && this.nearLevel(k + 1, s) && this.meets(k, s, br)) { k++; continue; }
      if (k + 2 < nseg && this.phraseIn(k + 1, s) && this.nearLevel(k + 2, s) && this.meets(k, s, br) && this.meets(k + 1, s, br)) { k += 2; continue; }
      return k;
    }
  }

  /** `sharedPassages`: the first run of the chain at level s that grows left from run k. */
  private chainStart(k: number, s: number, br: Int32Array | null): number {
    for (;;) {
      if (k > 0 && this.nearLevel(k - 1, s) && this.meets(k - 1, s, br)) { k--; continue; }
      if (k > 1 && this.phraseIn(k - 1, s) && this.nearLevel(k - 2, s) && this.meets(k - 1, s, br) && this.meets(k - 2, s, br)) { k -= 2; continue; }
      return k;
    }
  }

  /**
   * Passages reused about as often as their templates: marks them as payload (negative strength);
   * returns whether it found one.
   *
   * A passage sent under many templates recurs as a long stretch of text. When the pool of
   * passages is small it recurs about as often as each template (within 2x), so the payload rule
   * of `skeletonOf` (a run at most half as strong as the text's strongest wording) kept it as
   * wording. Every (template, passage) pair was then a group of its own, and the joins of step 5
   * grouped them by passage (prose bench, 30 passages: F1 0.36). And a phrase of the language
   * inside the passage, far more common than both, stood as the text's strongest wording.
   *
   * What tells a passage from a template is how it meets its neighbours. Every text that holds
   * the passage holds it whole, with its inner phrases, while the tokens across its edges recur
   * only in the few texts that hold both this passage and this template, or a slot lies there.
   * A chain of runs is:
   * - grown from a run of PIECE_MIN tokens or more below the text's anchored wording;
   * - over runs at its level (within LEVEL), and over a stronger phrase of PHRASE_MAX tokens or
   *   fewer between two such runs;
   * - across junctions (BRIDGE_GAP tokens or fewer between the runs) whose tokens recur in at
   *   least half as many texts as the chain: a 3-gram of common words that is not specific, a
   *   number.
   * It is a passage when it has PASSAGE_MIN tokens or more, at least half of them plain words;
   * when its neighbouring runs do not meet it so (a long instruction after a common opener, "you
   * are a helpful assistant. summarize ...", meets the opener in all its texts and stays); and
   * when it is weaker than the strongest run anchored at the text's start or end outside it (a
   * template's opening or closing words), or than the text's field labels (see `fieldFlags`)
   * for a chain that the closing label closes in few of its texts ("{passage}\n\ntl;dr:").
   * (Brain's frequency levels, Yu et al., IEEE TSC 2023; Drain's variable columns, He et al.,
   * ICWS 2017: a place whose neighbours vary is a variable.)
   */
  private sharedPassages(nseg: number): boolean {
    const sc = this.sc, t = sc.toks, n = sc.n, segA = sc.segStart, segB = sc.segEnd, strength = sc.strength;
    let anchorA = -1, anchorB = -1;
    for (let k = 0; k < nseg; k++) {
      if (segA[k] === 0) anchorA = k;
      if (segB[k] === n) anchorB = k;
    }
    // (a prompt that ends in a field label on a line of its own has its labels as anchored
    // wording: "instruction: <*> input: <*> output:", "<*> tl;dr:"; see `fieldFlags` and `closes`)
    const labels = (sc.field & FIELD_LAST) !== 0 ? this.fieldLevel() : 0;
    const opening = !this.streaming || (sc.field & FIELD_FIRST) !== 0;
    const top = Math.max(labels, anchorA >= 0 ? strength[anchorA] : 0, anchorB >= 0 ? strength[anchorB] : 0);
    // (in batch, a run of fewer than 2 * minSupport texts is too rare to read its junctions on: a
    // passage sent twice under one template meets the template's wording in both of its texts,
    // and "given the following passage <*> answer the question <*>" lost its middle words as a
    // phrase inside the passage; the payload rule of `skeletonOf` takes such runs. A stream reads
    // every template's first prompts at such counts, and keeps minSupport)
    const theta = this.o.minSupport, rare = this.streaming ? theta : 2 * theta;
    if (top <= rare) return false;
    if (this.bridges.length < nseg) this.bridges = new Int32Array(2 * nseg);
    const br = this.bridges.fill(-1, 0, nseg);
    let marked = false;
    for (let k = 0; k < nseg; k++) {
      const s = strength[k];
      if (s < rare || s >= top * PASSAGE_BELOW || segB[k] - segA[k] < PIECE_MIN) continue;
      // (first the chain its levels alone allow, which reads no counts: most runs fall short)
      if (segB[this.chainEnd(k, s, nseg, null)] - segA[this.chainStart(k, s, null)] < PASSAGE_MIN) continue;
      const kb = this.chainEnd(k, s, nseg, br), ka = this.chainStart(k, s, br);
      k = kb;
      const a = segA[ka], b = segB[kb];
      if (b - a < PASSAGE_MIN) continue;
      // (the labels count for a chain that the closing label closes, in few of its texts:
      // "{passage}\n\ntl;dr:"; not for wording that the label follows in all of its texts,
      // "<instruction>\nanswer:", nor for wording elsewhere: many templates may end in the same
      // label, "<instruction>\ntext: <*>\nanswer:", and the field rules of `skeletonOf` take those)
      // (in a stream, with a closing label alone, only for a chain that is the whole text up to
      // the label: "{passage}\n\ntl;dr:"; the first prompts of "<instruction>\ntext: <*>\nanswer:"
      // come before their instruction recurs, and would take "<*> answer:" for their skeleton)
      const closes = labels > 0 && b === n - 1 && (opening || a === 0) && this.span(b, b - 1) * 2 < s;
      let anchor = closes ? labels : 0;
      if (anchorA >= 0 && (anchorA < ka || anchorA > kb) && strength[anchorA] > anchor) anchor = strength[anchorA];
      if (anchorB >= 0 && (anchorB < ka || anchorB > kb) && strength[anchorB] > anchor) anchor = strength[anchorB];
      if (s >= anchor * PASSAGE_BELOW) continue;
      let plain = 0;
      for (let j = a; j < b; j++) if (isPlain(t[j])) plain++;
      // (a neighbouring run that meets it in its texts makes it part of something larger)
      if (plain * 2 < b - a || ka > 0 && this.meets(ka - 1, s, br) || kb < nseg - 1 && this.meets(kb, s, br)) continue;
      for (let j = ka; j <= kb; j++) if (strength[j] > 0) strength[j] = -strength[j];
      marked = true;
      if (closes && a === 0 && anchor === labels) sc.wholeField = true;
    }
    return marked;
  }

  /** Field labels: whether every run of the scratch text is far below the labels' level lv (see `skeletonOf`). */
  private belowLabels(nseg: number, lv: number): boolean {
    const sc = this.sc, segA = sc.segStart, segB = sc.segEnd, strength = sc.strength;
    for (let k = 0; k < nseg; k++) {
      const sk = strength[k];
      if (!(sk < lv * this.o.relativeSupport || (segB[k] - segA[k] >= PAYLOAD_MIN && sk * 2 <= lv))) return false;
    }
    return true;
  }

  /**
   * Field labels: whether the runs of the scratch text are one stretch of text at one level that
   * reaches its end (within PIECE_MIN tokens), with no gap that could hold a payload slot (a short
   * run from token `from` on is a phrase of the language and has no level of its own: 1 after a
   * text's start, 0 after an opening label).
   */
  private oneStretch(nseg: number, from: number): boolean {
    const sc = this.sc, segA = sc.segStart, segB = sc.segEnd, strength = sc.strength;
    let lo = Infinity, hi = 0, end = -1;
    for (let k = 0; k < nseg; k++) {
      if (end >= 0 && segA[k] - end >= PAYLOAD_MIN) return false;
      end = segB[k];
      if (segA[k] >= from && segB[k] - segA[k] < PAYLOAD_MIN) continue;
      if (strength[k] < lo) lo = strength[k];
      if (strength[k] > hi) hi = strength[k];
    }
    return end >= 0 && end + PIECE_MIN >= sc.n && hi <= lo * LEVEL;
  }

  /**
   * The support of the scratch text's field labels (see `fieldFlags`): how many texts end with its
   * last token, and, when it opens with a label, the fewer that open with its first.
   */
  private fieldLevel(): number {
    const sc = this.sc, t = sc.toks, n = sc.n;
    let c = this.freq(this.bf, mix2(t[n - 1], EOS) || 1);
    if ((sc.field & FIELD_FIRST) !== 0) c = Math.min(c, this.openingLevel());
    return c;
  }

  /** How many texts open with the scratch text's first token (the support of an opening label). */
  private openingLevel(): number {
    return this.freq(this.bf, mix2(BOS, this.sc.toks[0]) || 1);
  }

  /** Texts whose skeleton is exactly group g's (its own, before any merge), or 0 for a group without one. */
  skeletonTexts(g: number): number {
    return this.gEntry[g] >= 0 ? this.eExact[this.gEntry[g]] : 0;
  }

  /** Streaming: whether group g's skeleton is field labels (a group of a skeleton that keeps no copy of it). */
  fieldGroup(g: number): boolean {
    return this.gEntry[g] >= 0 && (this.gSkel[g] === null || this.gSkel[g] === undefined);
  }

  /** The skeleton from the supports in `sc.grams` (see `skeleton`). */
  skeletonOf(): number {
    const sc = this.sc, n = sc.n, t = sc.toks, g = sc.grams, cov = sc.cov;
    const theta = this.o.minSupport;
    let best = 0;
    for (let i = 0; i < n; i++) {
      let c = g[i];
      if (i > 0 && g[i - 1] > c) c = g[i - 1];
      if (i + 1 < n && g[i + 1] > c) c = g[i + 1];
      cov[i] = t[i] === WILD ? 0 : c;
    }
    // segments: maximal runs of covered tokens where each neighbour pair shares a recurring gram
    // (gram i and gram i+1 both contain tokens i and i+1); strength = min coverage in the run.
    const elems = sc.elems, et = sc.elemTok;
    let ne = 0, nseg = 0;
    // first pass: find segments and their strengths to get the best level
    let i = 0;
    const segA = sc.segStart, segB = sc.segEnd;
    const strength = sc.strength;
    while (i < n) {
      if (cov[i] === 0) { i++; continue; }
      const a = i;
      let s = cov[i];
      while (i + 1 < n && cov[i + 1] > 0 && (g[i] > 0 || g[i + 1] > 0) &&
        cov[i + 1] * LEVEL >= cov[i] && cov[i] * LEVEL >= cov[i + 1]) { i++; if (cov[i] < s) s = cov[i]; }
      segA[nseg] = a; segB[nseg] = i + 1; strength[nseg] = s; nseg++;
      if (s > best) best = s;
      i++;
    }
    // Field labels (see `fieldFlags`). A text that opens and closes with labels is its labels
    // when nothing else in it is wording (below), or when every run is far below the labels'
    // own level, as step 3 and the payload rule below measure it with the labels as the text's
    // strongest wording: a passage reused under other templates. With a closing label alone
    // ("<*> tl;dr:", "<*> answer:") the text must be one stretch of text and the label: its runs
    // one level (a short run inside is a phrase of the language, whatever its level), up to the
    // label, with no gap that could hold a payload slot; or no run that steps 3 and 4 keep; and
    // only in batch. Otherwise "<*> answer:" would group every template that ends so
    // ("<wording> text: <*> answer:"), whose wording breaks the stretch with a slot or stands at
    // a level of its own under the final counts; early in a stream, its wording does not recur
    // yet, or recurs as often as a passage does (a streaming miner grouped three such templates
    // as one).
    let fieldWins = false, fieldEmpty = false, labelLevel = 0;
    // (a label that a run of the text's strongest wording covers is not alone between slots: the
    // text's own skeleton holds it, "text: <*> <instruction> answer:", and that skeleton is the
    // template; several such templates share their labels, so the labels' level is above each.
    // In batch, a label covered by fewer than 2 * minSupport texts is alone still: a passage
    // that came twice under the format covers it so, and a template of so few texts is no
    // evidence; a stream's first texts of every template are that few, so there only a label
    // that copies of the text alone cover is)
    const few = this.streaming ? sc.copies + 1 : 2 * theta;
    const alone = (cov[n - 1] < few || cov[n - 1] * 2 <= best) && ((sc.field & FIELD_FIRST) === 0 || cov[0] < few || cov[0] * 2 <= best);
    if ((sc.field & FIELD_LAST) !== 0 && n >= 2 + (sc.field & FIELD_FIRST) && alone) {
      const lv = this.fieldLevel();
      labelLevel = lv;
      fieldWins = lv >= theta && this.belowLabels(nseg, lv);
      if ((sc.field & FIELD_FIRST) !== 0) fieldEmpty = true;
      else if (this.streaming) {
        // (in a stream, a closing label alone is the skeleton of a text with no wording at all, or
        // only phrases of the language (below), once the label closes STREAM_LABEL_MIN texts: a
        // passage of its own and "tl;dr:". A template's first prompt, whose instruction has not
        // recurred yet, "<instruction>\ntext: <*>\nanswer:", joins "<*> answer:" too; its next
        // prompts find the instruction)
        fieldWins = false;
        fieldEmpty = lv >= STREAM_LABEL_MIN;
      }
      else {
        fieldEmpty = true;
        fieldWins &&= this.oneStretch(nseg, 1);
      }
    } else if ((sc.field & FIELD_OPEN) !== 0 && n >= 2 && (cov[0] < few || cov[0] * 2 <= best)) {
      // an opening label alone (FIELD_OPEN): the skeleton of a text with no wording after it, or
      // only phrases of the language, "summarize: <*>"
      const lv = this.openingLevel();
      labelLevel = lv;
      fieldEmpty = lv >= (this.streaming ? STREAM_LABEL_MIN : Math.max(theta, OPEN_LABEL_MIN));
      // (in batch, as for a closing label: also a text that is one stretch of text at one level
      // after the label, far below it, a passage other templates send too)
      fieldWins = fieldEmpty && !this.streaming && nseg > 0 && segA[0] <= 1 + PIECE_MIN && this.belowLabels(nseg, lv) && this.oneStretch(nseg, 0);
    }
    // Long texts and texts with a sentence or more of free text in their slots (the payload
    // regime): a long run well below the text's strongest wording is a reused payload, and short
    // runs far below it are chance repeats inside slots; both are slots. Short texts with little
    // free text (log lines, whose variables are numbers, ids and single words) keep every
    // recurring run.
    let slotWords = 0;
    const weak = best * this.o.relativeSupport;
    for (let k = 0; k < n; k++) if (cov[k] < weak && isPlain(t[k])) slotWords++;
    let long = n > this.o.maxColumns || slotWords >= SLOT_WORDS;
    sc.wholeField = false;
    // (a text that holds a passage is in the payload regime, however short)
    if (nseg > 0 && this.sharedPassages(nseg)) {
      long = true;
      best = 0;
      for (let k = 0; k < nseg; k++) if (strength[k] > best) best = strength[k];
    }
    sc.payload = long;
    const floor = long ? Math.max(theta, best * this.o.relativeSupport) : theta;
    let reused = false;
    // A long run that continues kept wording with no gap, at or above the floor, is spared when
    // without it the text would have too little wording: "you are a senior software engineer.
    // review this code description and point out possible bugs: <*>" next to "you are a helpful
    // assistant. summarize ...", whose shared opener is 2-3x as common as either instruction (all
    // such prompts were singletons). A payload follows wording across a slot's first values, or
    // is far below the floor.
    // (runs the payload rule drops are marked by a negative strength until zeroed below)
    let spare = false;
    if (long) {
      let keptN = 0, keptStatics = 0, first = -1, last = -1, bestLen = 0;
      for (let k = 0; k < nseg; k++) if (strength[k] === best && segB[k] - segA[k] > bestLen) bestLen = segB[k] - segA[k];
      // (the level rule below measures against the text's strongest run only when that run is
      // wording of its own, minWording tokens or more, not a short opener many templates share:
      // "write a", in 558 prompts of the example file against the 120 of "seo article about <*> use
      // the exact phrase ...")
      const levels = bestLen >= this.o.minWording;
      for (let k = 0; k < nseg; k++) {
        const sk = strength[k];
        if (sk < 0) continue; // (a passage `sharedPassages` found)
        if (sk * 2 <= best && segB[k] - segA[k] >= PAYLOAD_MIN) { strength[k] = -sk; continue; }
        if (levels && sk * 2 <= best && segB[k] - segA[k] >= PIECE_MIN) {
          // a payload is a long stretch of text at one level of support: the runs at this run's
          // level (within LEVEL of it) count together, since a passage reused under several
          // templates breaks into runs wherever a 3-gram of common words is not specific, and
          // those pieces, each shorter than PAYLOAD_MIN, kept a passage's phrases as wording
          // where passages recur at a fifth of their templates' frequency or more (Brain's
          // frequency levels, Yu et al., IEEE TSC 2023: the words of one level belong together)
          let tot = 0;
          for (let j = 0; j < nseg && tot < PAYLOAD_MIN; j++) {
            const sj = strength[j] < 0 ? -strength[j] : strength[j];
            if (sj * 2 <= best && sj * LEVEL >= sk && sk * LEVEL >= sj && segB[j] - segA[j] >= PIECE_MIN) tot += segB[j] - segA[j];
          }
          if (tot >= PAYLOAD_MIN) { strength[k] = -sk; continue; }
        }
        if (strength[k] < floor) continue;
        keptN++; keptStatics += segB[k] - segA[k];
        if (first < 0) first = k;
        last = k;
      }
      const floatingIf = keptN === 1 && segA[first] > 0 && segB[last] < n && keptStatics < this.o.minWording;
      spare = keptN > 0 && (floatingIf || (n > 16 && keptStatics < this.o.minWording) || (keptStatics < 3 && keptStatics < n * THIN_COVER));
      for (let k = 0; k < nseg; k++) {
        if (strength[k] >= 0) continue;
        if (spare && -strength[k] >= floor && (k > 0 && strength[k - 1] >= floor && segA[k] === segB[k - 1] || k + 1 < nseg && strength[k + 1] >= floor && segB[k] === segA[k + 1])) {
          strength[k] = -strength[k];
          continue;
        }
        // (a passage of prose: a run long on its own, since pieces of common phrases at one level
        // also add up in free text, and mostly plain words, not the ids or paths of a log line)
        if (!reused && segB[k] - segA[k] >= PAYLOAD_MIN) { let w = 0; for (let j = segA[k]; j < segB[k]; j++) if (isPlain(t[j])) w++; reused = w * 4 >= (segB[k] - segA[k]) * 3; }
        strength[k] = 0;
      }
    }
    sc.reused = reused;
    // Streaming: a template whose variant wording opens the text ("task: summarize the document.
    // document: <payload>", one verb of many sharing the frame) has that wording far below the
    // frame's support, so the relative floor drops it and leaves a phrase floating in free text,
    // which groups nothing: every such prompt stayed a singleton. The batch miner splits such thin
    // groups into sibling templates afterwards (`splitFamilies`); the streaming miner keeps the
    // opening run instead, when it recurs (theta), is short (not a payload) and is what makes the
    // skeleton hold a template (`retry`).
    const retry = this.streaming && long && nseg > 0 && segA[0] === 0 && strength[0] >= theta && strength[0] < floor && segB[0] - segA[0] < PAYLOAD_MIN;
    if (retry) sc.saveSegments(nseg);
    let opening = false, kept = 0, statics = 0, thin = false;
    for (;;) {
      // second pass: emit elements
      ne = 0;
      let prevEnd = 0; // token index after the previous kept segment
      kept = 0;
      let lastWasSeg = false;
      for (let k = 0; k < nseg; k++) {
        if (strength[k] < floor && !(opening && k === 0)) continue;
        const a = segA[k], b = segB[k];
        if (a > prevEnd || (kept === 0 && a > 0)) {
          if (ne === 0 || elems[ne - 1] !== SLOT) { elems[ne] = SLOT; et[ne] = -1; ne++; }
        } else if (lastWasSeg) { elems[ne] = SEAM; et[ne] = -1; ne++; }
        // kept segment `kept` (<= k, so segA/segB[k] are read already) now holds element indexes
        segA[kept] = ne;
        for (let j = a; j < b; j++) { elems[ne] = t[j]; et[ne] = j; ne++; }
        segB[kept] = ne;
        strength[kept] = strength[k];
        prevEnd = b; kept++; lastWasSeg = true;
      }
      if (prevEnd < n || kept === 0) { if (n > 0 && (ne === 0 || elems[ne - 1] !== SLOT)) { elems[ne] = SLOT; et[ne] = -1; ne++; } }
      // too little wording for a template: a text of its own (organic prompts that merely start alike)
      statics = 0;
      for (let p = 0; p < ne; p++) if (elems[p] > SEAM) statics++;
      // ... nor, in the payload regime, is a short run of words with free text on both sides
      // ("<*> the number of <*>", "<*> event is emitted <*>"): a phrase of the language, not the
      // frame of a template
      const floating = long && kept === 1 && elems[0] === SLOT && elems[ne - 1] === SLOT && statics < this.o.minWording;
      // (and in the payload regime, fewer than 3 static tokens whatever share of the text they
      // cover: an opener before a short sentence of free text, "quick question: <*>")
      thin = kept > 0 && (floating || (n > 16 && statics < this.o.minWording) || (statics < 3 && (long || statics < n * THIN_COVER)));
      // (an instruction line that opens the text, "translate to german:\n<*>", is wording however
      // short: the skeleton is the line's opening words, which all its variants share)
      if (thin && this.streaming && kept === 1 && et[segA[0]] === 0 && et[segB[0] - 1] < (sc.field >>> LINE_SHIFT) && statics >= 2 && elems[ne - 1] === SLOT) thin = false;
      if (retry && !opening && (kept === 0 || thin)) { sc.restoreSegments(nseg); opening = true; continue; }
      break;
    }
    sc.thin = 0;
    sc.frame = 0;
    sc.fielded = false;
    // (a closing label alone also wins over wording that is only phrases of the language
    // floating in the free text before it, each shorter than minWording and at most half as common
    // as the label: "<passage> tl;dr:" whose passage holds "<*> you want to <*> an array of <*>")
    let phrases = fieldEmpty && (sc.field & FIELD_FIRST) === 0 && kept > 0;
    const open = (sc.field & FIELD_OPEN) !== 0;
    for (let k = 0; k < kept && phrases; k++) {
      const a = et[segA[k]], b = et[segB[k] - 1] + 1;
      // (in batch, wording of fewer than 2 * minSupport texts is no evidence of a template either,
      // as for the label above: a passage sent two or three times, "{P}\n\nquestion: {Q}\nanswer:")
      phrases = !this.streaming && strength[k] < few || a > (open ? 1 : 0) && b < (open ? n : n - 1) && b - a < this.o.minWording && strength[k] * 2 <= labelLevel;
    }
    if ((fieldWins || (fieldEmpty || sc.wholeField) && (kept === 0 || thin && (sc.field & FIELD_FIRST) !== 0) || phrases)) {
      // no wording to group on but the text's field labels, or only runs far below them: the
      // labels are its skeleton, "instruction: <*> output:", "<*> tl;dr:", under a hash of their
      // own, so that it meets no skeleton of wording nor any generalisation of one; it has none
      ne = 0; kept = 0;
      if ((sc.field & (FIELD_FIRST | FIELD_OPEN)) !== 0) { segA[0] = 0; elems[0] = t[0]; et[0] = 0; segB[0] = 1; strength[0] = theta; ne = 1; kept = 1; }
      elems[ne] = SLOT; et[ne] = -1; ne++;
      if (!open) { segA[kept] = ne; elems[ne] = t[n - 1]; et[ne] = n - 1; ne++; segB[kept] = ne; strength[kept] = theta; kept++; }
      sc.ne = ne;
      sc.nseg = kept;
      sc.fielded = true;
      const h = fmix(hashElems(elems, 0, ne, -1, -1) ^ FIELD_SALT);
      sc.check = hashCheck;
      return tok(h);
    }
    sc.ne = ne;
    sc.nseg = kept;
    if (kept === 0) return 0;
    if (thin) {
      if (statics >= THIN_MIN) {
        sc.thin = hashElems(elems, 0, ne, -1, -1) || 1;
        sc.check = hashCheck;
        // Streaming frames: a thin skeleton anchored at the text's start or end whose slot holds a
        // passage that recurs elsewhere ("translate into <*>" over passages other templates send)
        // is a frame around reused material, as the batch miner's frame rule has it (`frameRoots`).
        // The stream cannot wait for the frame's share of such texts, so only those texts group,
        // under a hash of their own that registers no generalisation (as field skeletons do), when
        // no template takes them (`thinJoin`, in `TemplateMiner.assignExact`); a thin text with
        // text of its own in the slot ("quick question: <*>") stays apart.
        if (this.streaming && reused && (elems[0] !== SLOT || elems[ne - 1] !== SLOT)) sc.frame = tok(fmix(sc.thin ^ FRAME_SALT));
      }
      return 0;
    }
    const h = hashElems(elems, 0, ne, -1, -1);
    sc.check = hashCheck;
    return h;
  }

  // ------------------------------------------------------------------------------ pattern entries

  private newEntry(key: number, check: number): number {
    let e = this.eFree.pop();
    if (e === undefined) {
      e = this.eCount++;
      if (e >= this.eGroup.length) {
        const c = this.eGroup.length * 2, V = this.o.variability;
        this.eGroup = grow32(this.eGroup, c); this.eMerged = grow8(this.eMerged, c); this.eNv = grow32(this.eNv, c);
        this.eRefs = grow32(this.eRefs, c); this.eAlias = grow8(this.eAlias, c);
        this.eExact = grow32(this.eExact, c); this.eReg = grow32(this.eReg, c); this.eLong = grow8(this.eLong, c); this.eTok = grow8(this.eTok, c); this.eVariant = grow8(this.eVariant, c); this.eAbsorb = grow8(this.eAbsorb, c);
        const ck = new Uint32Array(c); ck.set(this.eCheck); this.eCheck = ck;
        const v = new Uint32Array(c * V); v.set(this.eVals); this.eVals = v;
        const vg = new Int32Array(c * V); vg.set(this.eValGroups); this.eValGroups = vg;
      }
    }
    this.eGroup[e] = -1; this.eMerged[e] = 0; this.eNv[e] = 0; this.eRefs[e] = 0; this.eAlias[e] = 0; this.eExact[e] = 0; this.eReg[e] = 0; this.eLong[e] = 0; this.eTok[e] = 0; this.eVariant[e] = 0; this.eAbsorb[e] = 0;
    this.eCheck[e] = check;
    const p = this.pat.append(key);
    this.pat.t[p + 1] = e;
    return e;
  }
  /** The entry of the pattern with hashes (key, check), or -1. */
  private entry(key: number, check: number): number {
    const t = this.pat.t, end = t.length, ec = this.eCheck;
    let p = this.pat.home(key);
    for (;;) {
      const k = t[p];
      if (k === 0) return -1;
      if (k === key && ec[t[p + 1]] === check) return t[p + 1];
      p += 2; if (p === end) p = 0;
    }
  }

  find(g: number): number {
    const p = this.parent;
    while (p[g] !== g) { p[g] = p[p[g]]; g = p[g]; }
    return g;
  }

  private newGroup(rep: string | number): number {
    let g = this.gFree.pop();
    if (g === undefined) {
      g = this.gCount++;
      if (g >= this.parent.length) {
        const c = this.parent.length * 2;
        this.parent = grow32(this.parent, c); this.gSize = grow32(this.gSize, c); this.gNext = grow32(this.gNext, c);
        this.gEntry = grow32(this.gEntry, c); this.gHeld = grow32(this.gHeld, c); this.gLate = grow32(this.gLate, c);
        const k = new Uint32Array(c); k.set(this.gKey); this.gKey = k;
      }
    }
    this.parent[g] = g; this.gSize[g] = 0; this.gNext[g] = g; this.gEntry[g] = -1; this.gKey[g] = 0; this.gHeld[g] = 0; this.gLate[g] = 0;
    this.gSkel[g] = null; this.gStr[g] = null; this.gRep[g] = rep;
    return g;
  }

  /** Joins the sets of groups a and b; the older root (smaller id) survives. Returns the root. */
  union(a: number, b: number): number {
    a = this.find(a); b = this.find(b);
    if (a === b) return a;
    const into = a < b ? a : b, from = a < b ? b : a;
    this.parent[from] = into;
    this.gSize[into] += this.gSize[from];
    const t = this.gNext[into]; this.gNext[into] = this.gNext[from]; this.gNext[from] = t;
    this.tmplCache.delete(into); this.tmplCache.delete(from);
    this.onMerge?.(from, into);
    return into;
  }

  /**
   * Assigns the current skeleton (in the scratch, hash `h`) to a group, creating the group and its
   * pattern entries when new, and merging groups whose patterns reach `variability` values.
   * Returns the group (the set's root).
   */
  assign(h: number, rep: string | number): number {
    const sc = this.sc;
    if (h === 0) { // no static wording: a group of its own
      const g = this.newGroup(rep);
      this.gSize[g] = 1;
      return g;
    }
    let e = this.entry(h, sc.check);
    if (e >= 0 && this.eGroup[e] >= 0) {
      const x = ++this.eExact[e];
      const g0 = this.eGroup[e];
      this.gSize[this.find(g0)]++;
      if (!this.deferred && !this.eMerged[e] && this.eNv[e] > 0 && this.slotRule(e)) this.mergeEntry(e);
      // (at 2, 4, 8, ... texts of the skeleton: a look at O(skeleton) cost, O(log n) times)
      if (this.streaming && (x & (x - 1)) === 0 && this.gEntry[g0] === e && this.gHeld[g0] !== 0) this.reconsider(g0);
      return this.find(g0);
    }
    const g = this.newGroup(rep);
    this.gSize[g] = 1;
    if (e < 0) e = this.newEntry(h, sc.check);
    this.eGroup[e] = g; this.eRefs[e]++; this.eExact[e]++;
    this.gEntry[g] = e; this.gKey[g] = h;
    // (a field skeleton registers no generalisation: gSkel stays null, so `release` looks for none)
    if (this.streaming && !sc.fielded) { this.gSkel[g] = sc.elems.slice(0, sc.ne); this.gStr[g] = sc.strength.slice(0, sc.nseg); }
    // this skeleton is the slot version of a pattern other skeletons generalise to: merge them
    // (or, when one of them is far more common, join it: see `absorb`)
    if (!this.deferred && this.eNv[e] > 0) { if (this.slotRule(e)) this.mergeEntry(e); else this.absorb(e, null); }
    if (sc.fielded) return g;
    const held = this.forEachGeneralisation(sc.elems, sc.ne, this.registrar(g), sc.strength);
    if (this.streaming) { this.gHeld[g] = held; this.joinSeamless(g); this.joinWrapped(g); }
    return this.find(g);
  }

  /** The registration of group g's skeleton (in the scratch) under one of its generalisations. */
  private registrar(g: number): (key: number, value: number, segment: boolean, len: number, s: number, check: number) => void {
    const sc = this.sc;
    const long = sc.n > this.o.maxColumns;
    let statics = 0;
    for (let p = 0; p < sc.ne; p++) if (sc.elems[p] > SEAM) statics++;
    return (key, value, segment, len, _s, check) => {
      let x = this.entry(key, check);
      if (x < 0) x = this.newEntry(key, check);
      this.eRefs[x]++; this.eReg[x]++;
      if (segment && long && len >= PAYLOAD_MIN) this.eLong[x] = 1;
      // a variant place: a long text (the payload regime), a short value, real wording around it
      if (long && len <= FAMILY_MAX_LEN && statics - len >= FAMILY_MIN_REST) this.eVariant[x] = 1;
      if (sc.payload && len <= FAMILY_MAX_LEN && statics - len >= FAMILY_MIN_REST) this.eAbsorb[x] = 1;
      if (!segment) this.eTok[x] = 1;
      this.addValue(x, value, g, segment);
    };
  }

  /**
   * Streaming: the hold rule (see `forEachGeneralisation`) is looked at again for group g's held
   * segments, under the supports of its skeleton's latest text (in the scratch). A stream's first
   * texts of a template family give its frame and its variant wording ("task: {verb} the
   * document.") alike supports, so the variant is held static and each variant's skeleton stays a
   * group of its own; as the family grows, the frame's support outgrows each variant's, and the
   * variant is then generalised as the batch miner, which sees the final counts, would have done
   * from the start (Brain's frequency levels: a variable is what recurs well below its template's
   * most frequent wording, Yu et al., IEEE TSC 2023). Such segments are registered once (`gLate`)
   * and released with the skeleton's other generalisations.
   */
  private reconsider(g: number): void {
    const sc = this.sc, reg = this.registrar(g);
    let now = 0; // the held segments that every rule lets through now
    this.gHeld[g] = this.forEachGeneralisation(sc.elems, sc.ne, (key, value, segment, len, s, check) => {
      now |= 1 << s;
      reg(key, value, segment, len, s, check);
    }, sc.strength, this.gHeld[g]);
    this.gLate[g] |= now;
  }

  /**
   * Streaming: the new group g (its skeleton in the scratch) notes its core, and joins the larger
   * group of an earlier skeleton that it is inside a short wrapper of (see `Wrappers`, the batch
   * form; here a wrapped text that comes before its template's first skeleton stays apart).
   */
  private joinWrapped(g: number): void {
    const sc = this.sc, asks = this.coreAsks;
    asks.length = 0;
    const full = wrapperCores(sc.elems, sc.ne, this.o.minWording, asks);
    if (full === 0) return;
    // (joining also skeletons that share the core with a variable before or after it, "<*> ...
    // <*>", caught 45-56 % of the prose benchmark's random-id evasions instead of 34-53 %, but made
    // Detector.add about 10 us slower at p50 and pushed p99 over 100 us: left out)
    if (!this.coreOf.has(full)) this.coreOf.set(full, g);
    for (const c of asks) {
      const t = this.coreOf.get(c);
      if (t === undefined) continue;
      const rt = this.find(t), rg = this.find(g);
      if (rt !== rg && this.gSize[rt] > this.gSize[rg]) { this.union(rt, rg); return; }
    }
  }
  /**
   * Streaming: the new group g (its skeleton in the scratch) joins the live group of an earlier
   * skeleton with the same static tokens and slots, in the same order, that differs from it only
   * in its seams. Where a seam falls depends on the supports when the skeleton was read ("list the
   * main claims in the document." is one run while the frame and its verb are alike common, two
   * once the frame is more common), so a template's first texts can get a skeleton that its later
   * texts no longer get; the batch miner reads every text under the final supports, and gives
   * them one skeleton. The texts' wording is the same, as Drain groups log lines whose tokens
   * match position by position (He et al., ICWS 2017, section III-C); the seams only say where
   * the template may be generalised.
   */
  private joinSeamless(g: number): void {
    const sc = this.sc;
    const k = seamlessHash(sc.elems, sc.ne);
    const t = this.seamOf.get(k);
    if (t === undefined) { this.seamOf.set(k, g); return; }
    if (this.find(t) !== this.find(g)) this.union(t, g);
  }
  /**
   * Streaming: the group that a text whose skeleton is too thin to group on (in the scratch, hash
   * `sc.thin`) joins, or -1. "Read this and summarize: {P}": a one-word verb that only this frame
   * puts before a passage is covered by no specific 3-gram once the frame is far more common than
   * the verb, so the skeleton is "read this and <*>". When that skeleton is a pattern whose open
   * place is a slot for `variability` distinct values (the frame with its other verbs), the text
   * is an instance of that template whose filling was not read as wording: it joins the template's
   * group, as Drain puts a log line in the group whose template it matches with `<*>` matching any
   * token (He et al., ICWS 2017, section III-C). Only for a skeleton anchored at the text's start
   * or end: a short phrase with free text on both sides ("<*> the number of <*>") is a phrase of
   * the language, not a frame (the one-phrase rule of `skeletonOf`), and a slot pattern of it is
   * made of organic texts. (The batch miner keeps thin texts apart, or splits them into sibling
   * groups: see `mineTemplates`, pass 4.)
   */
  thinJoin(): number {
    const sc = this.sc, k = sc.thin;
    if (k === 0 || (sc.elems[0] <= SEAM && sc.elems[sc.ne - 1] <= SEAM)) return -1;
    const x = this.entry(k, sc.check);
    if (x < 0 || !this.eMerged[x] || this.eNv[x] < this.o.variability) return -1;
    return this.find(this.eValGroups[x * this.o.variability]);
  }
  /** Streaming: seamless skeleton hash -> the live group whose exact skeleton first had it (see `joinSeamless`). */
  seamOf = new Map<number, number>();
  /** Streaming: core hash -> the live group whose exact skeleton first had it (see `joinWrapped`). */
  coreOf = new Map<number, number>();
  private readonly coreAsks: number[] = [];

  private addValue(x: number, value: number, g: number, segment: boolean): void {
    const V = this.o.variability, base = x * V;
    const nv = this.eNv[x];
    if (this.eMerged[x]) { this.union(this.eValGroups[base], g); return; }
    let k = 0;
    while (k < nv && this.eVals[base + k] !== value) k++;
    if (k === nv && nv < V) { this.eVals[base + nv] = value; this.eValGroups[base + nv] = g; this.eNv[x] = nv + 1; }
    if (!this.deferred && this.shouldMerge(x, segment)) this.mergeEntry(x);
  }

  /**
   * The slot rule: a place where some texts already have a slot becomes a slot for all, but only
   * when the slot version is at least as common as the distinct fillings (a template with chance
   * repeats in its slots), not when many different texts merely share a prefix (organic prompts
   * that start alike).
   */
  private slotRule(x: number, size0?: Int32Array): boolean {
    if (!(this.eGroup[x] >= 0 && this.eExact[x] >= this.eReg[x])) return false;
    // ... nor when one filling is far more common than the slot version: that filling is wording
    // of its own template ("initialized by client WindowsUpdateAgent." 608 times against one
    // "initialized by client <*>"), as Brain's frequency levels (Yu et al., IEEE TSC 2023) keep
    // a token static when it recurs at its template's level
    const V = this.o.variability, lim = this.eExact[x] * SLOT_DOMINANCE;
    for (let k = 0; k < this.eNv[x]; k++) {
      const g = this.eValGroups[x * V + k];
      if ((size0 !== undefined ? size0[g] : this.gSize[this.find(g)]) > lim) return false;
    }
    return true;
  }
  /** Whether pattern entry x's open place is a slot. */
  private shouldMerge(x: number, segment: boolean): boolean {
    if (this.eNv[x] === 0) return false;
    if (this.slotRule(x)) return true;
    // distinct values: token columns (Brain, Drain) and whole segments, in short texts as in long
    // ones ("Answer this: {a question from a list}")
    void segment;
    return this.eNv[x] >= this.o.variability;
  }

  /**
   * A family place, in long texts (the payload regime): 2 or more values, each the skeleton of at
   * least FAMILY_MIN texts. Variants of one prompt template ("translate the {document | text |
   * content} below") are one template in the default merge mode, even with fewer than
   * `variability` values; in short texts (log lines) such values usually name different events.
   */
  private familyPlace(x: number, size0: Int32Array): boolean {
    if (this.o.splitSiblings || this.eNv[x] < 2 || this.eVariant[x] === 0) return false;
    const V = this.o.variability;
    for (let k = 0; k < this.eNv[x]; k++) if (size0[this.eValGroups[x * V + k]] < FAMILY_MIN) return false;
    return true;
  }

  /** Batch mode: decides every pattern's merge once all skeletons are known. */
  settle(): void {
    const V = this.o.variability;
    const size0 = this.gSize.slice(0, this.gCount); // skeleton group sizes before any merge
    for (let x = 0; x < this.eCount; x++) {
      if (this.eMerged[x] || this.eNv[x] === 0) continue;
      if (this.slotRule(x, size0) || this.eNv[x] >= V || this.familyPlace(x, size0)) this.mergeEntry(x);
    }
    // A skeleton with a slot where one far more common skeleton has a filling, and no other one
    // does as often, is a text of that template with something of its own in that place (a typo in
    // the wording: "explain step by setp how to ..."): it joins that template's group, which keeps
    // its wording (the slot rule would make the place a slot for all, and the dominance rule above
    // keeps the filling static; Brain's frequency levels again, Yu et al., IEEE TSC 2023)
    for (let x = 0; x < this.eCount; x++) this.absorb(x, size0);
  }

  /** See `settle`: the slot version of entry x joins the one far more common filling, if any (size0: batch sizes). */
  private absorb(x: number, size0: Int32Array | null): void {
    // (in texts of the payload regime with wording around the place, as family places: in log
    // lines a rare slot version is usually an event of its own)
    if (this.eMerged[x] || this.eNv[x] === 0 || this.eGroup[x] < 0 || this.eAbsorb[x] === 0) return;
    const V = this.o.variability, lim = this.eExact[x] * SLOT_DOMINANCE;
    let into = -1, n = 0;
    for (let k = 0; k < this.eNv[x]; k++) {
      const g = this.eValGroups[x * V + k];
      if ((size0 !== null ? size0[g] : this.gSize[this.find(g)]) > lim) { into = g; n++; }
    }
    if (n === 1) this.union(into, this.eGroup[x]);
  }

  /** Batch mode, after settle(): the skeleton in the scratch joins the patterns it generalises to. */
  joinMerged(g: number): void {
    const sc = this.sc, V = this.o.variability;
    this.forEachGeneralisation(sc.elems, sc.ne, (key, _v, _s, _l, _i, check) => {
      const x = this.entry(key, check);
      if (x >= 0 && this.eMerged[x]) this.union(this.eValGroups[x * V], g);
    }, sc.strength);
  }
  eTok = new Uint8Array(1024);
  /** A text of the payload regime registered here with a short value and wording around it (see `absorb`). */
  eAbsorb = new Uint8Array(1024);

  /** The entry's open place becomes a slot: all its value groups (and its exact group) merge. */
  private mergeEntry(x: number): void {
    const V = this.o.variability, base = x * V, nv = this.eNv[x];
    let r = this.eGroup[x] >= 0 ? this.eGroup[x] : this.eValGroups[base];
    for (let k = 0; k < nv; k++) r = this.union(r, this.eValGroups[base + k]);
    this.eMerged[x] = 1;
    this.eValGroups[base] = r;
    if (this.eGroup[x] < 0) { this.eGroup[x] = r; this.eRefs[x]++; this.eAlias[x] = 1; }
  }

  /**
   * Calls fn(patternKey, value) for each generalisation of a skeleton (one place made a slot).
   * Returns the segments (bit s for segment s < 31) that the hold rule below kept static and that
   * no rule without supports would skip: the ones a later look with grown supports may generalise
   * (see `reconsider`). `only` (a segment mask) limits the calls to those segments, token-wise
   * generalisations left out; the segments in `force` are generalised whatever their supports
   * (those `reconsider` registered later than their skeleton).
   */
  forEachGeneralisation(el: Uint32Array, ne: number, fn: (key: number, value: number, segment: boolean, len: number, s: number, check: number) => void, str: Int32Array | null, only = -1, force = 0): number {
    let held = 0;
    if (ne <= this.o.maxColumns && only === -1) {
      // one token at a time (only tokens with some static context on either side)
      let statics = 0;
      for (let p = 0; p < ne; p++) if (el[p] > SEAM) statics++;
      if (statics >= 2) {
        for (let p = 0; p < ne; p++) {
          if (el[p] <= SEAM) continue;
          // a column strictly between static tokens (or the text's ends) may vary (Brain, Drain);
          // a token next to a slot only joins the slot under the slot rule
          const column = (p === 0 || el[p - 1] !== SLOT) && (p === ne - 1 || el[p + 1] !== SLOT);
          const key = hashElems(el, 0, ne, p, p + 1);
          fn(key, el[p], !column, 1, -1, hashCheck);
        }
      }
    }
    // one segment at a time: segments are runs of tokens between SLOT/SEAM
    let nseg = 0;
    for (let p = 0; p < ne; p++) if (el[p] > SEAM && (p === 0 || el[p - 1] <= SEAM)) nseg++;
    if (nseg >= 2 && nseg <= this.o.maxSegments) {
      let statics = 0;
      for (let p = 0; p < ne; p++) if (el[p] > SEAM) statics++;
      // the weakest and second weakest segment supports: the context of a segment is the others
      let min1 = 0x7fffffff, min2 = 0x7fffffff, max1 = 0, max2 = 0;
      if (str !== null) {
        for (let k = 0; k < nseg; k++) { const v = str[k]; if (v < min1) { min2 = min1; min1 = v; } else if (v < min2) min2 = v; }
        for (let k = 0; k < nseg; k++) { const v = str[k]; if (v > max1) { max2 = max1; max1 = v; } else if (v > max2) max2 = v; }
      }
      // segments that can hold a template up on their own: anchored at an end of the text, or of
      // minWording tokens or more (not a short phrase of the language floating in free text)
      // (`strong`: of those, the ones that are more than a short wrapper, WRAP_MAX tokens or fewer
      // at an end of the text: in batch mining, a ticket id, a greeting or a sign-off does not
      // hold the template of a long instruction made a slot, "[ref <*> <*> please be quick."; the
      // streaming miner keeps the old rule, under which organic prompts group less there)
      let holds = 0, strong = 0, weakLong = 0x7fffffff; // (the strength of the weakest run of PAYLOAD_MIN tokens or more)
      for (let q = 0, sq = 0; q < ne;) {
        if (el[q] <= SEAM) { q++; continue; }
        const b = q;
        while (q < ne && el[q] > SEAM) q++;
        if (b === 0 || q === ne || q - b >= (this.sc.payload && !this.streaming ? FLOAT_HOLD : this.o.minWording)) holds++;
        if (q - b > WRAP_MAX && (b === 0 || q === ne) || q - b >= this.o.minWording) strong++;
        if (q - b >= PAYLOAD_MIN && str !== null && str[sq] < weakLong) weakLong = str[sq];
        sq++;
      }
      let p = 0, s = -1;
      while (p < ne) {
        if (el[p] <= SEAM) { p++; continue; }
        const a = p;
        s++;
        const bit = s < 31 ? 1 << s : 0;
        if (only !== -1 && (only & bit) === 0) { while (p < ne && el[p] > SEAM) p++; continue; }
        const forced = (force & bit) !== 0;
        // what stays must still hold a template: making the wording of "<instruction> <*> the
        // child process <*>" a slot would leave a phrase of the payload, which would join every
        // text that holds the phrase (the one-phrase rule of `skeletonOf`, for patterns); unless
        // the segment is far weaker than the rest (a value: "task: <*> the document. document:")
        let e = a;
        while (e < ne && el[e] > SEAM) e++;
        // a single token is done token-wise above; and too little wording would remain (these
        // two read no supports, so a segment they skip is never held for a later look)
        if ((e - a === 1 && ne <= this.o.maxColumns) || statics - (e - a) < MIN_CONTEXT) { p = e; continue; }
        const long = e - a >= this.o.minWording;
        if (!forced && (holds - (a === 0 || e === ne || long ? 1 : 0) === 0 || long && strong === 1 && !this.streaming) &&
          (str === null || str[s] * LEVEL >= (str[s] === max1 ? max2 : max1))) {
          held |= bit;
          p = e; continue;
        }
        // wording stronger than every bit of its context is not a value of that context: a
        // template's instruction next to a chance phrase or a reused payload ("summarize: <*> the
        // number of <*>") must not become a slot of that phrase, which would join every template
        // whose payloads hold it (Brain's frequency levels again: the context of a variable is
        // the template's most frequent wording, Yu et al., IEEE TSC 2023)
        // (a context anchored at an end of the text may take a stronger segment as its value, but
        // not when it holds a passage, a run of PAYLOAD_MIN tokens or more at most half as strong
        // as the segment (the payload rule of `skeletonOf`): "<instruction> <a sentence that ends
        // the text>" in one text of each of seven templates made every instruction a value of
        // "<*> <sentence>", and all seven templates one group)
        const anchored = ((s !== 0 && el[0] > SEAM) || (s !== nseg - 1 && el[ne - 1] > SEAM)) && !(str !== null && weakLong * 2 <= str[s]);
        if (!forced && str !== null && !anchored && str[s] > (str[s] === min1 ? min2 : min1) * CONTEXT_LEVEL) {
          while (p < ne && el[p] > SEAM) p++;
          continue;
        }
        let v = 0x1b873593;
        while (p < ne && el[p] > SEAM) { v = mix2(v, el[p]); p++; }
        const key = hashElems(el, 0, ne, a, p);
        fn(key, tok(v), true, p - a, s, hashCheck);
      }
    }
    return held;
  }

  // ------------------------------------------------------------------------------ removal

  /** One item of group g (a set member, not necessarily the root) is gone. */
  release(g: number): void {
    const r = this.find(g);
    if (--this.gSize[r] > 0) return;
    // the whole set is empty: every value and exact group its entries hold belongs to this set
    const members: number[] = [];
    let m = r;
    do { members.push(m); m = this.gNext[m]; } while (m !== r);
    const V = this.o.variability;
    const clear = (y: number, key: number): void => {
      if (this.eMerged[y] || this.eGroup[y] >= 0 && this.find(this.eGroup[y]) === r) {
        this.eMerged[y] = 0; this.eNv[y] = 0;
        if (this.eAlias[y]) { this.eAlias[y] = 0; this.eGroup[y] = -1; this.unref(y, key); }
      }
    };
    for (const x of members) {
      const key = this.gKey[x];
      const e = this.gEntry[x];
      if (e >= 0) {
        clear(e, key);
        if (this.eGroup[e] === x) this.eGroup[e] = -1;
        this.unref(e, key);
      }
      const skel = this.gSkel[x];
      if (skel) {
        this.forEachGeneralisation(skel, skel.length, (k, _v, _s, _l, _i, check) => {
          const y = this.entry(k, check);
          if (y < 0) return;
          clear(y, k);
          const base = y * V;
          let w = 0;
          for (let i = 0; i < this.eNv[y]; i++) {
            if (this.eValGroups[base + i] === x) continue;
            this.eVals[base + w] = this.eVals[base + i]; this.eValGroups[base + w] = this.eValGroups[base + i]; w++;
          }
          this.eNv[y] = w;
          this.unref(y, k);
        }, this.gStr[x], -1, this.gLate[x]);
      }
    }
    for (const x of members) {
      const sk = this.gSkel[x];
      if (sk !== null && sk !== undefined) {
        this.coreAsks.length = 0;
        const full = wrapperCores(sk, sk.length, this.o.minWording, this.coreAsks);
        if (full !== 0 && this.coreOf.get(full) === x) this.coreOf.delete(full);
        const flat = seamlessHash(sk, sk.length);
        if (this.seamOf.get(flat) === x) this.seamOf.delete(flat);
      }
      this.gSkel[x] = null; this.gStr[x] = null; this.gHeld[x] = 0; this.gLate[x] = 0; this.gRep[x] = 0; this.gEntry[x] = -1; this.parent[x] = x; this.gNext[x] = x;
      this.tmplCache.delete(x);
      this.gFree.push(x);
    }
  }
  private unref(e: number, key: number): void {
    if (--this.eRefs[e] > 0) return;
    const s = this.pat.findValue(key, e);
    if (s >= 0) this.pat.deleteAt(s);
    this.eFree.push(e);
  }
  get patterns(): number { return this.pat.size; }

  // ------------------------------------------------------------------------------ persistence

  /** Writes the whole state (see `TemplateMiner.serialize` for the layout). */
  save(w: ByteWriter): void {
    saveMap(w, this.df);
    saveMap(w, this.bf);
    const E = this.eCount, V = this.o.variability;
    w.u32(E);
    saveMap(w, this.pat);
    w.i32s(this.eGroup, E); w.u8s(this.eMerged, E); w.i32s(this.eNv, E);
    w.u32s(this.eVals, E * V); w.i32s(this.eValGroups, E * V);
    w.i32s(this.eRefs, E); w.u8s(this.eAlias, E); w.i32s(this.eExact, E); w.i32s(this.eReg, E);
    w.u8s(this.eLong, E); w.u8s(this.eTok, E); w.u8s(this.eAbsorb, E); w.u32s(this.eCheck, E);
    w.u32(this.eFree.length); for (const e of this.eFree) w.u32(e);
    const G = this.gCount;
    w.u32(G);
    w.i32s(this.parent, G); w.i32s(this.gSize, G); w.i32s(this.gNext, G); w.i32s(this.gEntry, G); w.u32s(this.gKey, G);
    w.i32s(this.gHeld, G); w.i32s(this.gLate, G);
    for (let g = 0; g < G; g++) {
      const sk = this.gSkel[g], rep = this.gRep[g], st = this.gStr[g];
      w.u8((sk ? 1 : 0) | (typeof rep === "string" ? 2 : 0) | (st ? 4 : 0));
      if (sk) { w.u32(sk.length); w.u32s(sk, sk.length); }
      if (st) { w.u32(st.length); w.i32s(st, st.length); }
      if (typeof rep === "string") w.str(rep); else w.f64(rep);
    }
    w.u32(this.gFree.length); for (const g of this.gFree) w.u32(g);
    w.u32(this.tmplCache.size);
    for (const [g, t] of this.tmplCache) { w.u32(g); w.str(t); }
    w.u32(this.coreOf.size);
    for (const [c, g] of this.coreOf) { w.u32(c); w.u32(g); }
    w.u32(this.seamOf.size);
    for (const [c, g] of this.seamOf) { w.u32(c); w.u32(g); }
  }

  /** Reads what `save` wrote, checking every length, index and link. */
  load(r: ByteReader): void {
    loadMap(r, this.df, "the n-gram table", (v) => { if (v < 1) throw r.fail(`the n-gram table holds a count of ${v}`); });
    loadMap(r, this.bf, "the 2-gram table", (v) => { if (v < 1) throw r.fail(`the 2-gram table holds a count of ${v}`); });
    const V = this.o.variability;
    const E = r.count("the pattern entry count", 1 << 28);
    loadMap(r, this.pat, "the pattern table", (v) => { if (v < 0 || v >= E) throw r.fail(`the pattern table points to entry ${v} of ${E}`); }, true);
    let cap = 1024;
    while (cap < E) cap *= 2;
    this.eGroup = r.i32s(E, cap, "eGroup"); this.eMerged = r.u8s(E, cap, "eMerged"); this.eNv = r.i32s(E, cap, "eNv");
    this.eVals = r.u32s(E * V, cap * V, "eVals"); this.eValGroups = r.i32s(E * V, cap * V, "eValGroups");
    this.eRefs = r.i32s(E, cap, "eRefs"); this.eAlias = r.u8s(E, cap, "eAlias"); this.eExact = r.i32s(E, cap, "eExact");
    this.eReg = r.i32s(E, cap, "eReg"); this.eLong = r.u8s(E, cap, "eLong"); this.eTok = r.u8s(E, cap, "eTok");
    this.eAbsorb = r.u8s(E, cap, "eAbsorb"); this.eCheck = r.u32s(E, cap, "eCheck"); this.eVariant = new Uint8Array(cap);
    this.eCount = E;
    this.eFree = r.indexes(E, "free pattern entries");
    const G = r.count("the group count", 1 << 28);
    let gcap = 1024;
    while (gcap < G) gcap *= 2;
    this.parent = r.i32s(G, gcap, "parent"); this.gSize = r.i32s(G, gcap, "gSize"); this.gNext = r.i32s(G, gcap, "gNext");
    this.gEntry = r.i32s(G, gcap, "gEntry"); this.gKey = r.u32s(G, gcap, "gKey");
    this.gHeld = r.i32s(G, gcap, "gHeld"); this.gLate = r.i32s(G, gcap, "gLate");
    this.gCount = G;
    this.gSkel = new Array<Uint32Array | null>(G); this.gStr = new Array<Int32Array | null>(G); this.gRep = new Array<string | number>(G);
    for (let g = 0; g < G; g++) {
      const flags = r.u8(`group ${g}`);
      if (flags > 7) throw r.fail(`group ${g} has flags ${flags}`);
      this.gSkel[g] = flags & 1 ? r.u32s(r.count(`group ${g} skeleton length`, r.left() >> 2), 0, `group ${g} skeleton`) : null;
      this.gStr[g] = flags & 4 ? r.i32s(r.count(`group ${g} segment count`, r.left() >> 2), 0, `group ${g} segment supports`) : null;
      this.gRep[g] = flags & 2 ? r.str(`group ${g} text`) : r.f64(`group ${g} representative`);
    }
    this.gFree = r.indexes(G, "free groups");
    const nc = r.count("the template cache size", G);
    this.tmplCache = new Map();
    for (let k = 0; k < nc; k++) this.tmplCache.set(r.index(G, "a cached template's group"), r.str("a cached template"));
    const ncore = r.count("the core count", G);
    this.coreOf = new Map();
    for (let k = 0; k < ncore; k++) { const c = r.u32("a core"); this.coreOf.set(c, r.index(G, "a core's group")); }
    const nseam = r.count("the seamless skeleton count", G);
    this.seamOf = new Map();
    for (let k = 0; k < nseam; k++) { const c = r.u32("a seamless skeleton"); this.seamOf.set(c, r.index(G, "a seamless skeleton's group")); }
    // links: every index in range, union-find parents point down (parent[g] <= g, so find ends),
    // member lists are cycles (gNext is a permutation, so walking a set ends)
    const seen = new Uint8Array(G);
    for (let g = 0; g < G; g++) {
      const p = this.parent[g], nx = this.gNext[g], e = this.gEntry[g];
      if (p < 0 || p > g) throw r.fail(`group ${g} has parent ${p}`);
      if (nx < 0 || nx >= G || seen[nx]) throw r.fail(`group ${g}'s member list link ${nx} is out of range or repeated`);
      seen[nx] = 1;
      if (e < -1 || e >= E) throw r.fail(`group ${g} has pattern entry ${e} of ${E}`);
      if (this.gSize[g] < 0) throw r.fail(`group ${g} has size ${this.gSize[g]}`);
      // held and late segments: disjoint, and segments of the group's skeleton (release reads them)
      const st = this.gStr[g], segs = st === null ? 0 : Math.min(31, st.length), held = this.gHeld[g], late = this.gLate[g];
      if ((held & late) !== 0 || ((held | late) & ~((1 << segs) - 1)) !== 0) throw r.fail(`group ${g} has held segments ${held >>> 0} and late ones ${late >>> 0} of ${segs}`);
    }
    for (let e = 0; e < E; e++) {
      const nv = this.eNv[e], eg = this.eGroup[e];
      if (nv < 0 || nv > V) throw r.fail(`pattern entry ${e} holds ${nv} values, at most ${V} allowed`);
      if (eg < -1 || eg >= G) throw r.fail(`pattern entry ${e} has group ${eg} of ${G}`);
      for (let k = 0; k < nv; k++) {
        const vg = this.eValGroups[e * V + k];
        if (vg < 0 || vg >= G) throw r.fail(`pattern entry ${e} has value group ${vg} of ${G}`);
      }
    }
  }

  // ------------------------------------------------------------------------------ templates

  /** Display tokens of the skeleton of text `s` under the current counts. */
  displaySkeleton(s: string): string[] {
    const sc = this.sc;
    tokenize(s, sc);
    this.skeleton();
    const out: string[] = [];
    for (let p = 0; p < sc.ne; p++) {
      const e = sc.elems[p];
      if (e === SEAM) continue;
      if (e === SLOT) { if (out[out.length - 1] !== "<*>") out.push("<*>"); continue; }
      out.push(tokenText(s, sc, sc.elemTok[p]));
    }
    return out;
  }

  /** Display tokens of the field skeleton of text `s` (see `fieldFlags`): its labels around a slot. */
  fieldDisplay(s: string): string[] {
    const sc = this.sc;
    tokenize(s, sc);
    if ((sc.field & (FIELD_LAST | FIELD_OPEN)) === 0 || sc.n < 2) return this.displaySkeleton(s);
    const out = (sc.field & (FIELD_FIRST | FIELD_OPEN)) !== 0 ? [tokenText(s, sc, 0)] : [];
    out.push("<*>");
    if ((sc.field & FIELD_LAST) !== 0) out.push(tokenText(s, sc, sc.n - 1));
    return out;
  }

  template(g: number, textOf: (rep: string | number) => string): string {
    const r = this.find(g);
    const cached = this.tmplCache.get(r);
    if (cached !== undefined) return cached;
    // the distinct skeletons of the set, most common first; those held by under 1/20 of the
    // texts of the most common one (a copy with typos, an odd filling) do not shape the template
    const parts: [number, number][] = [];
    let m = r;
    do {
      if (this.gEntry[m] >= 0 || m === r) parts.push([m, this.gEntry[m] >= 0 ? this.eExact[this.gEntry[m]] : 1]);
      m = this.gNext[m];
    } while (m !== r && parts.length < 4096);
    parts.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
    let acc: string[] | null = null, hollow: string[] | null = null;
    for (let k = 0, seen = 0; k < parts.length && seen < 64 && parts[k][1] * MINOR >= parts[0][1]; k++) {
      // (a member read now with no wording says nothing about the template: it would empty it)
      // (a stream's field group shows its labels, though its first text may have a skeleton of
      // its own under the counts of now; a frame group, also without a copy of its skeleton, is
      // no field group and shows its skeleton)
      const rep = textOf(this.gRep[parts[k][0]]);
      const d = this.streaming && this.fieldGroup(parts[k][0]) && (fieldFlags(rep) & (FIELD_LAST | FIELD_OPEN)) !== 0 ? this.fieldDisplay(rep) : this.displaySkeleton(rep);
      if (d.every((x) => x === "<*>")) hollow = d;
      else acc = acc === null ? d : lcsMerge(acc, d);
      seen++;
    }
    const t = (acc ?? hollow ?? []).join(" ");
    this.tmplCache.set(r, t);
    return t;
  }
}

/** Hash of elements [0, ne) with [a, b) replaced by one SLOT, adjacent SLOT/SEAM runs collapsed. */
function hashElems(el: Uint32Array, from: number, ne: number, a: number, b: number): number {
  let h = 0x2545f491, c = 0x6a09e667;
  let pending = 0; // SLOT or SEAM waiting to be hashed; SLOT absorbs SEAM and SLOT
  for (let p = from; p < ne; p++) {
    let e = el[p];
    if (p === a) { e = SLOT; p = b - 1; }
    if (e <= SEAM) { if (pending !== SLOT) pending = e; continue; }
    if (pending !== 0) { h = mix2(h, pending); c = mixCheck(c, pending); pending = 0; }
    h = mix2(h, e); c = mixCheck(c, e);
  }
  if (pending !== 0) { h = mix2(h, pending); c = mixCheck(c, pending); }
  hashCheck = c >>> 0;
  return tok(h);
}
/**
 * The second hash of the sequence `hashElems` hashed last (FNV-1a over 32-bit words, Fowler, Noll,
 * Vo: another function than the first, and one multiply a word, a chain the CPU runs alongside the
 * first): the pattern table tells keys that collide in 32 bits apart by it, and the streaming
 * miner's exact-text keys use 21 bits of it. (A second MurmurHash3 chain here put Detector.add's
 * template-mode p99 at 80-109 µs against 65-71 µs without a check, bench/detector.bench.mjs.)
 */
let hashCheck = 0;
const mixCheck = (a: number, b: number): number => Math.imul(a ^ b, 0x01000193);

/** Hash of a skeleton with its seams left out (static tokens and slots only; see `joinSeamless`). */
function seamlessHash(el: Uint32Array, ne: number): number {
  let h = 0x3c6ef372;
  let slot = false;
  for (let p = 0; p < ne; p++) {
    const e = el[p];
    if (e === SEAM) continue;
    if (e === SLOT) { slot = true; continue; }
    if (slot) { h = mix2(h, SLOT); slot = false; }
    h = mix2(h, e);
  }
  if (slot) h = mix2(h, SLOT);
  return tok(h);
}

/** Tokens a wrapper segment may have (see `Wrappers`). */
const WRAP_MAX = 3;
/** Static tokens the wrapped skeleton must keep. */
const WRAP_REST = 6;

/**
 * The core of a skeleton (between its first and last static token) as a hash, 0 when it has no
 * static token; pushes onto `asks` the cores left by taking off a wrapper at its start, its end,
 * or both (see `Wrappers`).
 */
function wrapperCores(el: Uint32Array, ne: number, minWording: number, asks: number[]): number {
  let a = 0, b = ne;
  while (a < b && el[a] <= SEAM) a++;
  while (b > a && el[b - 1] <= SEAM) b--;
  if (b - a === 0) return 0;
  const full = hashElems(el, a, b, -1, -1);
  let statics = 0;
  for (let p = a; p < b; p++) if (el[p] > SEAM) statics++;
  // a leading wrapper: static at the text's start, then a slot or seam; a trailing one likewise
  let la = -1;
  if (a === 0) { let p = 0; while (p < ne && el[p] > SEAM) p++; if (p <= WRAP_MAX && p < ne) { la = p; while (la < ne && el[la] <= SEAM) la++; } }
  let lb = -1;
  if (b === ne) { let p = ne; while (p > 0 && el[p - 1] > SEAM) p--; if (ne - p <= WRAP_MAX && p > 0) { lb = p; while (lb > 0 && el[lb - 1] <= SEAM) lb--; } }
  const ask = (x: number, y: number): void => {
    let st = 0;
    for (let p = x; p < y; p++) if (el[p] > SEAM) st++;
    if (y > x && st >= WRAP_REST && st >= minWording && st < statics) asks.push(hashElems(el, x, y, -1, -1));
  };
  if (la >= 0) ask(la, b);
  if (lb >= 0) ask(a, lb);
  if (la >= 0 && lb >= 0 && la < lb) ask(la, lb);
  return full;
}

/**
 * Batch mode: a skeleton that is another skeleton inside a short wrapper, a segment of at most
 * WRAP_MAX tokens at the very start or end of the text with a slot or seam between it and the rest
 * ("[ref <*>] explain step by step how to <*> show all reasoning." around "explain step by step
 * how to <*> show all reasoning."), joins the group of that skeleton when it is larger: an
 * evasion that adds a ticket id, a greeting or a sign-off keeps its campaign. The two are
 * compared on their cores (the skeleton between its first and last static token), as Drain
 * compares log lines position by position only after its fixed-depth tree has put lines of the
 * same shape together (He et al., ICWS 2017, section III): the wrapper is what puts them apart.
 */
class Wrappers {
  private readonly core = new Map<number, number>(); // core hash -> a group whose skeleton it is
  private readonly asks: number[] = []; // (group, stripped core hash) pairs
  constructor(private readonly minWording: number) {}
  private readonly scratch: number[] = [];
  note(el: Uint32Array, ne: number, g: number): void {
    const asks = this.scratch;
    asks.length = 0;
    const full = wrapperCores(el, ne, this.minWording, asks);
    if (full === 0) return;
    if (!this.core.has(full)) this.core.set(full, g);
    for (const c of asks) this.asks.push(g, c);
  }
  join(eng: Engine): void {
    // the target of each group that found one (the largest set among its cores)
    const target = new Map<number, number>();
    for (let k = 0; k < this.asks.length; k += 2) {
      const g = this.asks[k], t = this.core.get(this.asks[k + 1]);
      if (t === undefined) continue;
      const rt = eng.find(t), old = target.get(g);
      if (rt !== eng.find(g) && (old === undefined || eng.gSize[rt] > eng.gSize[old])) target.set(g, rt);
    }
    // a set joins only when each of its skeletons found the same target: a set that generalised
    // the wrapped part away ("[ref <*>] <*>") holds texts of other templates
    const sets = new Map<number, number>();
    for (const g of target.keys()) {
      const r = eng.find(g);
      if (sets.has(r)) continue;
      let t = -1, m = r;
      do {
        const x = target.get(m);
        if (x === undefined || (t >= 0 && eng.find(x) !== t)) { t = -2; break; }
        t = eng.find(x);
        m = eng.gNext[m];
      } while (m !== r);
      sets.set(r, t);
    }
    for (const [r, t] of sets) {
      if (t < 0) continue;
      const rr = eng.find(r), rt = eng.find(t);
      if (rr !== rt && eng.gSize[rt] > eng.gSize[rr]) eng.union(rt, rr);
    }
  }
}

/**
 * Batch mode, the payload regime: a skeleton that holds, besides its own wording, runs that recur
 * in SLOT_DOMINANCE times as many texts as have that skeleton (a phrase of the language, "the new
 * value for", or a passage sent under many templates, inside a slot's filling), joins the group
 * of the skeleton it is with those runs made slots, when that group is as large or larger. Its
 * own wording recurs about as often as its texts; material that recurs mostly outside them is
 * not its template's. (The slot rule of `Engine.slotRule` the other way round: there a value far
 * more common than the slot version is wording of its own template; here a run far more common
 * than the skeleton it sits in is a filling.) Short texts (log lines) are left out.
 */
class Shared {
  private readonly skel = new Map<number, number>(); // skeleton hash (53 bits) -> a group whose skeleton it is
  private readonly asks: number[] = []; // (group, generalised skeleton hash) pairs
  /** (group, thin key) pairs: skeletons that are a thin one with those runs made slots (see `thinJoins`). */
  private readonly thinAsks: number[] = [];
  private el = new Uint32Array(512);
  constructor(private readonly minWording: number) {}
  note(sc: Scratch, g: number, size: number, groupSize: number): void {
    if (!sc.payload) return;
    const ne = sc.ne, el = sc.elems;
    // (a target is a group of two texts or more: most skeletons of a large input are one text's)
    if (groupSize >= 2) {
      const full = hashElems(el, 0, ne, -1, -1) + (hashCheck & 0x1fffff) * 4294967296;
      if (!this.skel.has(full)) this.skel.set(full, g);
    }
    if (this.el.length < ne) this.el = new Uint32Array(2 * ne);
    // (the skeleton's strongest wording is its template's frame, shared with the template's
    // other groups: it stays; so, for a thin group, does wording at its start or end)
    let top = 0;
    for (let k = 0; k < sc.nseg; k++) if (sc.strength[k] > top) top = sc.strength[k];
    for (const thin of [false, true]) {
      const out = this.el;
      out.set(el.subarray(0, ne));
      let made = 0, statics = 0;
      for (let k = 0; k < sc.nseg; k++) {
        const frame = sc.strength[k] === top || thin && (sc.segStart[k] === 0 || sc.segEnd[k] === ne);
        if (!frame && sc.strength[k] >= SLOT_DOMINANCE * size) { for (let p = sc.segStart[k]; p < sc.segEnd[k]; p++) out[p] = SLOT; made++; }
        else statics += sc.segEnd[k] - sc.segStart[k];
      }
      if (made === 0) continue;
      const h = hashElems(out, 0, ne, -1, -1);
      // (what stays must be wording enough for a template, minWording tokens; less is a thin
      // skeleton, "translate into <*>", whose thin group it may join: see `thinJoins`)
      if (!thin && statics >= this.minWording) this.asks.push(g, h + (hashCheck & 0x1fffff) * 4294967296);
      if (thin && statics >= THIN_MIN && statics < this.minWording) this.thinAsks.push(g, (h || 1) + (hashCheck & 0x1fffff) * 4294967296);
    }
  }
  join(eng: Engine): void {
    for (let k = 0; k < this.asks.length; k += 2) {
      const t = this.skel.get(this.asks[k + 1]);
      if (t === undefined) continue;
      const rg = eng.find(this.asks[k]), rt = eng.find(t);
      if (rg !== rt && eng.gSize[rt] >= eng.gSize[rg]) eng.union(rt, rg);
    }
  }
  /**
   * The thin groups that groups join (group root -> thin root): a group whose skeleton is a thin
   * one with its shared runs made slots ("translate into <*> in order to <*>", where "in order to"
   * is a phrase inside the passage) is a text of that thin group, as large or larger, so that the
   * frame rule (`frameRoots`) sees it with the rest.
   */
  thinJoins(eng: Engine, thinRoot: Map<number, number>, thinSize: Map<number, number>): Map<number, number> {
    const out = new Map<number, number>();
    for (let k = 0; k < this.thinAsks.length; k += 2) {
      const key = this.thinAsks[k + 1], t = thinRoot.get(key);
      if (t === undefined) continue;
      const rg = eng.find(this.thinAsks[k]);
      if (!out.has(rg) && thinSize.get(key)! >= eng.gSize[rg]) out.set(rg, t);
    }
    return out;
  }
}

/** Skeletons held by fewer than 1/MINOR of the texts of a group's most common one do not shape its template. */
const MINOR = 20;

/** LCS alignment of two templates: common tokens kept in order, the rest become one `<*>` per gap. */
function lcsMerge(a: string[], b: string[]): string[] {
  const n = a.length, m = b.length;
  if (n * m > 1 << 22) return a;
  // tokens match without their opening and closing punctuation, as they are hashed
  const ka = a.map(bareWord), kb = b.map(bareWord);
  const L = new Int32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      L[i * (m + 1) + j] = ka[i] === kb[j] && a[i] !== "<*>" ? L[(i + 1) * (m + 1) + j + 1] + 1
        : Math.max(L[(i + 1) * (m + 1) + j], L[i * (m + 1) + j + 1]);
    }
  }
  const out: string[] = [];
  let i = 0, j = 0, gap = false;
  const push = (t: string): void => {
    if (t === "<*>") { if (out[out.length - 1] !== "<*>") out.push(t); } else out.push(t);
  };
  while (i < n && j < m) {
    if (ka[i] === kb[j] && a[i] !== "<*>") { if (gap) push("<*>"); gap = false; push(a[i]); i++; j++; }
    else if (L[(i + 1) * (m + 1) + j] >= L[i * (m + 1) + j + 1]) { i++; gap = true; }
    else { j++; gap = true; }
  }
  if (gap || i < n || j < m) push("<*>");
  return out;
}

// ------------------------------------------------------------------------------------ persistence

const MAGIC = 0x4d54444e; // "NDTM" little-endian
const VERSION = 5; // 2: token hashes carry the plain-word bit and leave out opening and closing punctuation; 3: a generalisation must leave wording that holds a template (entries registered by version 2 would be released wrongly), entries carry the typo-rule flag, and the live groups' cores are saved; 4: groups carry their held and late-generalised segments (see `Engine.reconsider`: release must unregister the late ones) and the seamless skeletons are saved (see `Engine.joinSeamless`); 5: pattern entries carry their second hash (`eCheck`), and the pattern table may hold a key more than once
const LE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder("utf-8", { fatal: true });

/** Growable little-endian byte writer. */
class ByteWriter {
  buf = new Uint8Array(1 << 16);
  dv = new DataView(this.buf.buffer);
  pos = 0;
  room(n: number): number {
    if (this.pos + n > this.buf.length) {
      let c = this.buf.length * 2;
      while (c < this.pos + n) c *= 2;
      const b = new Uint8Array(c); b.set(this.buf.subarray(0, this.pos));
      this.buf = b; this.dv = new DataView(b.buffer);
    }
    const p = this.pos; this.pos += n; return p;
  }
  // (the position is taken first: room() may replace buf and dv)
  u8(v: number): void { const p = this.room(1); this.buf[p] = v; }
  u32(v: number): void { const p = this.room(4); this.dv.setUint32(p, v, true); }
  f64(v: number): void { const p = this.room(8); this.dv.setFloat64(p, v, true); }
  str(s: string): void {
    const max = s.length * 3;
    const lenAt = this.room(4);
    const p = this.room(max);
    const { written } = utf8.encodeInto(s, this.buf.subarray(p, p + max));
    this.dv.setUint32(lenAt, written, true);
    this.pos = p + written;
  }
  words(a: Uint32Array | Int32Array, n: number): void {
    const p = this.room(4 * n);
    if (LE) this.buf.set(new Uint8Array(a.buffer, a.byteOffset, 4 * n), p);
    else for (let i = 0; i < n; i++) this.dv.setUint32(p + 4 * i, a[i] >>> 0, true);
  }
  u32s(a: Uint32Array, n: number): void { this.words(a, n); }
  i32s(a: Int32Array, n: number): void { this.words(a, n); }
  u8s(a: Uint8Array, n: number): void { const p = this.room(n); this.buf.set(a.subarray(0, n), p); }
  finish(): Uint8Array { return this.buf.slice(0, this.pos); }
}

/** Bounds-checked reader; every problem is an Error naming what is wrong. */
class ByteReader {
  readonly dv: DataView;
  pos = 0;
  constructor(readonly buf: Uint8Array) { this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength); }
  fail(what: string): Error { return new Error(`${WHERE}.deserialize: malformed state: ${what}`); }
  left(): number { return this.buf.length - this.pos; }
  take(n: number, what: string): number {
    if (n > this.buf.length - this.pos) throw this.fail(`it ends inside ${what} (${n} bytes needed, ${this.buf.length - this.pos} left)`);
    const p = this.pos; this.pos += n; return p;
  }
  u8(what: string): number { return this.buf[this.take(1, what)]; }
  u32(what: string): number { return this.dv.getUint32(this.take(4, what), true); }
  f64(what: string): number { return this.dv.getFloat64(this.take(8, what), true); }
  /** A count no larger than `max`. */
  count(what: string, max: number): number {
    const n = this.u32(what);
    if (n > max) throw this.fail(`${what} is ${n}, more than ${max}`);
    return n;
  }
  index(n: number, what: string): number {
    const v = this.u32(what);
    if (v >= n) throw this.fail(`${what} is ${v}, not below ${n}`);
    return v;
  }
  /** A list of distinct indexes below n. */
  indexes(n: number, what: string): number[] {
    const c = this.count(`the length of ${what}`, n);
    const seen = new Uint8Array(n), out: number[] = new Array(c);
    for (let i = 0; i < c; i++) {
      const v = this.index(n, what);
      if (seen[v]) throw this.fail(`${what} lists ${v} twice`);
      seen[v] = 1; out[i] = v;
    }
    return out;
  }
  str(what: string): string {
    const n = this.u32(what);
    const p = this.take(n, what);
    try { return utf8Strict.decode(this.buf.subarray(p, p + n)); } catch { throw this.fail(`${what} is not valid UTF-8`); }
  }
  words(n: number, what: string, out: Uint32Array | Int32Array): void {
    const p = this.take(4 * n, what);
    if (LE) new Uint8Array(out.buffer, out.byteOffset, 4 * n).set(this.buf.subarray(p, p + 4 * n));
    else for (let i = 0; i < n; i++) out[i] = this.dv.getUint32(p + 4 * i, true);
  }
  room(bytes: number, what: string): void {
    if (bytes > this.left()) throw this.fail(`it ends inside ${what} (${bytes} bytes needed, ${this.left()} left)`);
  }
  u32s(n: number, cap: number, what: string): Uint32Array<ArrayBuffer> { this.room(4 * n, what); const a = new Uint32Array(Math.max(n, cap)); this.words(n, what, a); return a; }
  i32s(n: number, cap: number, what: string): Int32Array<ArrayBuffer> { this.room(4 * n, what); const a = new Int32Array(Math.max(n, cap)); this.words(n, what, a); return a; }
  u8s(n: number, cap: number, what: string): Uint8Array<ArrayBuffer> {
    const p = this.take(n, what);
    const a = new Uint8Array(Math.max(n, cap)); a.set(this.buf.subarray(p, p + n)); return a;
  }
}

/** Occupied slots of a U32Map: capacity bits, count, then each slot's words (key first). */
function saveMap(w: ByteWriter, m: U32Map): void {
  w.u8(31 - Math.clz32(m.slots));
  w.u32(m.size);
  const t = m.t, st = m.stride;
  for (let p = 0; p < t.length; p += st) {
    if (t[p] === 0) continue;
    for (let k = 0; k < st; k++) w.u32(t[p + k]);
  }
}
function loadMap(r: ByteReader, m: U32Map, what: string, checkVal: (v: number) => void, dupKeys = false): void {
  const bits = r.u8(`${what}'s capacity`);
  if (bits < 4 || bits > 28) throw r.fail(`${what} has capacity 2^${bits}`);
  const n = r.count(`${what}'s size`, 1 << (bits - 1));
  const st = m.stride;
  if (n * st * 4 > r.left()) throw r.fail(`${what} holds ${n} entries but only ${r.left()} bytes are left`);
  const fresh = new U32Map(bits, st as 2 | 4);
  for (let k = 0; k < n; k++) {
    const key = r.u32(what);
    if (key === 0) throw r.fail(`${what} holds the reserved key 0`);
    if (dupKeys) {
      // (a key may repeat, each time with another value: see `U32Map.append`)
      const v = r.u32(what);
      if (fresh.findValue(key, v) >= 0) throw r.fail(`${what} holds key ${key} with value ${v} twice`);
      const p = fresh.append(key);
      fresh.t[p + 1] = v;
      for (let w = 2; w < st; w++) fresh.t[p + w] = r.u32(what);
      checkVal(v);
    } else {
      if (fresh.find(key) >= 0) throw r.fail(`${what} holds key ${key} twice`);
      const p = fresh.slot(key);
      for (let w = 1; w < st; w++) fresh.t[p + w] = r.u32(what);
      checkVal(fresh.t[p + 1]);
    }
  }
  m.t = fresh.t; m.mask = fresh.mask; m.shift = fresh.shift; m.size = fresh.size;
}

/**
 * dst[d .. d+n) = src[s .. s+n): a plain loop, because `set(subarray(...))` makes a view object per
 * call, which on the per-text paths of a million texts is garbage-collector work.
 */
function copyWords(src: Uint32Array, s: number, dst: Uint32Array, d: number, n: number): void {
  for (let k = 0; k < n; k++) dst[d + k] = src[s + k];
}

function grow32(a: Int32Array, c: number): Int32Array<ArrayBuffer> { const b = new Int32Array(c); b.set(a); return b; }
function grow8(a: Uint8Array, c: number): Uint8Array<ArrayBuffer> { const b = new Uint8Array(c); b.set(a); return b; }

// ------------------------------------------------------------------------------------- public API

/**
 * Streaming template miner. Items are caller-chosen unique integers; `add` answers at once with the
 * item's group, `remove` forgets an item (its n-gram counts are decremented, and a group with no
 * live item is freed, so memory follows the number of live items). Group ids of freed groups may
 * be reused later. `onMerge(from, into)` is called whenever two groups become one (also when an
 * earlier singleton moves into a newly recognised group); `from` is not used again until freed.
 */
export class TemplateMiner {
  private readonly eng: Engine;
  private readonly items = new Map<number, { text: string; group: number }>();
  private readonly revisits: number[] = []; // scratch of add()
  /**
   * Live texts by key (tokens with digits masked): count * GROUP_SPAN + a group holding them (one
   * number per key; count >= 1 while the key has a live text).
   */
  private readonly exact = new Map<number, number>();

  constructor(opts?: TemplateMinerOptions, onMerge?: (from: number, into: number) => void) {
    this.eng = new Engine(resolve(opts, true), true);
    if (onMerge !== undefined && typeof onMerge !== "function") throw new TypeError(`${WHERE}: onMerge must be a function`);
    this.eng.onMerge = onMerge;
  }

  /** Live items. */
  get size(): number { return this.items.size; }

  /** Adds item `item` with `text`; returns its group id now. */
  add(item: number, text: string): number {
    if (!Number.isInteger(item)) throw new TypeError(`${WHERE}.add: item must be an integer, got ${String(item)}`);
    if (typeof text !== "string") throw new TypeError(`${WHERE}.add: text must be a string, got ${typeof text}`);
    if (this.items.has(item)) throw new Error(`${WHERE}.add: item ${item} is already live; remove it first`);
    const eng = this.eng, sc = eng.sc;
    const s = normalize(text);
    tokenize(s, sc);
    const key = this.exactKeyOf(s);
    const revisit = this.revisits;
    revisit.length = 0;
    eng.count(1, item, revisit);
    // (the live copies of this text: count * GROUP_SPAN + group; nothing below changes it before the set)
    const v = this.exact.get(key) ?? 0;
    sc.copies = Math.floor(v / GROUP_SPAN) + 1;
    const h = eng.skeleton();
    sc.copies = 1;
    let g = h === 0 ? this.assignExact(s, key, v) : eng.assign(h, s);
    // texts identical up to their digits stay in one group, whatever skeleton each got when it came
    // (copies seen before their wording recurred had a coarser one, or none)
    // (but not a text of a field skeleton with a copy that has wording, nor the other way round:
    // early in a stream a template's first text can have nothing recurring yet and take its
    // field labels for its skeleton, and its copies must not join that group to the template's)
    if (v !== 0 && eng.find(v % GROUP_SPAN) !== eng.find(g) && eng.fieldGroup(eng.find(v % GROUP_SPAN)) === sc.fielded) g = eng.union(v % GROUP_SPAN, g);
    this.exact.set(key, (Math.floor(v / GROUP_SPAN) + 1) * GROUP_SPAN + g);
    this.items.set(item, { text: s, group: g });
    // whether the text's own display has a word (what `hollow` answers for a group of this text
    // alone, without building the display again)
    this.lastGroup = eng.find(g);
    this.lastText = s;
    this.lastWorded = false;
    if (h !== 0 || sc.fielded) for (let p = 0; p < sc.ne && !this.lastWorded; p++) if (sc.elems[p] > SEAM) this.lastWorded = tokenText(s, sc, sc.elemTok[p]) !== "<*>";
    for (const w of revisit) if (w !== item) this.revisit(w);
    return eng.find(g);
  }
  private lastGroup = -1;
  private lastWorded = false;
  private lastText = "";

  /**
   * Whether the group's template has no word at all (`isHollow(template(group))`), answered
   * without building the template when the group is the one text just added on its own skeleton
   * (most adds of a stream: the Detector asks on every add).
   */
  hollow(group: number): boolean {
    const eng = this.eng;
    if (!Number.isInteger(group) || group < 0 || group >= eng.gCount) throw new RangeError(`${WHERE}.hollow: unknown group ${String(group)}`);
    const r = eng.find(group);
    if (r === this.lastGroup && eng.gSize[r] === 1 && eng.gNext[r] === r) {
      if (eng.gEntry[r] >= 0) return !this.lastWorded;
      // a group of texts identical up to their digits shows the text, digits masked, or as
      // written when masking leaves no word (see `maskedDisplay`): hollow only when every
      // whitespace-separated token is "<*>" itself
      if (eng.gKey[r] !== 0) return ONLY_SLOTS.test(this.lastText);
    }
    return isHollow(this.template(group));
  }

  /**
   * A text without a skeleton (too little wording) joins the live group of texts identical to it up
   * to their digits, as in batch mining; such a group keeps the text's key in `gKey` and has no
   * pattern entry, so the key is checked (a freed group id may be reused) before joining. A first
   * such text joins the template its thin skeleton is the slot pattern of, if any (`Engine.thinJoin`).
   * `v`: the key's entry in `exact` (0 when no live text has it).
   */
  private assignExact(s: string, key: number, v: number): number {
    const eng = this.eng;
    if (v !== 0) { const r = eng.find(v % GROUP_SPAN); eng.gSize[r]++; return r; }
    // (one pattern lookup, for thin texts only)
    const t = eng.thinJoin();
    if (t >= 0) { eng.gSize[t]++; return t; }
    // (a frame around a reused passage: the group of its frame, as a field skeleton's)
    if (eng.sc.frame !== 0) { eng.sc.fielded = true; return eng.assign(eng.sc.frame, s); }
    const g = eng.assign(0, s);
    if (eng.sc.n > 0) eng.gKey[g] = key;
    return g;
  }

  /**
   * Key of the tokenized text in the scratch: its tokens (digits masked), or the text when all are
   * digits; 53 bits (the 32-bit hash and 21 bits of its second hash), so that texts do not share a
   * key by chance (32 bits alone collide about 60 times among 1M prompts, as the batch miner saw).
   */
  private exactKeyOf(s: string): number {
    const sc = this.eng.sc, n = sc.n;
    let words = false;
    for (let j = 0; j < n && !words; j++) words = sc.toks[j] !== WILD;
    const h = words ? hashElems(sc.toks, 0, n, -1, -1) : exactKey(s);
    return h + (hashCheck & 0x1fffff) * 4294967296;
  }

  /** An earlier item whose n-gram just became recurrent: if it is alone, look again. */
  private revisit(w: number): void {
    const it = this.items.get(w);
    if (it === undefined) return;
    const eng = this.eng, sc = eng.sc;
    const r = eng.find(it.group);
    if (eng.gSize[r] !== 1) return;
    tokenize(it.text, sc);
    const key = this.exactKeyOf(it.text);
    sc.copies = Math.max(1, Math.floor((this.exact.get(key) ?? 0) / GROUP_SPAN));
    const h = eng.skeleton();
    sc.copies = 1;
    if (h === 0 || h === eng.gKey[it.group]) return;
    const g = eng.assign(h, it.text); // counts the item in its new set
    const into = eng.find(g);
    it.group = g;
    this.exact.set(key, GROUP_SPAN + g); // the item was alone, so it is its key's only live text
    if (into === eng.find(r)) { eng.gSize[into]--; return; } // the old group was merged in meanwhile
    eng.onMerge?.(r, into);
    eng.release(r); // the old singleton is empty now
  }

  /** Forgets an item; returns false when it is not live. */
  remove(item: number): boolean {
    const it = this.items.get(item);
    if (it === undefined) return false;
    this.items.delete(item);
    const eng = this.eng;
    tokenize(it.text, eng.sc);
    const key = this.exactKeyOf(it.text);
    const v = this.exact.get(key) ?? GROUP_SPAN;
    if (v >= 2 * GROUP_SPAN) this.exact.set(key, v - GROUP_SPAN);
    else this.exact.delete(key);
    eng.count(-1, item, null);
    eng.release(it.group);
    return true;
  }

  /** Current group of a live item (follows merges); -1 when the item is not live. */
  groupOf(item: number): number {
    const it = this.items.get(item);
    return it === undefined ? -1 : this.eng.find(it.group);
  }

  /** The normalized text of a live item (what the miner keeps of it); undefined when not live. */
  text(item: number): string | undefined {
    return this.items.get(item)?.text;
  }

  /** Readable template of a group: shared wording with `<*>` for the slots. */
  template(group: number): string {
    const eng = this.eng;
    if (!Number.isInteger(group) || group < 0 || group >= eng.gCount) throw new RangeError(`${WHERE}.template: unknown group ${String(group)}`);
    const r = eng.find(group);
    // a group of texts identical up to their digits: the text with its variables masked
    if (eng.gEntry[r] < 0 && eng.gKey[r] !== 0) return maskedDisplay(eng, eng.gRep[r] as string);
    return eng.template(group, (rep) => rep as string);
  }

  /**
   * The miner's complete state as bytes, so that `TemplateMiner.deserialize` gives a miner that answers
   * every later call exactly as this one would. Plain little-endian bytes (no checksum: wrap them in a
   * checksummed container, as `Detector.save` does):
   *
   *   u32 magic "NDTM" | u32 version | options: u32 minSupport, f64 relativeSupport, u32 variability,
   *   maxColumns, maxSegments, minWording | n-gram table | pattern table | pattern entries |
   *   groups | template cache | u32 items, each: f64 item, u32 group, string normalized text
   *
   * Tables hold their occupied slots only; strings are u32 byte length + UTF-8.
   */
  serialize(): Uint8Array {
    const w = new ByteWriter(), o = this.eng.o;
    w.u32(MAGIC); w.u32(VERSION);
    w.u32(o.minSupport); w.f64(o.relativeSupport); w.u32(o.variability); w.u32(o.maxColumns); w.u32(o.maxSegments); w.u32(o.minWording);
    this.eng.save(w);
    w.u32(this.items.size);
    for (const [item, it] of this.items) { w.f64(item); w.u32(it.group); w.str(it.text); }
    return w.finish();
  }

  /**
   * A miner from `serialize`'s bytes; `onMerge` as in the constructor. Malformed bytes (truncated,
   * another format, indexes out of range) throw an Error saying what is wrong.
   */
  static deserialize(bytes: Uint8Array, onMerge?: (from: number, into: number) => void): TemplateMiner {
    if (!(bytes instanceof Uint8Array)) throw new TypeError(`${WHERE}.deserialize: bytes must be a Uint8Array, got ${bytes === null ? "null" : typeof bytes}`);
    const r = new ByteReader(bytes);
    if (r.u32("the magic number") !== MAGIC) throw r.fail("these bytes are not a TemplateMiner state (wrong magic number)");
    const v = r.u32("the version");
    if (v !== VERSION) throw r.fail(`format version ${v}; this build reads version ${VERSION}${v < VERSION ? " (a state saved by an older neardup: mine its texts again)" : ""}`);
    const opts = { minSupport: r.u32("minSupport"), relativeSupport: r.f64("relativeSupport"), variability: r.u32("variability"),
      maxColumns: r.u32("maxColumns"), maxSegments: r.u32("maxSegments"), minWording: r.u32("minWording") };
    let m: TemplateMiner;
    try { m = new TemplateMiner(opts, onMerge); } catch (err) { throw r.fail(`options: ${(err as Error).message}`); }
    const eng = m.eng;
    eng.load(r);
    const n = r.count("the item count", r.left() >> 4);
    for (let k = 0; k < n; k++) {
      const item = r.f64("an item id");
      if (!Number.isInteger(item)) throw r.fail(`item id ${item} is not an integer`);
      const group = r.index(eng.gCount, `item ${item}'s group`);
      const text = r.str(`item ${item}'s text`);
      if (m.items.has(item)) throw r.fail(`item ${item} appears twice`);
      m.items.set(item, { text, group });
    }
    if (r.left() !== 0) throw r.fail(`${r.left()} bytes are left after the last item`);
    // the exact-text map, from the live items
    for (const it of m.items.values()) {
      tokenize(it.text, eng.sc);
      const key = m.exactKeyOf(it.text);
      m.exact.set(key, (Math.floor((m.exact.get(key) ?? 0) / GROUP_SPAN) + 1) * GROUP_SPAN + it.group);
    }
    return m;
  }

  /** Sizes of the internal tables (n-grams, patterns), for memory checks. */
  stats(): { ngrams: number; patterns: number; items: number } {
    return { ngrams: this.eng.df.size, patterns: this.eng.patterns, items: this.items.size };
  }
}

/**
 * Batch template mining: counts the 3-grams of all texts first, then groups them in order.
 * Deterministic. `labels[i]` is the group of `texts[i]` (0, 1, 2, ... in order of first member);
 * `templates[label]` its template.
 */
export function mineTemplates(texts: readonly string[], opts?: TemplateMinerOptions): { labels: Int32Array; templates: string[]; siblings: Uint8Array } {
  const { labels, templates, siblings } = mine(texts, opts, 0);
  return { labels, templates, siblings };
}

/** Stands for the template of a text of its own with some wording (see `mine`). */
export const THIN_SINGLETON = "\u2026";

/**
 * `mineTemplates`; a text of its own whose skeleton has fewer than `skipBelow` static tokens gets
 * THIN_SINGLETON instead of its template (cluster() has no use for those, and building them means
 * tokenizing most of a large input a second time).
 */
export function mine(texts: readonly string[], opts: TemplateMinerOptions | undefined, skipBelow: number, helper?: MinerHelper): { labels: Int32Array; templates: string[]; siblings: Uint8Array; recurring: Uint8Array } {
  if (!Array.isArray(texts)) throw new TypeError("mineTemplates: texts must be an array of strings");
  const eng = new Engine(resolve(opts, false), false);
  eng.deferred = true;
  const sc = eng.sc;
  const N = texts.length;
  // n-grams seen once live in a Bloom filter of about 8 bits per expected occurrence (2-grams and
  // 3-grams, ~5 characters a token), at most 256 MB
  let chars = 0;
  for (let i = 0; i < N; i++) { const t = texts[i]; if (typeof t === "string") chars += t.length; }
  // (2-grams and 3-grams each have their own filter, of half the bits: one thread counts each table)
  const seenBits = Math.min(2 ** 31, (chars / 5 + N) * 2 * 8);
  let seenB: SeenFilter | null = new SeenFilter(seenBits / 2);
  let seenG = helper === undefined ? new SeenFilter(seenBits / 2) : null;
  helper?.begin(texts, BLOCK, seenBits / 2);
  eng.plus = 1;
  const alloc32 = helper === undefined ? (n: number) => new Uint32Array(n) : (n: number) => helper.shared32(n);
  if (helper !== undefined) eng.bf = new U32Map(16, 2, alloc32); // the helper reads it in pass 2
  // pass 1: token hashes of every text, kept in one pool, and the 2-gram and 3-gram counts, a
  // block of texts at a time (see countBlock)
  let pool = alloc32(Math.max(1024, Math.ceil(chars / 4.5))); // tokens: ~5.5 characters each
  const offs = helper === undefined ? new Int32Array(N + 1) : helper.sharedI32(N + 1);
  let used = 0;
  // (one kernel instance of its own for the call's sorts: its memory goes with the call)
  const sortKernel = new SortKernel();
  const part = new Partition(sortKernel), gk = new Buf(), bk = new Buf(), tk = new Buf();
  const stamps = new StampSet();
  let counts: Int32Array = new Int32Array(BLOCK);
  for (let b0 = 0, k = 0; b0 < N; b0 += BLOCK, k++) {
    const b1 = Math.min(N, b0 + BLOCK);
    let toks: Uint32Array;
    const byHelper = helper !== undefined && helper.tokenizes(k);
    if (byHelper) ({ toks, counts } = helper.tokens(k));
    else {
      tk.n = 0;
      tokenizeBlock(texts, b0, b1, tk, counts, sc);
      toks = tk.a;
    }
    let total = 0;
    for (let i = b0; i < b1; i++) total += counts[i - b0];
    if (used + total > pool.length) {
      const p = alloc32(Math.max(Math.ceil(pool.length * 1.25), used + total));
      p.set(pool.subarray(0, used)); pool = p;
    }
    pool.set(toks.subarray(0, total), used);
    for (let i = b0; i < b1; i++) offs[i + 1] = offs[i] + counts[i - b0];
    used += total;
    helper?.pooled(k, pool, offs);
    blockKeys(pool, offs, b0, b1, true, bk, stamps, sc);
    countBlock(seenB, eng.bf, bk.a, bk.n, part);
    if (seenG !== null) {
      blockKeys(pool, offs, b0, b1, false, gk, stamps, sc);
      countBlock(seenG, eng.df, gk.a, gk.n, part);
    }
  }
  if (helper !== undefined) {
    const g = helper.grams();
    eng.df.adopt(g.t, g.size);
  }
  seenB = seenG = null; // free them: later steps read only the tables (n-grams seen once count as 0 there)
  // pass 2: skeletons under the final counts, grouped in order; the counts of a block's n-grams
  // are looked up in top-bits order too
  const groups = new Int32Array(N);
  const thinKey = new Uint32Array(N);
  const thinCheck = new Uint32Array(N); // (21 bits of the thin skeleton's second hash go into its key below)
  const reused = new Uint8Array(N); // 1: a text whose slot holds a payload that recurs (`Scratch.reused`; read for thin groups, see `frameRoots`)
  const shape = new Uint8Array(N);
  const statics = new Uint8Array(N); // static tokens of each text's skeleton (at most 255)
  const exact = new Map<number, number>(); // token-sequence hash -> group, for texts without a skeleton
  const exactFull = new Map<string, number>(); // the same, for texts whose hash another text has
  const exactMembers = new Map<number, number[]>(); // such a group (its root) -> its first members (for its template)
  // 1 when at least half of the text's 3-grams recur (in minSupport texts): a text with fewer
  // cannot be a near-duplicate (Jaccard >= 0.8 shares 80 % of its 3-grams) of anything
  const recurring = helper === undefined ? new Uint8Array(N) : helper.shared8(N);
  const theta = eng.o.minSupport;
  const ss = new SupportScratch(sortKernel);
  if (helper !== undefined) {
    let maxTotal = 0;
    for (let b0 = 0; b0 < N; b0 += BLOCK) maxTotal = Math.max(maxTotal, offs[Math.min(N, b0 + BLOCK)] - offs[b0]);
    helper.supportsFrom(pool, offs, recurring, N, BLOCK, theta, maxTotal, eng.bf);
  }
  for (let b0 = 0, k = 0; b0 < N; b0 += BLOCK, k++) {
    const b1 = Math.min(N, b0 + BLOCK);
    const base = offs[b0];
    const sup = helper === undefined ? blockSupports(eng.df, eng.bf, theta, pool, offs, b0, b1, null, recurring, ss)
      : helper.supports(k, (c, out) => blockSupports(eng.df, eng.bf, theta, pool, offs, c * BLOCK, Math.min(N, (c + 1) * BLOCK), out, recurring, ss));
    for (let i = b0; i < b1; i++) {
      const a = offs[i], n = offs[i + 1] - a;
      sc.ensure(n + 2);
      copyWords(pool, a, sc.toks, 0, n); sc.n = n;
      const sg = sc.grams;
      for (let j = 0; j < n; j++) sg[j] = sup[a - base + j];
      sc.field = fieldOf(texts[i]);
      const h = eng.skeletonOf();
      groups[i] = eng.assign(h, i);
      thinKey[i] = sc.thin;
      if (sc.thin !== 0) thinCheck[i] = sc.check & 0x1fffff;
      if (sc.reused) reused[i] = 1;
      if (h === 0 && n > 0) {
        // no skeleton to group on: texts identical up to their digits are still one group (texts
        // that are all digits only when identical)
        let words = false;
        for (let j = 0; j < n && !words; j++) words = sc.toks[j] !== WILD;
        const k = words ? hashElems(sc.toks, 0, n, -1, -1) : exactKey(normalize(texts[i]));
        let g0 = exact.get(k);
        // (a 32-bit key is shared by two different texts about 60 times among 1M prompts: a hit is
        // checked against the group's first text, and a text that only shares its key is grouped
        // by its whole token sequence, or its text when it is all digits)
        if (g0 !== undefined && !sameExact(pool, offs, texts, i, eng.gRep[g0] as number, words)) {
          const full = words ? Array.prototype.join.call(pool.subarray(offs[i], offs[i + 1]), ",") : "#" + normalize(texts[i]);
          g0 = exactFull.get(full);
          if (g0 === undefined) exactFull.set(full, groups[i]);
        }
        if (g0 === undefined) { if (!exact.has(k)) exact.set(k, groups[i]); }
        else {
          const r = eng.union(g0, groups[i]);
          let ms = exactMembers.get(r);
          if (ms === undefined) { ms = [eng.gRep[g0] as number]; exactMembers.set(r, ms); }
          if (ms.length < 8) ms.push(i);
        }
      }
      // what a singleton's template will need: "" (no token), "<*>" (no wording), or the display
      let wording = 0;
      for (let p = 0; p < sc.ne; p++) if (sc.elems[p] > SEAM) wording++;
      shape[i] = n === 0 ? 0 : wording === 0 ? 1 : 2;
      statics[i] = wording > 255 ? 255 : wording;
    }
    helper?.release(k);
  }
  // pass 3: merges decided on the complete statistics, then every distinct skeleton joins them
  // (and skeletons that are another one in a short wrapper join it: see `Wrappers`)
  eng.settle();
  const wrappers = new Wrappers(eng.o.minWording);
  const shared = new Shared(eng.o.minWording);
  for (let i = 0; i < N; i++) {
    const g = groups[i];
    if (eng.gRep[g] !== i || eng.gEntry[g] < 0) continue;
    const a = offs[i], n = offs[i + 1] - a;
    copyWords(pool, a, sc.toks, 0, n);
    sc.n = n;
    sc.field = fieldOf(texts[i]);
    eng.skeleton();
    if (sc.fielded) continue;
    eng.joinMerged(g);
    wrappers.note(sc.elems, sc.ne, g);
    shared.note(sc, g, eng.skeletonTexts(g), eng.gSize[eng.find(g)]);
  }
  wrappers.join(eng);
  shared.join(eng);
  // pass 4: families of sibling templates are split (see `splitFamilies`)
  // Texts with too little wording to be grouped (skeleton "read this and <*>") form thin groups
  // here, which are kept only where they split into siblings (the sibling wording is what the
  // family-wide statistics took for a slot); the rest stay singletons.
  const root = new Int32Array(N);
  const thinRoot = new Map<number, number>(), thinSize = new Map<number, number>();
  for (let i = 0; i < N; i++) {
    if (thinKey[i] === 0) continue;
    const key = thinKey[i] + thinCheck[i] * 4294967296;
    let r = thinRoot.get(key);
    if (r === undefined) thinRoot.set(key, r = eng.gCount + thinRoot.size);
    thinSize.set(key, (thinSize.get(key) ?? 0) + 1);
    root[i] = r;
  }
  // (and groups whose skeleton is a thin one with shared runs made slots join its thin group)
  const joins = shared.thinJoins(eng, thinRoot, thinSize);
  for (let i = 0; i < N; i++) {
    if (thinKey[i] !== 0) continue;
    const r = eng.find(groups[i]);
    root[i] = joins.get(r) ?? r;
  }
  const size = new Int32Array(eng.gCount + thinRoot.size);
  for (let i = 0; i < N; i++) size[root[i]]++;
  const within = new U32Map(16, 2);
  // (by default only thin groups are looked at: a family with enough wording stays one group)
  let sub = splitFamilies(eng, root, size, pool, offs, N, within, eng.o.splitSiblings ? 0 : eng.gCount, sortKernel);
  // A thin group whose texts mostly carry a payload that recurs elsewhere is a frame around reused
  // material ("Translate into {language}: {text}" over passages also sent under other templates):
  // one group, a family of variants ("translate into french: <*>", "... german: <*>") as families
  // with more wording are by default; with `splitSiblings`, what did not split into siblings
  // above. Organic texts that merely open alike ("quick question: <*>") hold text of their own in
  // the slot. (See `frameRoots`.)
  const keep = eng.o.splitSiblings ? sub : null;
  const frames = frameRoots(root, reused, keep, eng.gCount, thinRoot.size, N);
  if (frames !== null) {
    if (sub === null) sub = new Float64Array(N).fill(-1);
    for (let i = 0; i < N; i++) if ((keep === null || sub[i] === -1) && frames[root[i] - eng.gCount] === 1) sub[i] = -2 - root[i];
  }
  pool = new Uint32Array(0);
  // labels in order of first member
  const labels = new Int32Array(N);
  const labelOf = new Int32Array(eng.gCount).fill(-1); // root group -> label
  const templates: string[] = [];
  const textOf = (rep: string | number): string => normalize(texts[rep as number]);
  const subLabel = new Map<number, number>(); // sub-group -> label
  for (let i = 0; i < N; i++) {
    const r = eng.find(groups[i]);
    if (sub !== null && sub[i] !== -1) {
      let l = subLabel.get(sub[i]);
      if (l === undefined) { l = templates.length; subLabel.set(sub[i], l); templates.push(""); }
      labels[i] = l;
      continue;
    }
    let l = labelOf[r];
    if (l < 0) {
      l = templates.length;
      labelOf[r] = l;
      const em = exactMembers.get(r);
      templates.push(em !== undefined ? maskedDisplay(eng, texts[em[0]]) : eng.gSize[r] > 1 ? eng.template(r, textOf) : shape[i] === 0 ? "" : shape[i] === 1 ? "<*>"
        : statics[i] < skipBelow ? THIN_SINGLETON : singletonTemplate(eng, texts[i]));
    }
    labels[i] = l;
  }
  if (sub !== null) {
    // templates of the sub-groups and frames: their members' shared wording
    const byLabel = new Map<number, number[]>();
    for (let i = 0; i < N; i++) if (sub[i] !== -1) { const l = labels[i]; let m = byLabel.get(l); if (m === undefined) byLabel.set(l, m = []); m.push(i); }
    for (const [l, all] of byLabel) {
      // (a frame is shown by its thin texts: those that joined it hold phrases of their passages)
      const thin = all.filter((i) => thinKey[i] !== 0);
      const m = thin.length > 0 ? thin : all;
      const r = root[m[0]];
      // (the displays' own "<*>" can align with each other next to a new slot: one "<*>" for both)
      const t = templateOf(m.slice(0, 8).map((i) => familyDisplay(eng, texts[i], r, within)), 8).replace(/<\*>(?: <\*>)+/gu, "<*>");
      templates[l] = !isHollow(t) ? t : r < eng.gCount ? eng.template(r, textOf) : singletonTemplate(eng, texts[m[0]]);
    }
  }
  const siblings = new Uint8Array(templates.length);
  for (const [k, l] of subLabel) if (k >= 0) siblings[l] = 1; // (not frames)
  return { labels, templates, siblings, recurring };
}

/**
 * A text of group r shown for its sub-group's template: the tokens that a 3-gram recurring in the
 * group (in at least SUB_MIN of its texts) covers, `<*>` for the rest.
 */
function familyDisplay(eng: Engine, text: string, r: number, within: U32Map): string {
  const sc = eng.sc, s = normalize(text);
  tokenize(s, sc);
  grams(sc);
  const n = sc.n, out: string[] = [];
  const rec = (j: number): boolean => j >= 0 && j < n && within.get(mix2(r, sc.grams[j]) || 1, 0) >= SUB_MIN;
  for (let j = 0; j < n; j++) {
    if (sc.toks[j] !== WILD && (rec(j - 1) || rec(j) || rec(j + 1))) out.push(tokenText(s, sc, j));
    else if (out[out.length - 1] !== "<*>") out.push("<*>");
  }
  return out.join(" ");
}

/** A thin group is a frame (`frameRoots`) from this many texts on... */
const FRAME_MIN = 5;
/** ... when more than this share of them carry a reused payload. */
const FRAME_REUSED = 0.5;

/**
 * Thin groups (the `nr` roots from `first` on) that are frames around reused payloads: of their texts (with
 * `sub`, those that did not split into siblings, -1 there), at least FRAME_MIN, and most of them
 * (FRAME_REUSED) had a long run of recurring plain words made a slot by the payload regime (a passage that other texts also hold, far less often than the frame's wording).
 * Returns a flag per thin root, or null when there is none. The wording of such a group is thin
 * (two words, "translate into <*>"), too thin to tell a template from organic prompts that open
 * alike, but the reuse of its slot's contents is what a template filled from a corpus shows and
 * free text does not: a prompt's own text recurs nowhere else. (The same contrast as Drain's and
 * Brain's: wording is what stays while the rest varies; here the rest is also seen elsewhere.)
 */
function frameRoots(root: Int32Array, reused: Uint8Array, sub: Float64Array | null, first: number, nr: number, N: number): Uint8Array | null {
  if (nr === 0) return null;
  const rc = new Int32Array(nr), size = new Int32Array(nr);
  for (let i = 0; i < N; i++) {
    const r = root[i] - first;
    if (r < 0 || (sub !== null && sub[i] !== -1)) continue;
    size[r]++;
    if (reused[i] === 1) rc[r]++;
  }
  const out = new Uint8Array(nr);
  let any = false;
  for (let r = 0; r < nr; r++) {
    if (size[r] >= FRAME_MIN && rc[r] > FRAME_REUSED * size[r]) { out[r] = 1; any = true; }
  }
  return any ? out : null;
}

/** Static tokens a thin skeleton needs to be looked at for siblings at all. */
const THIN_MIN = 2;
/** Sub-groups hold at least this many texts, and their key wording recurs this often. */
const SUB_MIN = 3;
/** A family is split only when its sub-groups hold at least this share of its texts. */
const SUB_COVER = 0.9;
/** Key wording of a sub-group: at least this share of its 3-gram's occurrences lie in the family. */
const SUB_NESTED = 0.9;
/** Key wording recurs in at least 1/SUB_SHARE of the group's texts. */
const SUB_SHARE = 40;
/**
 * A heavy 3-gram is key wording only when at least this share of the 3-grams that extend either of its
 * 2-grams in the group are heavy too: sibling wording fills its place with a few heavy values, a
 * slot's edge ("<last word of the slot> please? here") with a long tail of one-off values.
 */
const CTX_SHARE = 0.7;

/**
 * Splits families of sibling templates: templates that share most of their wording and differ in
 * one place that takes a few established values ("Given the passage {P} summarize it and answer
 * {Q}", "... translate it ...", "... proofread it ..."), which the place-wise merge of step 4
 * joins like a slot. Within a group of m texts, a 3-gram is key wording when it recurs in at least
 * max(SUB_MIN, m / SUB_SHARE) of the group's texts and nearly all of its occurrences in the whole input lie
 * inside the group (a payload reused under other templates does not); each text's sub-key is its
 * set of key 3-grams. The group is split when the sub-keys shared by SUB_MIN or more texts cover at
 * least SUB_COVER of it, i.e. when the varying place has no long tail of one-off values, which is
 * what tells sibling templates from a variable: Brain (Yu et al., IEEE TSC 2023) likewise keeps
 * a column static when its values recur at the template's frequency level. Texts whose sub-key is
 * rare stay in the group. Returns each text's sub-group (a key), or -1; null when nothing splits.
 */
function splitFamilies(eng: Engine, root: Int32Array, size: Int32Array, pool: Uint32Array, offs: Int32Array, N: number, within: U32Map, fromRoot: number, sortKernel: SortKernel): Float64Array | null {
  const sc = eng.sc, stamps = new StampSet();
  let any = false;
  // only groups of long texts (the payload regime, as in `skeletonOf`): in short texts (log lines,
  // "Translate into {language}: {text}") a place with a few recurring values is a variable
  const longTexts = new Int32Array(size.length);
  for (let i = 0; i < N; i++) if (offs[i + 1] - offs[i] > eng.o.maxColumns) longTexts[root[i]]++;
  const big = (r: number): boolean => r >= fromRoot && size[r] >= 2 * SUB_MIN && longTexts[r] * 2 > size[r];
  for (let i = 0; i < N && !any; i++) any = big(root[i]);
  if (!any) return null;
  // the document frequency of every 3-gram of the big groups' texts, looked up once, a batch at a
  // time in top-bits order (`lookupBlock`), rather than three times at random below: dfOf[at[i] + j]
  // for 3-gram j of text i
  const at = new Int32Array(N).fill(-1);
  let total = 0;
  for (let i = 0; i < N; i++) if (big(root[i])) { at[i] = total; total += offs[i + 1] - offs[i]; }
  const dfOf = new Int32Array(total), gk = new Buf(), part = new Partition(sortKernel);
  for (let i = 0, base = 0; i < N;) {
    gk.n = 0;
    for (; i < N && gk.n < DF_BATCH; i++) {
      if (at[i] < 0) continue;
      const a = offs[i], n = offs[i + 1] - a;
      gramsOf(pool, a, n, gk.room(n), gk.n);
      gk.n += n;
    }
    lookupBlock(eng.df, gk.a, gk.n, dfOf.subarray(base, base + gk.n), part);
    base += gk.n;
  }
  // within-group counts of the recurring 3-grams: key mix2(root, gram)
  const load = (i: number): number => {
    const a = offs[i], n = offs[i + 1] - a;
    sc.ensure(n + 2);
    copyWords(pool, a, sc.toks, 0, n); sc.n = n;
    grams(sc);
    return n;
  };
  // (listed first, with their positions, then counted and read back in top-bits order, as in
  // countBlock and lookupBlock: met at random, a table of a large group's 3-grams costs a cache
  // miss a 3-gram)
  const wk = new Buf(), wpos = new Buf();
  for (let i = 0; i < N; i++) {
    if (!big(root[i])) continue;
    const n = load(i);
    stamps.begin(n);
    const ka = wk.room(n), pa = wpos.room(n);
    for (let j = 0; j < n; j++) {
      const gr = sc.grams[j];
      if (!stamps.add(gr) || dfOf[at[i] + j] < SUB_MIN) continue;
      ka[wk.n++] = mix2(root[i], gr) || 1;
      pa[wpos.n++] = at[i] + j;
    }
  }
  const runs = part.runs(wk.a, wk.n, true), rk = part.runKeys, rl = part.runCounts;
  within.reserve(within.size + runs);
  // (keys equal in their top 22 bits may interleave, one key in two runs: every run is counted
  // before any is read; then each run's count replaces its key, for `scatter`)
  for (let r = 0; r < runs; r++) { const p = within.slot(rk[r]); within.t[p + 1] += rl[r]; }
  for (let r = 0; r < runs; r++) rk[r] = within.t[within.find(rk[r]) + 1];
  const wc = new Int32Array(wk.n); // the within-group count of each listed 3-gram
  part.scatter(wc);
  // contexts: how many of the group's 3-grams extend each of its 2-grams (left and right), and how
  // many of those are heavy (recur in `floor` texts, nearly all inside the group): heavy[at[i] + j]
  // for 3-gram j of text i (its first occurrence in the text)
  const heavy = new Uint8Array(total);
  for (let i = 0, q = 0; i < N; i++) {
    const r = root[i];
    if (!big(r)) continue;
    const end = at[i] + offs[i + 1] - offs[i], m = size[r];
    for (; q < wk.n && wpos.a[q] < end; q++) {
      const c = wc[q], df = dfOf[wpos.a[q]];
      if (c >= Math.max(SUB_MIN, m / SUB_SHARE) && c >= SUB_NESTED * df && c < m) heavy[wpos.a[q]] = 1;
    }
  }

  // Only the contexts of heavy 3-grams are asked for below, so all contexts are first listed in
  // order (8 bytes a 3-gram) and counted afterwards only where a heavy one has them: a table of
  // every context of a large group (tens of MB, met at random) cost more than the rest of the step.
  const ctxAll = new U32Map(16, 2), ctxHeavy = new U32Map(16, 2);
  const ctx = (r: number, bg: number, side: number): number => mix3(r, bg, side) || 1;
  const seen = new Buf();
  for (let i = 0; i < N; i++) {
    const r = root[i];
    if (!big(r)) continue;
    const n = load(i);
    bigrams(sc);
    stamps.begin(n);
    const list = seen.room(2 * n);
    for (let j = 0; j < n; j++) {
      const gr = sc.grams[j];
      if (!stamps.add(gr)) continue;
      const h = heavy[at[i] + j] === 1;
      for (let side = 0; side < 2; side++) {
        const k = ctx(r, sc.bigrams[j + side], side);
        list[seen.n++] = k;
        if (h) ctxHeavy.t[ctxHeavy.slot(k) + 1]++;
      }
    }
  }
  for (let q = 0; q < seen.n; q++) {
    const k = seen.a[q];
    if (ctxHeavy.find(k) >= 0) ctxAll.t[ctxAll.slot(k) + 1]++;
  }
  // sub-keys (a text's key 3-grams: heavy, and both their 2-gram contexts are mostly heavy, so
  // the place has no long tail of one-off values), and how many texts share each (root, sub-key)
  const key = new Float64Array(N).fill(-1);
  const keyCount = new Map<number, number>();
  for (let i = 0; i < N; i++) {
    const r = root[i];
    if (!big(r)) continue;
    const n = load(i);
    bigrams(sc);
    stamps.begin(n);
    let h = 0, k = 0;
    for (let j = 0; j < n; j++) {
      const gr = sc.grams[j];
      if (!stamps.add(gr) || heavy[at[i] + j] !== 1) continue;
      let ok = true;
      for (let side = 0; side < 2 && ok; side++) {
        const c = ctx(r, sc.bigrams[j + side], side);
        ok = ctxHeavy.get(c, 0) >= CTX_SHARE * ctxAll.get(c, 0);
      }
      if (ok) { h = (h + fmix(gr)) >>> 0; k++; }
    }
    const sk = r * 4294967296 + (k === 0 ? 0 : (h || 1));
    key[i] = sk;
    keyCount.set(sk, (keyCount.get(sk) ?? 0) + 1);
  }
  // (the empty sub-key, texts with no key wording, counts towards the cover but not as a sibling)
  const cover = new Map<number, number>(), nkeys = new Map<number, number>(), keyed = new Map<number, number>();
  for (const [sk, c] of keyCount) {
    if (c < SUB_MIN) continue;
    const r = Math.floor(sk / 4294967296);
    cover.set(r, (cover.get(r) ?? 0) + c);
    if (sk % 4294967296 === 0) continue;
    nkeys.set(r, (nkeys.get(r) ?? 0) + 1);
    keyed.set(r, (keyed.get(r) ?? 0) + c);
  }
  let split = false;
  for (let i = 0; i < N; i++) {
    if (key[i] < 0) continue;
    const r = root[i];
    const m = size[r];
    const ok = (nkeys.get(r) ?? 0) >= 2 && (cover.get(r) ?? 0) >= SUB_COVER * m && (keyed.get(r) ?? 0) * 2 >= m &&
      (keyCount.get(key[i]) ?? 0) >= SUB_MIN;
    if (ok) split = true; else key[i] = -1;
  }
  return split ? key : null;
}

/**
 * A text's tokens with each variable (a token with a digit) as `<*>`: the template of texts
 * identical up to their digits; a text that is all digits is shown as it is.
 */
function maskedDisplay(eng: Engine, text: string): string {
  const sc = eng.sc, s = normalize(text);
  tokenize(s, sc);
  const out: string[] = [];
  for (let k = 0; k < sc.n; k++) {
    const t = tokenText(s, sc, k);
    if (t !== "<*>" || out[out.length - 1] !== "<*>") out.push(t);
  }
  const m = out.join(" ");
  return isHollow(m) ? s.trim().split(/\s+/u).join(" ") : m;
}

/** A text whose whitespace-separated tokens are all "<*>" (or that has none). */
const ONLY_SLOTS = /^\s*(?:<\*>(?:\s+<\*>)*)?\s*$/u;

/**
 * Whether texts i and j (without a skeleton; `words`: text i has a token that is not a number)
 * are one for the exact grouping of `mine`: the same tokens, and when they are all numbers, the
 * same normalized text.
 */
function sameExact(pool: Uint32Array, offs: Int32Array, texts: readonly string[], i: number, j: number, words: boolean): boolean {
  const a = offs[i], n = offs[i + 1] - a, b = offs[j];
  if (offs[j + 1] - b !== n) return false;
  for (let q = 0; q < n; q++) if (pool[a + q] !== pool[b + q]) return false;
  return words || normalize(texts[i]) === normalize(texts[j]);
}

/** A 32-bit key of a string (FNV-1a, then mixed), tagged apart from token-sequence hashes; sets `hashCheck` to a second hash of it. */
function exactKey(s: string): number {
  let h = 0x811c9dc5 | 0, c = 0x6a09e667;
  for (let i = 0; i < s.length; i++) { const x = s.charCodeAt(i); h = Math.imul(h ^ x, 0x01000193); c = Math.imul(c ^ x, 0x01000193) + 0x7f4a7c15 | 0; }
  hashCheck = fmix(c ^ s.length);
  return tok(mix2(fmix(h), 0x3c6ef372));
}

function singletonTemplate(eng: Engine, text: string): string {
  return eng.displaySkeleton(normalize(text)).join(" ");
}
