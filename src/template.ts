/**
 * Template mining: groups texts made from the same template (fixed wording around slots), even when
 * the slots hold long payloads, and prints each group's template with `<*>` for the slots.
 *
 * The method, in four steps (each names what it draws on):
 *
 * 1. Tokens. `normalizeText` (NFKC, case folding, invisible characters removed), then whitespace
 *    splitting. A token that contains a digit is a variable and is masked to `<*>`, keeping a
 *    `key=` / `key:` prefix when there is one (the usual log-parser preprocessing: He et al., "Drain:
 *    An Online Log Parsing Approach with Fixed Depth Tree", ICWS 2017, section III-A). Tokens are
 *    32-bit hashes; no substring is made on the hot path.
 *
 * 2. Static wording from n-gram document frequency. Word 3-grams (with begin/end markers) are
 *    counted once per text in an open-addressing table of 32-bit gram hash -> count. A token is part
 *    of the template wording when a 3-gram covering it recurs in at least `minSupport` texts; tokens
 *    that no recurring 3-gram covers are slots. This is the n-gram dictionary idea of Logram (Dai et
 *    al., "Logram: Efficient Log Parsing Using n-Gram Dictionaries", TSE 2020): wording recurs with
 *    the same neighbours, variable values do not. Two neighbouring static tokens that no common
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
 * The streaming miner counts as it goes; when a 3-gram first reaches `minSupport`, the earlier texts
 * that held it (up to two witnesses per 3-gram) are looked at again and move from their singleton
 * group into the newly recognised one (reported through `onMerge`).
 */
import { normalizeText } from "./text.js";

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
}

interface Resolved { minSupport: number; relativeSupport: number; variability: number; maxColumns: number; maxSegments: number; minWording: number }

const WHERE = "TemplateMiner";

function resolve(opts: TemplateMinerOptions | undefined, streaming: boolean): Resolved {
  if (opts !== undefined && (opts === null || typeof opts !== "object")) throw new TypeError(`${WHERE}: options must be an object`);
  const o = (opts ?? {}) as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!["minSupport", "relativeSupport", "variability", "maxColumns", "maxSegments", "minWording"].includes(k)) {
      throw new TypeError(`${WHERE}: unknown option '${k}'; valid options are minSupport, relativeSupport, variability, maxColumns, maxSegments, minWording`);
    }
  }
  const int = (k: string, min: number, max: number, d: number): number => {
    const v = o[k];
    if (v === undefined) return d;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) throw new RangeError(`${WHERE}: ${k} must be an integer in [${min}, ${max}], got ${String(v)}`);
    return v;
  };
  const rs = o.relativeSupport ?? 0;
  if (typeof rs !== "number" || !(rs >= 0 && rs <= 1)) throw new RangeError(`${WHERE}: relativeSupport must be a number in [0, 1], got ${String(rs)}`);
  return {
    minSupport: int("minSupport", 2, streaming ? 3 : 1 << 20, 2),
    relativeSupport: rs,
    variability: int("variability", 2, 16, 5),
    maxColumns: int("maxColumns", 0, 4096, 48),
    maxSegments: int("maxSegments", 0, 4096, 12),
    minWording: int("minWording", 1, 4096, 4),
  };
}

// ----------------------------------------------------------------------------------------- hashing

const SLOT = 1; // a run of variable tokens
const SEAM = 2; // two static runs that no recurring 3-gram joins
const WILD = 0x5bd1e995; // a masked token (contains a digit, no key prefix)
const BOS = 0x27d4eb2f;
const EOS = 0x165667b1;
const MASK_SALT = 0x7feb352d;

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

// ---------------------------------------------------------------------- open-addressing u32 map

/**
 * 32-bit key -> int32 value, linear probing, deletion by backward shift (Knuth, TAOCP vol. 3,
 * 6.4 Algorithm R), so a table that shrinks back to empty holds no tombstones. Key 0 is "empty".
 */
class U32Map {
  keys: Uint32Array;
  vals: Int32Array;
  aux: Int32Array | null; // optional second value per key (witnesses)
  aux2: Int32Array | null;
  mask: number;
  size = 0;
  constructor(bits: number, withAux = false) {
    const cap = 1 << bits;
    this.keys = new Uint32Array(cap);
    this.vals = new Int32Array(cap);
    this.aux = withAux ? new Int32Array(cap) : null;
    this.aux2 = withAux ? new Int32Array(cap) : null;
    this.mask = cap - 1;
  }
  /** Slot of `key`, or -1. */
  find(key: number): number {
    const keys = this.keys;
    const mask = this.mask;
    let i = Math.imul(key, 0x9e3779b1) >>> 0 & mask;
    for (;;) {
      const k = keys[i];
      if (k === key) return i;
      if (k === 0) return -1;
      i = (i + 1) & mask;
    }
  }
  get(key: number, dflt: number): number {
    const i = this.find(key);
    return i < 0 ? dflt : this.vals[i];
  }
  /** Slot of `key`, inserting it (value 0, aux -1) if absent. */
  slot(key: number): number {
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    const keys = this.keys;
    const mask = this.mask;
    let i = Math.imul(key, 0x9e3779b1) >>> 0 & mask;
    for (;;) {
      const k = keys[i];
      if (k === key) return i;
      if (k === 0) {
        keys[i] = key;
        this.vals[i] = 0;
        if (this.aux) { this.aux[i] = -1; this.aux2![i] = -1; }
        this.size++;
        return i;
      }
      i = (i + 1) & mask;
    }
  }
  deleteAt(i: number): void {
    const keys = this.keys, vals = this.vals, aux = this.aux, aux2 = this.aux2, mask = this.mask;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const k = keys[j];
      if (k === 0) break;
      const home = Math.imul(k, 0x9e3779b1) >>> 0 & mask;
      // move k back to i if its home is not in (i, j] cyclically
      if (i <= j ? home <= i || home > j : home <= i && home > j) {
        keys[i] = k; vals[i] = vals[j];
        if (aux) { aux[i] = aux[j]; aux2![i] = aux2![j]; }
        i = j;
      }
    }
    keys[i] = 0;
    this.size--;
  }
  private grow(): void {
    const { keys, vals, aux, aux2 } = this;
    const cap = keys.length * 2;
    this.keys = new Uint32Array(cap);
    this.vals = new Int32Array(cap);
    this.aux = aux ? new Int32Array(cap) : null;
    this.aux2 = aux2 ? new Int32Array(cap) : null;
    this.mask = cap - 1;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k === 0) continue;
      let j = Math.imul(k, 0x9e3779b1) >>> 0 & this.mask;
      while (this.keys[j] !== 0) j = (j + 1) & this.mask;
      this.keys[j] = k; this.vals[j] = vals[i];
      if (aux) { this.aux![j] = aux[i]; this.aux2![j] = aux2![i]; }
    }
  }
}

// --------------------------------------------------------------------------------- tokenizing

const ASCII = /^[\x00-\x7f]*$/;
/** Normalized form of a text: NFKC, case-folded, invisible characters removed. */
function normalize(text: string): string {
  return ASCII.test(text) ? text.toLowerCase() : normalizeText(text);
}

function isSpace(c: number): boolean {
  return c <= 32 || c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}
const isLetter = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c > 127;

/** Growable scratch of token hashes (and optional spans) for one text. */
class Scratch {
  toks = new Uint32Array(256);
  starts = new Int32Array(256);
  ends = new Int32Array(256);
  n = 0;
  grams = new Uint32Array(256);
  cov = new Int32Array(256);
  elems = new Uint32Array(512);
  elemTok = new Int32Array(512); // token index of each skeleton element (-1 for SLOT/SEAM)
  ne = 0;
  segStart = new Int32Array(256); // element index of each segment
  segEnd = new Int32Array(256);
  nseg = 0;
  gen = new Uint32Array(512);
  ensure(n: number): void {
    if (n <= this.toks.length) return;
    let c = this.toks.length;
    while (c < n) c *= 2;
    this.toks = new Uint32Array(c); this.starts = new Int32Array(c); this.ends = new Int32Array(c);
    this.grams = new Uint32Array(c + 2); this.cov = new Int32Array(c);
    this.elems = new Uint32Array(2 * c + 2); this.elemTok = new Int32Array(2 * c + 2);
    this.segStart = new Int32Array(c); this.segEnd = new Int32Array(c); this.gen = new Uint32Array(2 * c + 2);
  }
}

/**
 * Splits a normalized text on whitespace into token hashes (digit tokens masked), filling
 * `sc.toks`, `sc.starts`, `sc.ends` and `sc.n`.
 */
function tokenize(s: string, sc: Scratch): void {
  const len = s.length;
  sc.ensure((len >>> 1) + 2);
  const toks = sc.toks, starts = sc.starts, ends = sc.ends;
  let n = 0;
  let i = 0;
  while (i < len) {
    let c = s.charCodeAt(i);
    while (isSpace(c)) { if (++i >= len) break; c = s.charCodeAt(i); }
    if (i >= len) break;
    const start = i;
    let h = 0x811c9dc5 | 0;
    let digit = false;
    let prefixOk = true; // all characters so far are letters or _ . -
    let lastLetter = false;
    let keyHash = 0; // hash through the first ':' or '=' after a letter-only prefix
    for (; i < len; i++) {
      c = s.charCodeAt(i);
      if (isSpace(c)) break;
      h = Math.imul(h ^ c, 0x01000193);
      if (c >= 48 && c <= 57) { digit = true; prefixOk = false; }
      else if (prefixOk) {
        if ((c === 58 || c === 61) && lastLetter && keyHash === 0) { keyHash = h; prefixOk = false; }
        else if (isLetter(c)) lastLetter = true;
        else if (c === 95 || c === 46 || c === 45) lastLetter = false;
        else prefixOk = false;
      }
    }
    toks[n] = digit ? (keyHash !== 0 ? tok(fmix(keyHash ^ MASK_SALT)) : WILD) : tok(fmix(h));
    starts[n] = start;
    // a negative end marks a masked token: -1 fully masked, -(2 + e) keeps the key prefix [start, e)
    ends[n] = !digit ? i : keyHash === 0 ? -1 : -2 - findSep(s, start);
    n++;
  }
  sc.n = n;
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

/** 3-gram hashes over BOS t0 .. t(n-1) EOS: gram i is centred on token i. */
function grams(sc: Scratch): number {
  const n = sc.n, t = sc.toks, g = sc.grams;
  for (let i = 0; i < n; i++) {
    const a = i === 0 ? BOS : t[i - 1];
    const c = i === n - 1 ? EOS : t[i + 1];
    g[i] = mix3(a, t[i], c) || 1;
  }
  return n;
}

// ------------------------------------------------------------------------------------ the engine

/** Per-text dedupe of gram hashes (so counts are document frequencies). */
class StampSet {
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

/** Neighbouring tokens whose supports differ by more than this factor belong to different runs. */
const LEVEL = 2;
/** Runs of at least this many tokens in a long text may be payloads. */
const PAYLOAD_MIN = 8;
/** Static tokens a segment generalisation must leave in place. */
const MIN_CONTEXT = 3;

/**
 * Pattern entries: one per skeleton seen and per generalised pattern (a skeleton with one place
 * made a slot). An entry holds the group of the texts whose skeleton is exactly the pattern, and
 * the distinct values (with their groups) seen in its open place, up to `variability`.
 */
class Engine {
  readonly o: Resolved;
  readonly df: U32Map;
  readonly streaming: boolean;
  private readonly stamps = new StampSet();
  readonly sc = new Scratch();
  // pattern entries
  private readonly pat = new U32Map(12);
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
  gRep: (string | number)[] = []; // a representative text (streaming) or text index (batch)
  private gFree: number[] = [];
  gCount = 0;
  private tmplCache = new Map<number, string>();
  onMerge: ((from: number, into: number) => void) | undefined;

  constructor(o: Resolved, streaming: boolean) {
    this.o = o;
    this.streaming = streaming;
    this.df = new U32Map(16, streaming);
    this.eVals = new Uint32Array(1024 * o.variability);
    this.eValGroups = new Int32Array(1024 * o.variability);
  }

  // -------------------------------------------------------------------------- n-gram counts

  /** Adds (delta = 1) or removes (-1) the grams of the tokenized text; returns witnesses to revisit. */
  count(delta: number, item: number, revisit: number[] | null): void {
    const sc = this.sc, n = grams(sc), g = sc.grams, df = this.df, theta = this.o.minSupport;
    this.stamps.begin(n);
    for (let i = 0; i < n; i++) {
      const k = g[i];
      if (!this.stamps.add(k)) continue;
      if (delta > 0) {
        const s = df.slot(k);
        const c = ++df.vals[s];
        if (df.aux) {
          if (c < theta) {
            if (df.aux[s] < 0) df.aux[s] = item; else df.aux2![s] = item;
          } else if (c === theta && revisit) {
            if (df.aux[s] >= 0) revisit.push(df.aux[s]);
            if (df.aux2![s] >= 0) revisit.push(df.aux2![s]);
            df.aux[s] = -1; df.aux2![s] = -1;
          }
        }
      } else {
        const s = df.find(k);
        if (s < 0) continue;
        if (--df.vals[s] <= 0) df.deleteAt(s);
        else if (df.aux) {
          if (df.aux[s] === item) df.aux[s] = -1;
          if (df.aux2![s] === item) df.aux2![s] = -1;
        }
      }
    }
  }

  // ------------------------------------------------------------------------------ skeletons

  /**
   * Builds the skeleton of the tokenized text in `sc.elems` (static tokens, SLOT, SEAM) and its
   * segments; returns the skeleton hash.
   */
  skeleton(): number {
    const sc = this.sc, n = sc.n, t = sc.toks, g = sc.grams, cov = sc.cov, df = this.df;
    const theta = this.o.minSupport;
    grams(sc);
    // support of each gram (0 below theta), coverage of each token = best gram covering it
    for (let i = 0; i < n; i++) {
      const c = df.get(g[i], 0);
      g[i] = c >= theta ? c : 0; // reuse: g now holds supports
    }
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
    const strength: number[] = [];
    while (i < n) {
      if (cov[i] === 0) { i++; continue; }
      const a = i;
      let s = cov[i];
      while (i + 1 < n && cov[i + 1] > 0 && (g[i] > 0 || g[i + 1] > 0) &&
        cov[i + 1] * LEVEL >= cov[i] && cov[i] * LEVEL >= cov[i + 1]) { i++; if (cov[i] < s) s = cov[i]; }
      segA[nseg] = a; segB[nseg] = i + 1; strength.push(s); nseg++;
      if (s > best) best = s;
      i++;
    }
    // Long texts (the payload regime): a long run well below the text's strongest wording is a
    // reused payload, and short runs far below it are chance repeats inside slots; both are slots.
    // Short texts (log lines) keep every recurring run.
    const long = n > this.o.maxColumns;
    const floor = long ? Math.max(theta, best * this.o.relativeSupport) : theta;
    for (let k = 0; k < nseg; k++) {
      if (long && segB[k] - segA[k] >= PAYLOAD_MIN && strength[k] * 2 <= best) strength[k] = 0;
    }
    // second pass: emit elements
    let prevEnd = 0; // token index after the previous kept segment
    let kept = 0;
    let lastWasSeg = false;
    const segOut: number[] = [];
    for (let k = 0; k < nseg; k++) {
      if (strength[k] < floor) continue;
      const a = segA[k], b = segB[k];
      if (a > prevEnd || (kept === 0 && a > 0)) {
        if (ne === 0 || elems[ne - 1] !== SLOT) { elems[ne] = SLOT; et[ne] = -1; ne++; }
      } else if (lastWasSeg) { elems[ne] = SEAM; et[ne] = -1; ne++; }
      segOut.push(ne);
      for (let j = a; j < b; j++) { elems[ne] = t[j]; et[ne] = j; ne++; }
      segOut.push(ne);
      prevEnd = b; kept++; lastWasSeg = true;
    }
    if (prevEnd < n || kept === 0) { if (n > 0 && (ne === 0 || elems[ne - 1] !== SLOT)) { elems[ne] = SLOT; et[ne] = -1; ne++; } }
    sc.ne = ne;
    sc.nseg = segOut.length >> 1;
    for (let k = 0; k < sc.nseg; k++) { segA[k] = segOut[2 * k]; segB[k] = segOut[2 * k + 1]; }
    // too little wording for a template: a text of its own (organic prompts that merely start alike)
    let statics = 0;
    for (let p = 0; p < ne; p++) if (elems[p] > SEAM) statics++;
    if (kept === 0 || (n > 16 && statics < this.o.minWording)) return 0;
    return hashElems(elems, 0, ne, -1, -1);
  }

  // ------------------------------------------------------------------------------ pattern entries

  private newEntry(key: number): number {
    let e = this.eFree.pop();
    if (e === undefined) {
      e = this.eCount++;
      if (e >= this.eGroup.length) {
        const c = this.eGroup.length * 2, V = this.o.variability;
        this.eGroup = grow32(this.eGroup, c); this.eMerged = grow8(this.eMerged, c); this.eNv = grow32(this.eNv, c);
        this.eRefs = grow32(this.eRefs, c); this.eAlias = grow8(this.eAlias, c);
        this.eExact = grow32(this.eExact, c); this.eReg = grow32(this.eReg, c); this.eLong = grow8(this.eLong, c); this.eTok = grow8(this.eTok, c);
        const v = new Uint32Array(c * V); v.set(this.eVals); this.eVals = v;
        const vg = new Int32Array(c * V); vg.set(this.eValGroups); this.eValGroups = vg;
      }
    }
    this.eGroup[e] = -1; this.eMerged[e] = 0; this.eNv[e] = 0; this.eRefs[e] = 0; this.eAlias[e] = 0; this.eExact[e] = 0; this.eReg[e] = 0; this.eLong[e] = 0; this.eTok[e] = 0;
    this.pat.vals[this.pat.slot(key)] = e;
    return e;
  }
  private entry(key: number): number {
    const s = this.pat.find(key);
    return s < 0 ? -1 : this.pat.vals[s];
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
        this.gEntry = grow32(this.gEntry, c);
        const k = new Uint32Array(c); k.set(this.gKey); this.gKey = k;
      }
    }
    this.parent[g] = g; this.gSize[g] = 0; this.gNext[g] = g; this.gEntry[g] = -1;
    this.gSkel[g] = null; this.gRep[g] = rep;
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
    let e = this.entry(h);
    if (e >= 0 && this.eGroup[e] >= 0) {
      this.eExact[e]++;
      const r = this.find(this.eGroup[e]);
      this.gSize[r]++;
      if (!this.deferred && !this.eMerged[e] && this.eNv[e] > 0 && this.slotRule(e)) this.mergeEntry(e);
      return r;
    }
    const g = this.newGroup(rep);
    this.gSize[g] = 1;
    if (e < 0) e = this.newEntry(h);
    this.eGroup[e] = g; this.eRefs[e]++; this.eExact[e]++;
    this.gEntry[g] = e; this.gKey[g] = h;
    if (this.streaming) this.gSkel[g] = sc.elems.slice(0, sc.ne);
    // this skeleton is the slot version of a pattern other skeletons generalise to: merge them
    if (!this.deferred && this.eNv[e] > 0 && this.slotRule(e)) this.mergeEntry(e);
    const long = sc.n > this.o.maxColumns;
    this.forEachGeneralisation(sc.elems, sc.ne, (key, value, segment, len) => {
      let x = this.entry(key);
      if (x < 0) x = this.newEntry(key);
      this.eRefs[x]++; this.eReg[x]++;
      if (segment && long && len >= PAYLOAD_MIN) this.eLong[x] = 1;
      if (!segment) this.eTok[x] = 1;
      this.addValue(x, value, g, segment);
    });
    return this.find(g);
  }

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
  private slotRule(x: number): boolean {
    return this.eGroup[x] >= 0 && this.eExact[x] >= this.eReg[x];
  }
  /** Whether pattern entry x's open place is a slot. */
  private shouldMerge(x: number, segment: boolean): boolean {
    if (this.eNv[x] === 0) return false;
    if (this.slotRule(x)) return true;
    // distinct values: token columns (Brain, Drain) and long payload segments
    return this.eNv[x] >= this.o.variability && (!segment || this.eLong[x] === 1);
    void this.eTok;
  }

  /** Batch mode: decides every pattern's merge once all skeletons are known. */
  settle(): void {
    for (let x = 0; x < this.eCount; x++) {
      if (this.eMerged[x] || this.eNv[x] === 0) continue;
      if (this.slotRule(x) || this.eNv[x] >= this.o.variability && (this.eLong[x] === 1 || this.tokenEntry(x))) this.mergeEntry(x);
    }
  }
  private tokenEntry(x: number): boolean { return this.eTok[x] === 1; }

  /** Batch mode, after settle(): the skeleton in the scratch joins the patterns it generalises to. */
  joinMerged(g: number): void {
    const sc = this.sc, V = this.o.variability;
    this.forEachGeneralisation(sc.elems, sc.ne, (key) => {
      const x = this.entry(key);
      if (x >= 0 && this.eMerged[x]) this.union(this.eValGroups[x * V], g);
    });
  }
  eTok = new Uint8Array(1024);

  /** The entry's open place becomes a slot: all its value groups (and its exact group) merge. */
  private mergeEntry(x: number): void {
    const V = this.o.variability, base = x * V, nv = this.eNv[x];
    let r = this.eGroup[x] >= 0 ? this.eGroup[x] : this.eValGroups[base];
    for (let k = 0; k < nv; k++) r = this.union(r, this.eValGroups[base + k]);
    this.eMerged[x] = 1;
    this.eValGroups[base] = r;
    if (this.eGroup[x] < 0) { this.eGroup[x] = r; this.eRefs[x]++; this.eAlias[x] = 1; }
  }

  /** Calls fn(patternKey, value) for each generalisation of a skeleton (one place made a slot). */
  forEachGeneralisation(el: Uint32Array, ne: number, fn: (key: number, value: number, segment: boolean, len: number) => void): void {
    const sc = this.sc;
    if (ne <= this.o.maxColumns) {
      // one token at a time (only tokens with some static context on either side)
      let statics = 0;
      for (let p = 0; p < ne; p++) if (el[p] > SEAM) statics++;
      if (statics >= 2) {
        for (let p = 0; p < ne; p++) {
          if (el[p] <= SEAM) continue;
          // a column strictly between static tokens (or the text's ends) may vary (Brain, Drain);
          // a token next to a slot only joins the slot under the slot rule
          const column = (p === 0 || el[p - 1] !== SLOT) && (p === ne - 1 || el[p + 1] !== SLOT);
          fn(hashElems(el, 0, ne, p, p + 1), el[p], !column, 1);
        }
      }
    }
    // one segment at a time: segments are runs of tokens between SLOT/SEAM
    let nseg = 0;
    for (let p = 0; p < ne; p++) if (el[p] > SEAM && (p === 0 || el[p - 1] <= SEAM)) nseg++;
    if (nseg >= 2 && nseg <= this.o.maxSegments) {
      let statics = 0;
      for (let p = 0; p < ne; p++) if (el[p] > SEAM) statics++;
      let p = 0;
      while (p < ne) {
        if (el[p] <= SEAM) { p++; continue; }
        const a = p;
        let v = 0x1b873593;
        while (p < ne && el[p] > SEAM) { v = mix2(v, el[p]); p++; }
        if (p - a === 1 && ne <= this.o.maxColumns) continue; // already done token-wise
        if (statics - (p - a) < MIN_CONTEXT) continue; // too little wording would remain
        fn(hashElems(el, 0, ne, a, p), tok(v), true, p - a);
      }
    }
    void sc;
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
        this.forEachGeneralisation(skel, skel.length, (k) => {
          const y = this.entry(k);
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
        });
      }
    }
    for (const x of members) {
      this.gSkel[x] = null; this.gRep[x] = 0; this.gEntry[x] = -1;
      this.tmplCache.delete(x);
      this.gFree.push(x);
    }
  }
  private unref(e: number, key: number): void {
    if (--this.eRefs[e] > 0) return;
    const s = this.pat.find(key);
    if (s >= 0) this.pat.deleteAt(s);
    this.eFree.push(e);
  }
  get patterns(): number { return this.pat.size; }

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

  template(g: number, textOf: (rep: string | number) => string): string {
    const r = this.find(g);
    const cached = this.tmplCache.get(r);
    if (cached !== undefined) return cached;
    let acc: string[] | null = null;
    let m = r, seen = 0;
    do {
      if (this.gEntry[m] >= 0 || m === r) {
        const d = this.displaySkeleton(textOf(this.gRep[m]));
        acc = acc === null ? d : lcsMerge(acc, d);
        seen++;
      }
      m = this.gNext[m];
    } while (m !== r && seen < 64);
    const t = (acc ?? []).join(" ");
    this.tmplCache.set(r, t);
    return t;
  }
}

/** Hash of elements [0, ne) with [a, b) replaced by one SLOT, adjacent SLOT/SEAM runs collapsed. */
function hashElems(el: Uint32Array, from: number, ne: number, a: number, b: number): number {
  let h = 0x2545f491;
  let pending = 0; // SLOT or SEAM waiting to be hashed; SLOT absorbs SEAM and SLOT
  for (let p = from; p < ne; p++) {
    let e = el[p];
    if (p === a) { e = SLOT; p = b - 1; }
    if (e <= SEAM) { if (pending !== SLOT) pending = e; continue; }
    if (pending !== 0) { h = mix2(h, pending); pending = 0; }
    h = mix2(h, e);
  }
  if (pending !== 0) h = mix2(h, pending);
  return tok(h);
}

/** LCS alignment of two templates: common tokens kept in order, the rest become one `<*>` per gap. */
function lcsMerge(a: string[], b: string[]): string[] {
  const n = a.length, m = b.length;
  if (n * m > 1 << 22) return a;
  const L = new Int32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      L[i * (m + 1) + j] = a[i] === b[j] && a[i] !== "<*>" ? L[(i + 1) * (m + 1) + j + 1] + 1
        : Math.max(L[(i + 1) * (m + 1) + j], L[i * (m + 1) + j + 1]);
    }
  }
  const out: string[] = [];
  let i = 0, j = 0, gap = false;
  const push = (t: string): void => {
    if (t === "<*>") { if (out[out.length - 1] !== "<*>") out.push(t); } else out.push(t);
  };
  while (i < n && j < m) {
    if (a[i] === b[j] && a[i] !== "<*>") { if (gap) push("<*>"); gap = false; push(a[i]); i++; j++; }
    else if (L[(i + 1) * (m + 1) + j] >= L[i * (m + 1) + j + 1]) { i++; gap = true; }
    else { j++; gap = true; }
  }
  if (gap || i < n || j < m) push("<*>");
  return out;
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
    const revisit: number[] = [];
    eng.count(1, item, revisit);
    const g = eng.assign(eng.skeleton(), s);
    this.items.set(item, { text: s, group: g });
    for (const w of revisit) if (w !== item) this.revisit(w);
    return eng.find(g);
  }

  /** An earlier item whose n-gram just became recurrent: if it is alone, look again. */
  private revisit(w: number): void {
    const it = this.items.get(w);
    if (it === undefined) return;
    const eng = this.eng, sc = eng.sc;
    const r = eng.find(it.group);
    if (eng.gSize[r] !== 1) return;
    tokenize(it.text, sc);
    const h = eng.skeleton();
    if (h === 0 || h === eng.gKey[it.group]) return;
    const g = eng.assign(h, it.text); // counts the item in its new set
    const into = eng.find(g);
    it.group = g;
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
    eng.count(-1, item, null);
    eng.release(it.group);
    return true;
  }

  /** Current group of a live item (follows merges); -1 when the item is not live. */
  groupOf(item: number): number {
    const it = this.items.get(item);
    return it === undefined ? -1 : this.eng.find(it.group);
  }

  /** Readable template of a group: shared wording with `<*>` for the slots. */
  template(group: number): string {
    const eng = this.eng;
    if (!Number.isInteger(group) || group < 0 || group >= eng.gCount) throw new RangeError(`${WHERE}.template: unknown group ${String(group)}`);
    return eng.template(group, (rep) => rep as string);
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
export function mineTemplates(texts: readonly string[], opts?: TemplateMinerOptions): { labels: Int32Array; templates: string[] } {
  if (!Array.isArray(texts)) throw new TypeError("mineTemplates: texts must be an array of strings");
  const eng = new Engine(resolve(opts, false), false);
  eng.deferred = true;
  const sc = eng.sc;
  const N = texts.length;
  // pass 1: token hashes of every text, kept in one pool, and the 3-gram counts
  let pool = new Uint32Array(Math.max(1024, N * 16));
  const offs = new Int32Array(N + 1);
  let used = 0;
  for (let i = 0; i < N; i++) {
    const t = texts[i];
    if (typeof t !== "string") throw new TypeError(`mineTemplates: texts[${i}] must be a string, got ${typeof t}`);
    tokenize(normalize(t), sc);
    if (used + sc.n > pool.length) {
      const p = new Uint32Array(Math.max(pool.length * 2, used + sc.n));
      p.set(pool.subarray(0, used)); pool = p;
    }
    pool.set(sc.toks.subarray(0, sc.n), used);
    used += sc.n;
    offs[i + 1] = used;
    eng.count(1, i, null);
  }
  // pass 2: skeletons under the final counts, grouped in order
  const groups = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    const a = offs[i], n = offs[i + 1] - a;
    sc.ensure(n + 2);
    sc.toks.set(pool.subarray(a, a + n));
    sc.n = n;
    groups[i] = eng.assign(eng.skeleton(), i);
  }
  // pass 3: merges decided on the complete statistics, then every distinct skeleton joins them
  eng.settle();
  for (let i = 0; i < N; i++) {
    const g = groups[i];
    if (eng.gRep[g] !== i || eng.gEntry[g] < 0) continue;
    const a = offs[i], n = offs[i + 1] - a;
    sc.toks.set(pool.subarray(a, a + n));
    sc.n = n;
    eng.skeleton();
    eng.joinMerged(g);
  }
  pool = new Uint32Array(0);
  // labels in order of first member
  const labels = new Int32Array(N);
  const labelOf = new Map<number, number>();
  const templates: string[] = [];
  const textOf = (rep: string | number): string => normalize(texts[rep as number]);
  for (let i = 0; i < N; i++) {
    const r = eng.find(groups[i]);
    let l = labelOf.get(r);
    if (l === undefined) {
      l = templates.length;
      labelOf.set(r, l);
      templates.push(eng.gSize[r] > 1 ? eng.template(r, textOf) : singletonTemplate(eng, texts[i]));
    }
    labels[i] = l;
  }
  return { labels, templates };
}

function singletonTemplate(eng: Engine, text: string): string {
  return eng.displaySkeleton(normalize(text)).join(" ");
}
