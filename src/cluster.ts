/**
 * Batch clustering of texts: near-duplicates (Jaccard of shingle sets at least `threshold`) or
 * instances of one template (`template.ts`).
 *
 * Near-duplicate mode (Broder 1997; banding as in Leskovec, Rajaraman, Ullman, MMDS §3.4):
 *   1. sign every text (MinHasher 'fast', numPerm 128) in batches; keep per text the 32-bit hash of
 *      each LSH band and the signature truncated to 16 bits per slot (b-bit minwise hashing:
 *      P. Li, A. C. König, "b-Bit Minwise Hashing", WWW 2010 — at b = 16 a chance slot match adds
 *      at most 2^-16 to an estimate), 256 bytes a text instead of 512;
 *   2. bands are chosen for recall, not for datasketch's balance: the most rows r such that a pair
 *      at the threshold shares a band with probability >= 0.995 (1 - (1 - t^r)^floor(128/r)), so
 *      the candidates miss almost no true pair and verification removes the false ones;
 *   3. for each band, a hash table from band hash to the bucket's first and latest member: a text
 *      is verified against both and joined to their clusters (union-find). Verification uses the
 *      signature estimate when it is clearly on one side of the threshold (more than 3 standard
 *      errors, sqrt(t(1-t)/128)) and the exact Jaccard of the two texts' shingle sets otherwise,
 *      so pairs near the threshold are decided exactly. Each text costs at most two verifications
 *      per band, so a bucket holding 100,000 identical prompts costs O(n), never O(n^2); a verified
 *      edge into the bucket's first or latest member links every near-duplicate chain in it.
 *   4. clusters are the connected components, numbered by first appearance.
 */
import { MinHasher } from "./minhash.js";
import { kernel, Algo, type KernelConfig } from "./kernel.js";
import { checkOptions, describeValue, thresholdOption, intOption } from "./text.js";
import { templateOf, fieldTemplateOf, isFieldTemplate, isHollow, bareWord, SLOT } from "./align.js";
import { mine, type MinerHelper } from "./template.js";

/** A group of texts. `members` are indexes into the input; `template` marks slots with `<*>`. */
export type Cluster = { id: number; size: number; members: number[]; template: string };

/** Clustering modes. */
export type ClusterMode = "template" | "near-duplicate";

/** Options of `cluster`. */
export interface ClusterOptions {
  /** 'template' (default): same template wording around slots; 'near-duplicate': similar shingle sets. */
  mode?: ClusterMode;
  /** Near-duplicate mode: Jaccard threshold in (0, 1]; default 0.8. */
  threshold?: number;
  /** Template mode: a template is recognised once it has this many instances; default 3. */
  minSupport?: number;
  /**
   * Template mode: 'merge' (default) keeps a family of variants of one template (texts that differ
   * in one place taking a few recurring values, such as a campaign's 4 closing phrases) as one
   * cluster; 'split' gives each variant its own cluster (log template mining, fine-grained labels).
   */
  siblings?: "merge" | "split";
  /**
   * Template mode: threads the miner may use, 1 or more (it uses at most 2: a worker thread does
   * part of the n-gram counting). Default: 2 under Node.js for inputs of PARALLEL_MIN_TEXTS
   * (50,000) texts or more on a machine with 2 or more cores, else 1. Browsers and other runtimes
   * always use 1 (the worker comes with the package's Node.js build). The answer is the same.
   */
  threads?: number;
}

/** Template inputs from this many texts on use a worker thread (when there is one): smaller ones are not worth its start-up. */
export const PARALLEL_MIN_TEXTS = 50_000;

/**
 * Where `cluster` gets a worker thread for the template miner. The package's Node.js build
 * (index.node.ts) sets one; elsewhere there is none and `cluster` runs on the calling thread.
 */
export interface MinerThreads {
  /** Cores worth using (the default of `threads`). */
  readonly cores: number;
  /** Starts a worker thread (the first message waits for it), or null when none can start. */
  open(): { helper: MinerHelper; close(): void } | null;
}
let minerThreads: MinerThreads | null = null;

/** Sets (or with null, removes) the worker threads of `cluster` (the Node.js build does this on import). */
export function setMinerThreads(t: MinerThreads | null): void {
  minerThreads = t;
}

const CLUSTER_OPTIONS = ["mode", "threshold", "minSupport", "siblings", "threads"];

/** Union-find over n items with path halving and union by smaller index (deterministic roots). */
export class UnionFind {
  readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }
  find(x: number): number {
    const p = this.parent;
    while (p[x] !== x) {
      p[x] = p[p[x]];
      x = p[x];
    }
    return x;
  }
  union(a: number, b: number): void {
    a = this.find(a);
    b = this.find(b);
    if (a < b) this.parent[b] = a;
    else if (b < a) this.parent[a] = b;
  }
}

const NUM_PERM = 128;
/** Template mode: groups whose templates are this similar (word 3-gram Jaccard) are merged. */
const TEMPLATE_MERGE = 0.8;
/** Template mode: only templates with at least this many words take part in that merge. */
const MERGE_MIN_WORDS = 10;
const CHUNK = 4096;

/** Template mode: groups whose templates share this many consecutive words of wording are one. */
const LONG_RUN = 10;
/**
 * ... when at least this many templates share the run: a campaign's fixed instruction recurs
 * across its many variants, while a payload reused under a few different templates (the issue's
 * "same passages under two templates") must not join them.
 */
const LONG_RUN_GROUPS = 5;
/** Groups of fewer texts join a group through a long run, but never bridge two (see `joinLongRuns`). */
const BRIDGE_MIN = 5;

/**
 * Joins (in `root`, a forest over reps: root[r] is r's representative) the templates that share a
 * run of LONG_RUN consecutive words of wording: the variants of one campaign that vary in more
 * than one place (a fixed instruction, then a question and four options drawn from a list) keep
 * their long fixed wording in common, which unrelated templates do not. Word runs are hashed
 * (FNV-1a per word, then a polynomial over the window), so no substring is built. `size[r]`: the
 * texts behind rep r (a rep of fewer than BRIDGE_MIN texts joins a group but never bridges two; see below).
 * Exported for tests.
 */
export function joinLongRuns(reps: readonly string[], idx: readonly number[], root: Int32Array, size: Int32Array): void {
  const find = (x: number): number => { while (root[x] !== x) { root[x] = root[root[x]]; x = root[x]; } return x; };
  const union = (a: number, b: number): void => { const x = find(a), y = find(b); if (x !== y) { if (x < y) root[y] = x; else root[x] = y; } };
  // Two passes, so that memory does not grow with the input: the first counts every window in a
  // count-min sketch (Cormode and Muthukrishnan, J. Algorithms 55(1), 2005: two rows of 2^21
  // saturating 16-bit counters; counts are never under-estimated), the second keeps exact lists
  // only for windows the sketch says 5 or more templates may hold.
  const W = 1 << 21, cms = new Uint16Array(2 * W);
  const h: number[] = [];
  const windows = (r: number, fn: (k: number) => void): void => {
    const words = reps[r].split(" ");
    h.length = 0;
    for (let i = 0; i <= words.length; i++) {
      const w = i < words.length ? words[i] : SLOT;
      if (w === SLOT || w === "") {
        for (let a = 0; a + LONG_RUN <= h.length; a++) {
          let k = 0;
          for (let j = a; j < a + LONG_RUN; j++) k = (Math.imul(k, 0x01000193) + h[j]) | 0;
          fn(k);
        }
        h.length = 0;
        continue;
      }
      let f = 0x811c9dc5 | 0;
      for (let c = 0; c < w.length; c++) f = Math.imul(f ^ w.charCodeAt(c), 0x01000193);
      h.push(f);
    }
  };
  const cell1 = (k: number): number => (k >>> 11) & (W - 1);
  const cell2 = (k: number): number => W + (Math.imul(k ^ (k >>> 16), 0x85ebca6b) >>> 11 & (W - 1));
  for (const r of idx) {
    windows(r, (k) => {
      const a = cell1(k), b = cell2(k);
      if (cms[a] < 0xffff) cms[a]++;
      if (cms[b] < 0xffff) cms[b]++;
    });
  }
  // Groups of BRIDGE_MIN or more texts join each other; a smaller group or a single text (whose
  // template is its own skeleton, payload and all, where passages recur often) joins the largest
  // group holding one of its hot windows, but never bridges two groups: through the passages they
  // carry, single texts of five templates chained every template that used a passage into one
  // cluster (the prose bench with 100 passages: precision 0.30), and small groups of one
  // instruction over one passage did the same once the miner kept them apart.
  const owner = new Map<number, number[]>(); // hot window -> groups holding it (up to LONG_RUN_GROUPS)
  const hot = (k: number): boolean => cms[cell1(k)] >= LONG_RUN_GROUPS && cms[cell2(k)] >= LONG_RUN_GROUPS;
  for (const r of idx) {
    if (size[r] < BRIDGE_MIN) continue;
    windows(r, (k) => {
      if (!hot(k)) return;
      let o = owner.get(k);
      if (o === undefined) owner.set(k, o = []);
      if (o.length > 0 && o[o.length - 1] === r) return; // the same template again
      if (o.length < LONG_RUN_GROUPS) { o.push(r); if (o.length < LONG_RUN_GROUPS) return; }
      for (const q of o) union(q, r);
    });
  }
  const attach: [number, number][] = [];
  for (const r of idx) {
    if (size[r] >= BRIDGE_MIN) continue;
    let best = -1, bestSize = 0;
    windows(r, (k) => {
      if (!hot(k)) return;
      const o = owner.get(k);
      if (o === undefined) return;
      for (const q of o) { const z = size[find(q)]; if (z > bestSize) { bestSize = z; best = q; } }
    });
    if (best >= 0) attach.push([r, best]);
  }
  for (const [r, q] of attach) root[r] = find(q);
  for (let r = 0; r < root.length; r++) root[r] = find(r);
}

/** Template mode: a template with at least this many static words takes in its instances (see `joinInstances`). */
const INSTANCE_MIN_WORDS = 6;
/** ... when its group has this many times the texts of the instance's ... */
const INSTANCE_DOMINANCE = 4;
/** ... and at least this many (a campaign's template, not a phrase a few free texts share). */
const INSTANCE_MIN_GROUP = 10;
/** Templates tried per instance and per its first (or last) word, largest first. */
const INSTANCE_CANDIDATES = 64;


/**
 * Whether template `g` (words, SLOT for a slot) generalises `s`: `s` is `g` with each slot filled
 * by one or more words (slots of `s` among them), the words outside `g`'s slots matching in order
 * and at `g`'s ends. Runs of `g`'s words are placed leftmost, which finds a match when one exists.
 */
function generalises(g: readonly string[], s: readonly string[]): boolean {
  let i = 0, j = 0;
  const n = g.length, m = s.length;
  if (n === 0 || m <= n) return false;
  while (i < n) {
    if (g[i] === SLOT) { i++; continue; }
    let e = i;
    while (e < n && g[e] !== SLOT) e++;
    const len = e - i, first = i === 0, last = e === n;
    // where this run of words may start in s: at 0 for the first, at the end for the last, else
    // anywhere after one filler word
    let from = first ? 0 : j + 1, to = first ? 0 : m - len;
    if (last) { if (m - len < from) return false; from = to = m - len; }
    let at = -1;
    for (let p = from; p <= to && at < 0; p++) {
      let k = 0;
      while (k < len && g[i + k] === s[p + k]) k++;
      if (k === len) at = p;
    }
    if (at < 0) return false;
    j = at + len;
    i = e;
  }
  // a slot at g's end needs a word after the last run
  return g[n - 1] !== SLOT || j < m;
}

/**
 * Joins (in `root`) each group whose template is an instance of a much larger group's template:
 * the larger one's words in order, its slots filled with words that the smaller one keeps as
 * wording. A passage that other templates send too recurs about as often as the template itself
 * when the pool of passages is small, and the miner then keeps it as wording in the few texts of
 * one (template, passage) pair: "summarize the following text in three bullet points. you write
 * code to describe ..." beside "summarize the following text in three bullet points. <*>". As a
 * log parser matches a line to the templates it has (Drain, He et al., ICWS 2017, section III),
 * such a group joins the largest group whose template it matches, when that group has
 * INSTANCE_DOMINANCE times its texts and INSTANCE_MIN_GROUP or more, and its template
 * INSTANCE_MIN_WORDS words or more. A group joins at most one, and only a group that nothing
 * joined yet, so no chain links two large groups. Returns 1 for each rep that joined.
 */
export function joinInstances(reps: readonly string[], idx: readonly number[], root: Int32Array, size: Int32Array): Uint8Array {
  const joined = new Uint8Array(root.length);
  const find = (x: number): number => { while (root[x] !== x) { root[x] = root[root[x]]; x = root[x]; } return x; };
  const comp = new Int32Array(root.length); // component root -> texts
  const reps1 = new Int32Array(root.length); // component root -> reps
  for (let r = 0; r < root.length; r++) { const c = find(r); comp[c] += size[r]; reps1[c]++; }
  // general templates, by their first word (or last, when they open with a slot)
  const words = (r: number): string[] => reps[r].split(" ").map(bareWord);
  const byFirst = new Map<string, number[]>(), byLast = new Map<string, number[]>();
  const gw = new Map<number, string[]>();
  for (const r of idx) {
    if (size[r] < INSTANCE_MIN_GROUP) continue;
    const w = words(r);
    let statics = 0;
    for (const x of w) if (x !== SLOT) statics++;
    if (statics < INSTANCE_MIN_WORDS || statics === w.length) continue;
    gw.set(r, w);
    const key = w[0] !== SLOT ? w[0] : w[w.length - 1];
    if (key === SLOT) continue;
    const m = w[0] !== SLOT ? byFirst : byLast;
    let l = m.get(key);
    if (l === undefined) m.set(key, l = []);
    l.push(r);
  }
  if (gw.size === 0) return joined;
  // (largest first, so that the first match is the one taken; each list is read up to
  // INSTANCE_CANDIDATES deep, so that many templates opening with one word cost no more)
  for (const m of [byFirst, byLast]) for (const l of m.values()) l.sort((x, y) => comp[find(y)] - comp[find(x)] || x - y);
  const joins: [number, number][] = [];
  for (const r of idx) {
    const t = reps[r], sp = t.indexOf(" ");
    if (sp < 0) continue;
    const a = bareWord(t.slice(0, sp)), b = bareWord(t.slice(t.lastIndexOf(" ") + 1));
    const first = byFirst.get(a), last = byLast.get(b);
    if (first === undefined && last === undefined) continue;
    // (only a group that nothing joined yet: one that the near-duplicate or long-run joins
    // made part of a larger whole is that whole's, and would carry it along)
    const cr = find(r), mine = comp[cr];
    if (reps1[cr] !== 1) continue;
    let best = -1, bestSize = 0, w: string[] | null = null;
    for (const cands of [first, last]) {
      if (cands === undefined) continue;
      for (let q = 0; q < cands.length && q < INSTANCE_CANDIDATES; q++) {
        const g = cands[q], cg = find(g), z = comp[cg];
        if (z < INSTANCE_DOMINANCE * mine || z <= bestSize) break; // (the rest are smaller)
        if (cg === cr) continue;
        w ??= words(r);
        if (generalises(gw.get(g)!, w)) { best = cg; bestSize = z; break; }
      }
    }
    if (best >= 0) { joins.push([cr, best]); joined[r] = 1; }
  }
  for (const [c, g] of joins) if (find(c) === c) root[c] = find(g);
  for (let r = 0; r < root.length; r++) root[r] = find(r);
  return joined;
}

/** Reps that are templates with words (not raw texts, not sibling templates, not the thin mark). */
function templIdx(reps: readonly string[], rawRep: readonly number[], sibling: Uint8Array): number[] {
  const out: number[] = [];
  for (let r = 0; r < reps.length; r++) if (rawRep[r] === 0 && sibling[r] === 0 && reps[r].length > 2 && !isHollow(reps[r])) out.push(r);
  return out;
}

/** Whether `t` has at least `k` space-separated words other than the slot mark `<*>`. */
function hasWords(t: string, k: number): boolean {
  let n = 0, i = 0;
  const L = t.length;
  while (i < L) {
    while (i < L && t.charCodeAt(i) === 32) i++;
    if (i >= L) break;
    const a = i;
    while (i < L && t.charCodeAt(i) !== 32) i++;
    if (!(i - a === 3 && t.startsWith(SLOT, a)) && ++n >= k) return true;
  }
  return false;
}

/** Near-duplicate components; labels[i] is the component's smallest member index. */
export function nearDuplicateRoots(texts: readonly string[], threshold: number, signatures?: Uint32Array): Int32Array {
  const n = texts.length;
  const hasher = signatures === undefined ? new MinHasher({ numPerm: NUM_PERM }) : null;
  const { bands, rows } = recallBanding(threshold);
  const sig16 = new Uint16Array(n * NUM_PERM);
  const bandHash = new Uint32Array(n * bands);
  const chunk = new Uint32Array(CHUNK * NUM_PERM);
  for (let start = 0; start < n; start += CHUNK) {
    const part = texts.slice(start, start + CHUNK);
    // signatures given (e.g. from SignPool): read them in place; else sign this chunk
    const slots = hasher === null ? signatures!.subarray(start * NUM_PERM, (start + part.length) * NUM_PERM) : chunk;
    if (hasher !== null) hasher.signBatchInto(part, chunk, 0);
    for (let d = 0; d < part.length; d++) {
      const base = d * NUM_PERM;
      const doc = start + d;
      for (let j = 0; j < NUM_PERM; j++) sig16[doc * NUM_PERM + j] = slots[base + j] & 0xffff;
      for (let b = 0; b < bands; b++) {
        // FNV-1a over the band's 32-bit slots, then a MurmurHash3 finalizer
        let h = 0x811c9dc5 ^ b;
        for (let r = 0; r < rows; r++) h = Math.imul(h ^ slots[base + b * rows + r], 0x01000193);
        h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16;
        bandHash[doc * bands + b] = h >>> 0;
      }
    }
  }
  const margin = 3 * Math.sqrt((threshold * (1 - threshold)) / NUM_PERM);
  const sure = Math.ceil((threshold + margin) * NUM_PERM - 1e-9);   // this many equal slots: accept
  const maybe = Math.ceil((threshold - margin) * NUM_PERM - 1e-9);  // fewer: reject
  const exact = new ExactJaccard(texts);
  const similar = (a: number, b: number): boolean => {
    let eq = 0;
    const pa = a * NUM_PERM, pb = b * NUM_PERM;
    for (let j = 0; j < NUM_PERM; j++) {
      if (sig16[pa + j] === sig16[pb + j]) eq++;
      else if (j + 1 - eq > NUM_PERM - maybe) return false; // too many mismatches already
    }
    if (eq >= sure) return true;
    return exact.jaccard(a, b) >= threshold;
  };
  const uf = new UnionFind(n);
  let cap = 16;
  while (cap < 2 * n) cap *= 2;
  const keys = new Uint32Array(cap);
  const first = new Int32Array(cap);
  const latest = new Int32Array(cap);
  for (let b = 0; b < bands; b++) {
    first.fill(-1);
    for (let i = 0; i < n; i++) {
      const h = bandHash[i * bands + b];
      let s = h & (cap - 1);
      while (first[s] !== -1 && keys[s] !== h) s = (s + 1) & (cap - 1);
      if (first[s] === -1) {
        keys[s] = h;
        first[s] = i;
        latest[s] = i;
        continue;
      }
      const f = first[s], l = latest[s];
      if (uf.find(i) !== uf.find(f) && similar(i, f)) uf.union(i, f);
      if (l !== f && uf.find(i) !== uf.find(l) && similar(i, l)) uf.union(i, l);
      latest[s] = i;
    }
  }
  const roots = new Int32Array(n);
  for (let i = 0; i < n; i++) roots[i] = uf.find(i);
  return roots;
}

/** Banding for candidate recall: the most rows with P(candidate | J = threshold) >= 0.995. */
export function recallBanding(threshold: number): { bands: number; rows: number } {
  let best = { bands: NUM_PERM, rows: 1 };
  for (let rows = 1; rows <= NUM_PERM; rows++) {
    const bands = Math.floor(NUM_PERM / rows);
    if (1 - Math.pow(1 - Math.pow(threshold, rows), bands) >= 0.995) best = { bands, rows };
  }
  return best;
}

/**
 * Exact Jaccard similarity of two texts' shingle sets, from the kernel's 64-bit shingle hashes
 * (the test hook that copies them out; 64-bit hashes collide with probability ~n^2 / 2^64).
 * Recently used sets are cached, as bucket leaders are compared many times.
 */
class ExactJaccard {
  readonly #texts: readonly string[];
  readonly #cache = new Map<number, Float64Array>();
  static readonly #cfg: KernelConfig = Object.freeze({ algo: Algo.Dump, t: 1, k: 3, unit: "word" as const, normalize: true, seed: 1 });
  constructor(texts: readonly string[]) {
    this.#texts = texts;
  }
  #set(i: number): Float64Array {
    let s = this.#cache.get(i);
    if (s !== undefined) return s;
    const k = kernel();
    k.use(ExactJaccard.#cfg);
    const len = k.writeText(this.#texts[i], 0, "word", true);
    k.docs[0] = 0;
    k.docs[1] = k.docFlag(len);
    const n = k.raw.signDocs(1);
    const u32 = k.u32;
    const o = k.OUT >>> 2;
    s = new Float64Array(n);
    // 53 bits of each hash as a double: sortable, and collisions stay negligible
    for (let j = 0; j < n; j++) s[j] = (u32[o + 2 * j + 1] & 0x1fffff) * 4294967296 + u32[o + 2 * j];
    s.sort();
    if (this.#cache.size >= 4096) this.#cache.clear();
    this.#cache.set(i, s);
    return s;
  }
  jaccard(a: number, b: number): number {
    if (this.#texts[a] === this.#texts[b]) return 1;
    const x = this.#set(a), y = this.#set(b);
    let i = 0, j = 0, inter = 0, union = 0;
    while (i < x.length || j < y.length) {
      const vx = i < x.length ? x[i] : Infinity, vy = j < y.length ? y[j] : Infinity;
      const v = Math.min(vx, vy);
      if (vx === v && vy === v) inter++;
      union++;
      while (i < x.length && x[i] === v) i++;
      while (j < y.length && y[j] === v) j++;
    }
    return union === 0 ? 1 : inter / union;
  }
}

/** Numbers groups by first appearance and builds their member lists (group ids are in [0, n)). */
function compact(groupOf: ArrayLike<number>, n: number): { labels: Int32Array; members: number[][] } {
  const labels = new Int32Array(n);
  const ids = new Int32Array(n).fill(-1);
  const members: number[][] = [];
  for (let i = 0; i < n; i++) {
    const g = groupOf[i];
    let id = ids[g];
    if (id < 0) {
      id = ids[g] = members.length;
      members.push([i]);
    } else members[id].push(i);
    labels[i] = id;
  }
  return { labels, members };
}

/**
 * Groups `texts`: `labels[i]` is the cluster id of `texts[i]` (every text has one; a text alike no
 * other is a cluster of one), and `clusters[id]` lists members and a readable template.
 * Under Node.js, template mode on 50,000 texts or more also runs part of the miner on a worker
 * thread, synchronously (the call blocks as before; `threads: 1` keeps it to this thread).
 * @example
 * const { labels, clusters } = cluster(prompts, { mode: "near-duplicate", threshold: 0.8 });
 * clusters.filter((c) => c.size >= 5).map((c) => c.template);
 * const oneThread = cluster(prompts, { threads: 1 });   // template mode on the calling thread only
 */
export function cluster(texts: readonly string[], opts?: ClusterOptions): { labels: Int32Array; clusters: Cluster[] } {
  return clusterWith(texts, opts, undefined);
}

/**
 * `cluster` with, in near-duplicate mode, signatures made elsewhere (texts.length x 128 slots from
 * a default MinHasher or SignPool; `neardup/node`'s `clusterParallel` signs on every core), and in
 * template mode, another thread doing part of the miner's work (`clusterParallel` again). Either
 * way the answer is `cluster`'s.
 */
export function clusterWith(texts: readonly string[], opts: ClusterOptions | undefined, signatures: Uint32Array | undefined, helper?: MinerHelper): { labels: Int32Array; clusters: Cluster[] } {
  if (!Array.isArray(texts)) throw new TypeError(`cluster: texts must be an array of strings, got ${describeValue(texts)}`);
  for (let i = 0; i < texts.length; i++) {
    if (typeof texts[i] !== "string") throw new TypeError(`cluster: texts[${i}] must be a string, got ${describeValue(texts[i])}`);
  }
  const o = checkOptions(opts, CLUSTER_OPTIONS, "cluster");
  const threads = intOption(o.threads, "threads", 1, 1024, minerThreads?.cores ?? 1, "cluster");
  const siblings = o.siblings ?? "merge";
  if (siblings !== "merge" && siblings !== "split") {
    throw new RangeError(`cluster: siblings must be 'merge' or 'split', got ${describeValue(siblings)}`);
  }
  const mode = o.mode ?? "template";
  if (mode !== "template" && mode !== "near-duplicate") {
    throw new RangeError(`cluster: mode must be 'template' or 'near-duplicate', got ${describeValue(mode)}`);
  }
  const threshold = thresholdOption(o.threshold, "cluster");
  if (mode === "near-duplicate") {
    if (signatures !== undefined && (!(signatures instanceof Uint32Array) || signatures.length !== texts.length * NUM_PERM)) {
      throw new RangeError(`cluster: signatures must be a Uint32Array of texts.length x ${NUM_PERM} slots`);
    }
    const { labels, members } = compact(nearDuplicateRoots(texts, threshold, signatures), texts.length);
    const clusters = members.map((m, id) => ({
      id, size: m.length, members: m, template: m.length >= 2 ? templateOf(m.map((i) => texts[i])) : texts[m[0]],
    }));
    return { labels, clusters };
  }
  const minSupport = o.minSupport;
  // (singletons with fewer than MERGE_MIN_WORDS words of wording take part in nothing below, so
  // the miner does not build their templates)
  // (a worker thread, when this runtime has one, takes part in mining large inputs; it is stopped
  // once mining ends, error or not)
  const thread = helper === undefined && threads > 1 && minerThreads !== null && texts.length >= PARALLEL_MIN_TEXTS ? minerThreads.open() : null;
  let mined: ReturnType<typeof mine>;
  try {
    mined = mine(texts, { ...(minSupport === undefined ? {} : { minSupport: minSupport as number }), splitSiblings: siblings === "split" }, MERGE_MIN_WORDS, helper ?? thread?.helper);
  } finally {
    thread?.close();
  }
  // Groups whose templates are near-duplicates of each other (Jaccard of the templates' word
  // 3-grams >= 0.8) are one template seen with small variations (a long fixed text whose
  // statistics differ in a place or two): merge them.
  // A group whose template has no word at all ("<*>") was grouped on nothing: its texts are
  // singletons.
  const first = new Int32Array(mined.templates.length).fill(-1); // miner group -> its rep
  const reps: string[] = [];
  // rawRep: 1 when the rep is a text of its own (no template), not a template; 2 when no 3-gram of
  // that text recurs, so that it cannot be a near-duplicate of anything (it is not signed)
  const rawRep: number[] = [];
  const repOf = new Int32Array(texts.length);
  const hollowGroup = mined.templates.map(isHollow);
  for (let i = 0; i < texts.length; i++) {
    const g = mined.labels[i];
    let r = first[g];
    const hol = hollowGroup[g];
    if (r < 0 || hol) {
      r = reps.length;
      if (first[g] < 0) first[g] = r;
      reps.push(hol ? texts[i] : mined.templates[g]);
      rawRep.push(hol ? (mined.recurring[i] === 0 ? 2 : 1) : 0);
    }
    repOf[i] = r;
  }
  // only templates with real wording take part (an all-slot "<*>" is not a template to match)
  // (nor do sibling templates the miner told apart: they differ in a word or two on purpose)
  const sibling = new Uint8Array(reps.length);
  for (let g = 0; g < first.length; g++) if (first[g] >= 0) sibling[first[g]] = mined.siblings[g];
  // (only those are signed: most reps of a large input are one-off texts with little wording)
  const wordyIdx: number[] = [];
  for (let r = 0; r < reps.length; r++) if (sibling[r] === 0 && rawRep[r] !== 2 && hasWords(reps[r], MERGE_MIN_WORDS)) wordyIdx.push(r);
  const subRoots = nearDuplicateRoots(wordyIdx.map((r) => reps[r]), TEMPLATE_MERGE);
  const repRoot = new Int32Array(reps.length);
  for (let r = 0; r < reps.length; r++) repRoot[r] = r;
  for (let k = 0; k < wordyIdx.length; k++) repRoot[wordyIdx[k]] = wordyIdx[subRoots[k]];
  const repSize = new Int32Array(reps.length);
  for (let i = 0; i < texts.length; i++) repSize[repOf[i]]++;
  // (instances first: a group that is a template with a passage kept as wording holds the
  // passage's runs, which other templates' instances hold too; once it is its template's, its
  // runs must not join templates through the passage)
  const instance = joinInstances(reps, templIdx(reps, rawRep, sibling), repRoot, repSize);
  if (LONG_RUN > 0) joinLongRuns(reps, wordyIdx.filter((r) => rawRep[r] === 0 && instance[r] === 0), repRoot, repSize);
  const groupOf = new Int32Array(texts.length);
  for (let i = 0; i < texts.length; i++) groupOf[i] = repRoot[repOf[i]];
  const { labels, members } = compact(groupOf, texts.length);
  const clusters = members.map((m, id) => {
    const g = mined.labels[m[0]];
    // one whole miner group: its template; a single text: the text; merged groups: aligned anew
    // (a group of field labels: the labels all its texts share, those in the middle too)
    const whole = m.length === 1 ? texts[m[0]]
      : m.every((i) => mined.labels[i] === g) && !isHollow(mined.templates[g])
        ? (isFieldTemplate(mined.templates[g]) ? fieldTemplateOf(m.map((i) => texts[i])) : mined.templates[g])
      : templateOf(m.map((i) => texts[i]));
    return { id, size: m.length, members: m, template: whole };
  });
  return { labels, clusters };
}
