/**
 * The streaming campaign detector: every prompt is assigned to a cluster as it arrives (near-
 * duplicates through an `LshIndex`, template instances through a `TemplateMiner`), and each
 * cluster keeps the counters an analyst needs: size, distinct accounts, first and last seen, rate.
 * With a window (by prompt count and/or time) the oldest prompts are forgotten, so memory stays
 * bounded however long the stream runs.
 *
 * Bookkeeping (all bounded by the live prompts):
 *   items   a FIFO of live prompts: sequence number, cluster, time, account, caller id, and the
 *           prompt's position in its cluster's member list (for O(1) removal);
 *   clusters  id -> members (sequence numbers), per-account counts, first/last seen, a few example
 *           texts. When two clusters become one, the smaller one's members are relabelled into the
 *           larger (small-to-large merging: O(n log n) relabels over any stream).
 */
import { MinHasher } from "./minhash.js";
import { LshIndex } from "./lsh.js";
import { TemplateMiner } from "./template.js";
import { templateOf, fieldTemplateOf, isFieldTemplate, wordsIn, isHollow } from "./align.js";
import { checkMeta, checkOptions, describeValue, intOption, thresholdOption, windowOption } from "./text.js";
import { BodyBuilder, SnapshotError, SnapshotKind, decodeSnapshot, encodeSnapshot } from "./persist.js";
import { recallBanding, type Cluster, type ClusterMode } from "./cluster.js";

/** A cluster with who sent it and how fast. */
export type Campaign = Cluster & {
  /** Distinct accounts among the live members. */
  accounts: number;
  /** The accounts with most members, most first (at most 5). */
  topAccounts: [string, number][];
  /** Time (ms) of the earliest and latest live member. */
  firstSeen: number;
  lastSeen: number;
  /** Members per minute over [firstSeen, lastSeen] (a span under one second counts as one second). */
  ratePerMinute: number;
  /** The first `maxExamples` texts the cluster received (they may have left the window since). */
  examples: string[];
};

/** Options of `Detector`. */
export interface DetectorOptions {
  /** 'template' (default) or 'near-duplicate'. */
  mode?: ClusterMode;
  /** Near-duplicate mode: Jaccard threshold in (0, 1]; default 0.8. */
  threshold?: number;
  /** A cluster is flagged from this size on; default 5. */
  minClusterSize?: number;
  /** Forget prompts beyond the newest `prompts`, and/or older than `ms` before the newest time. */
  window?: { prompts?: number; ms?: number };
  /** Template mode: instances needed before a template is recognised; default 3. */
  minSupport?: number;
  /** Example texts kept per cluster; default 3. */
  maxExamples?: number;
}

/** Per-prompt metadata. */
export interface PromptMeta {
  /** Caller's id of the prompt (reported in `Campaign.memberIds`). */
  id?: string;
  /** Who sent it. */
  account?: string;
  /** When (ms since the epoch); default `Date.now()`. */
  time?: number;
}

interface ClusterRec {
  id: number;
  members: number[];
  firstSeen: number;
  lastSeen: number;
  examples: string[];
}

const NUM_PERM = 128;
/** The most prompts a near-duplicate Detector sizes its index for up front (about 100 MB of tables). */
const RESERVE_MAX = 1 << 21;

export class Detector {
  readonly mode: ClusterMode;
  readonly threshold: number;
  readonly minClusterSize: number;
  readonly window: { readonly prompts: number; readonly ms: number };
  readonly maxExamples: number;
  readonly minSupport: number;
  #hasher: MinHasher | null = null;
  #lsh: LshIndex<number> | null = null;
  readonly #sig = new Uint32Array(NUM_PERM);
  /** Near-duplicate mode's query: a few of the newest alike prompts per band find every cluster a prompt joins. */
  readonly #queryOpts: { minSimilarity: number; maxPerBand: number };
  #miner: TemplateMiner | null = null;
  /** FIFO of live items, by sequence number: seq -> slot seq & (cap - 1). */
  #cap = 1024;
  #head = 0; // sequence number of the oldest live item
  #next = 0; // next sequence number
  #clusterOf = new Int32Array(this.#cap);
  #pos = new Int32Array(this.#cap);
  #time = new Float64Array(this.#cap);
  #account: (string | undefined)[] = new Array(this.#cap);
  #ids: (string | undefined)[] = new Array(this.#cap);
  /**
   * Clusters by id. A cluster of one prompt is kept as that prompt's sequence number, not as an
   * object (most clusters of a stream are one prompt; an object and two arrays each made the
   * heap, and its garbage collection, much larger); it becomes a `ClusterRec` when a second prompt
   * joins it (`#rec`). The text of such a prompt (its future example) is in `#text`.
   */
  #clusters = new Map<number, ClusterRec | number>();
  #text: (string | undefined)[] = new Array(this.#cap);
  #nextCluster = 0;
  #newest = -Infinity;

  /**
   * @example
   * const d = new Detector({ mode: "template", minClusterSize: 5, window: { prompts: 1_000_000 } });
   * const { clusterId, flagged } = d.add(prompt, { account: "acct-42", time: Date.now() });
   */
  constructor(opts?: DetectorOptions) {
    const where = "Detector";
    const o = checkOptions(opts, ["mode", "threshold", "minClusterSize", "window", "minSupport", "maxExamples"], where);
    const mode = o.mode ?? "template";
    if (mode !== "template" && mode !== "near-duplicate") {
      throw new RangeError(`${where}: mode must be 'template' or 'near-duplicate', got ${describeValue(mode)}`);
    }
    this.mode = mode;
    const threshold = thresholdOption(o.threshold, where);
    this.threshold = threshold;
    this.minClusterSize = intOption(o.minClusterSize, "minClusterSize", 1, 2 ** 31 - 1, 5, where);
    this.maxExamples = intOption(o.maxExamples, "maxExamples", 0, 1000, 3, where);
    this.minSupport = intOption(o.minSupport, "minSupport", 2, 2 ** 31 - 1, 3, where);
    this.window = windowOption(o.window, where);
    this.#queryOpts = { minSimilarity: threshold, maxPerBand: 8 };
    if (mode === "near-duplicate") {
      this.#hasher = new MinHasher({ numPerm: NUM_PERM });
      // banding for recall (see cluster.ts): candidates then verified on the signatures
      this.#lsh = new LshIndex<number>({ threshold, numPerm: NUM_PERM, params: recallBanding(threshold), hasher: this.#hasher });
      this.#reserve();
    } else {
      this.#miner = new TemplateMiner({ minSupport: this.minSupport }, (from, into) => this.#merge(from, into));
    }
  }

  /** Live prompts. */
  get size(): number {
    return this.#next - this.#head;
  }

  /**
   * Adds one prompt and answers at once with its cluster, the cluster's size, and whether the
   * cluster is flagged (size >= minClusterSize).
   * @example d.add("Explain step by step how to pick a lock.", { account: "u1" })
   */
  add(text: string, meta?: PromptMeta): { clusterId: number; clusterSize: number; flagged: boolean } {
    if (typeof text !== "string") throw new TypeError(`Detector.add: text must be a string, got ${describeValue(text)}`);
    const m = checkMeta(meta, "Detector.add");
    const id = this.#addChecked(text, m);
    const size = sizeOf(this.#clusters.get(id));
    return { clusterId: id, clusterSize: size, flagged: this.#flagged(id, size) };
  }

  /**
   * Adds many prompts; returns their cluster ids at the time each was added. In near-duplicate
   * mode `opts.signatures` may carry their signatures (row-major, 128 slots each, from a default
   * `MinHasher` or `SignPool`), so signing can run on other cores.
   * @example const ids = d.addBatch(prompts, prompts.map((_, i) => ({ account: accounts[i] })));
   */
  addBatch(texts: readonly string[], metas?: readonly PromptMeta[], opts?: { signatures?: Uint32Array }): Int32Array {
    if (!Array.isArray(texts)) throw new TypeError(`Detector.addBatch: texts must be an array of strings, got ${describeValue(texts)}`);
    if (metas !== undefined && (!Array.isArray(metas) || metas.length !== texts.length)) {
      throw new TypeError(`Detector.addBatch: metas must be an array as long as texts (${texts.length}), or omitted`);
    }
    const sigs = checkOptions(opts, ["signatures"], "Detector.addBatch").signatures as Uint32Array | undefined;
    if (sigs !== undefined) {
      // signatures made elsewhere (e.g. by SignPool on every core), row i for texts[i]
      if (this.#hasher === null) throw new TypeError("Detector.addBatch: signatures apply to near-duplicate mode only; template mode does not sign");
      if (!(sigs instanceof Uint32Array) || sigs.length !== texts.length * NUM_PERM) {
        throw new RangeError(`Detector.addBatch: signatures must be a Uint32Array of texts.length x ${NUM_PERM} = ${texts.length * NUM_PERM} slots (from a MinHasher with default options), got ${describeValue(sigs)}${sigs instanceof Uint32Array ? ` of ${sigs.length}` : ""}`);
      }
    }
    // validate everything first: a bad element rejects the whole batch and changes nothing
    const ms: PromptMeta[] = new Array(texts.length);
    for (let i = 0; i < texts.length; i++) {
      if (typeof texts[i] !== "string") throw new TypeError(`Detector.addBatch: texts[${i}] must be a string, got ${describeValue(texts[i])}`);
      ms[i] = checkMeta(metas?.[i], `Detector.addBatch (metas[${i}])`);
    }
    const out = new Int32Array(texts.length);
    for (let i = 0; i < texts.length; i++) {
      out[i] = this.#addChecked(texts[i], ms[i], sigs?.subarray(i * NUM_PERM, (i + 1) * NUM_PERM));
    }
    return out;
  }

  /**
   * Current clusters (live members only), largest first.
   * @example d.clusters({ flaggedOnly: true }).map((c) => [c.size, c.accounts, c.template])
   */
  clusters(opts?: { minSize?: number; flaggedOnly?: boolean }): Campaign[] {
    const o = checkOptions(opts, ["minSize", "flaggedOnly"], "Detector.clusters");
    const flaggedOnly = o.flaggedOnly ?? false;
    if (typeof flaggedOnly !== "boolean") throw new TypeError("Detector.clusters: flaggedOnly must be a boolean");
    let minSize = intOption(o.minSize, "minSize", 1, 2 ** 31 - 1, 1, "Detector.clusters");
    if (flaggedOnly) minSize = Math.max(minSize, this.minClusterSize);
    const out: Campaign[] = [];
    for (const [id, e] of this.#clusters) {
      const size = sizeOf(e);
      if (size >= minSize && (!flaggedOnly || this.#flagged(id, size))) out.push(this.#campaign(this.#view(id, e)));
    }
    out.sort((a, b) => b.size - a.size || a.id - b.id);
    return out;
  }

  /**
   * The campaign of one cluster id (as returned by `add`), or undefined if it has no live member or
   * was merged into another cluster since (ids of merged clusters are not kept).
   */
  cluster(id: number): Campaign | undefined {
    const e = this.#clusters.get(id);
    return e === undefined ? undefined : this.#campaign(this.#view(id, e));
  }

  /**
   * The detector's whole state as bytes (the versioned, checksummed container of persist.ts, kind
   * 3): options, live prompts with their clusters, times, accounts and ids, clusters with their
   * examples, and the near-duplicate index or the template statistics.
   *
   * Body: u8 mode | f64 threshold | u32 minClusterSize | f64 window.prompts | f64 window.ms |
   * u32 minSupport | u32 maxExamples | hasher record | f64 head, next, nextCluster, newest |
   * u32 items, each: f64 cluster, f64 time, u8 flags (1 account, 2 id), [string account], [string id] |
   * u32 clusters, each: f64 id, f64 firstSeen, f64 lastSeen, u32 examples, strings |
   * blob: LshIndex snapshot (near-duplicate) or TemplateMiner state (template).
   * @example saveFileAtomicSync("detector.ndup", detector.save());
   */
  save(): Uint8Array {
    const b = new BodyBuilder();
    b.u8(this.mode === "near-duplicate" ? 0 : 1);
    b.f64(this.threshold);
    b.u32(this.minClusterSize);
    b.f64(this.window.prompts);
    b.f64(this.window.ms);
    b.u32(this.minSupport);
    b.u32(this.maxExamples);
    const h = this.#hasher;
    b.u8(h === null ? 0 : 1);
    if (h !== null) {
      b.u32(h.numPerm); b.u32(h.seed); b.string(h.algorithm);
      b.string(h.shingle.unit); b.u32(h.shingle.size); b.u8(h.shingle.normalize ? 1 : 0);
    }
    b.f64(this.#head); b.f64(this.#next); b.f64(this.#nextCluster); b.f64(this.#newest);
    b.u32(this.#next - this.#head);
    for (let seq = this.#head; seq < this.#next; seq++) {
      const slot = seq & (this.#cap - 1);
      const acct = this.#account[slot], id = this.#ids[slot];
      b.f64(this.#clusterOf[slot]);
      b.f64(this.#time[slot]);
      b.u8((acct !== undefined ? 1 : 0) | (id !== undefined ? 2 : 0));
      if (acct !== undefined) b.string(acct);
      if (id !== undefined) b.string(id);
    }
    b.u32(this.#clusters.size);
    for (const [id, entry] of this.#clusters) {
      const c = this.#view(id, entry);
      b.f64(c.id); b.f64(c.firstSeen); b.f64(c.lastSeen);
      b.u32(c.examples.length);
      for (const e of c.examples) b.string(e);
    }
    b.blob(this.#lsh !== null ? this.#lsh.serialize() : this.#miner!.serialize());
    const body = b.finish();
    return encodeSnapshot(SnapshotKind.Detector, body.length, (w) => w.raw(body));
  }

  /**
   * Loads a detector written by `save`. A truncated, altered or foreign snapshot throws a
   * `SnapshotError` saying which; it never returns a silently wrong detector.
   * @example const d = Detector.load(fs.readFileSync("detector.ndup"));
   */
  static load(bytes: Uint8Array): Detector {
    const where = "Detector.load";
    const r = decodeSnapshot(bytes, SnapshotKind.Detector, where);
    const modeCode = r.u8("mode");
    if (modeCode > 1) throw r.malformed(`mode ${modeCode}`);
    const threshold = r.f64("threshold");
    const minClusterSize = r.u32("minClusterSize");
    const prompts = r.f64("window.prompts");
    const ms = r.f64("window.ms");
    const minSupport = r.u32("minSupport");
    const maxExamples = r.u32("maxExamples");
    let d: Detector;
    try {
      d = new Detector({
        mode: modeCode === 0 ? "near-duplicate" : "template", threshold, minClusterSize, minSupport, maxExamples,
        window: { ...(prompts === Infinity ? {} : { prompts }), ...(ms === Infinity ? {} : { ms }) },
      });
    } catch (err) {
      throw r.malformed(`options: ${(err as Error).message}`);
    }
    if (r.u8("hasher flag") === 1) {
      const saved = { numPerm: r.u32("hasher.numPerm"), seed: r.u32("hasher.seed"), algorithm: r.string("hasher.algorithm"),
        unit: r.string("hasher.shingle.unit"), size: r.u32("hasher.shingle.size"), normalize: r.u8("hasher.shingle.normalize") === 1 };
      const h = d.#hasher;
      if (h === null) throw r.malformed("a hasher record in a template-mode detector");
      const now = { numPerm: h.numPerm, seed: h.seed, algorithm: h.algorithm, unit: h.shingle.unit, size: h.shingle.size, normalize: h.shingle.normalize };
      for (const k of Object.keys(now) as (keyof typeof now)[]) {
        if (saved[k] !== now[k]) {
          throw new SnapshotError("hasher-mismatch", `${where}: the snapshot was made with hasher ${k} = ${String(saved[k])}, this version signs with ${String(now[k])}`);
        }
      }
    } else if (d.#hasher !== null) throw r.malformed("no hasher record in a near-duplicate detector");
    d.#head = r.f64("head"); d.#next = r.f64("next"); d.#nextCluster = r.f64("nextCluster"); d.#newest = r.f64("newest");
    const items = r.u32("the item count");
    if (!Number.isSafeInteger(d.#head) || d.#next - d.#head !== items || items > r.end - r.pos) throw r.malformed(`${items} items from ${d.#head} to ${d.#next}`);
    while (d.#cap < items) d.#cap *= 2;
    d.#clusterOf = new Int32Array(d.#cap); d.#pos = new Int32Array(d.#cap); d.#time = new Float64Array(d.#cap);
    d.#account = new Array(d.#cap); d.#ids = new Array(d.#cap); d.#text = new Array(d.#cap);
    const clusterOf: number[] = new Array(items);
    for (let i = 0; i < items; i++) {
      const slot = (d.#head + i) & (d.#cap - 1);
      clusterOf[i] = r.f64(`item ${i}`);
      d.#time[slot] = r.f64(`item ${i}`);
      const flags = r.u8(`item ${i}`);
      if (flags & 1) d.#account[slot] = r.string(`item ${i} account`);
      if (flags & 2) d.#ids[slot] = r.string(`item ${i} id`);
    }
    const nClusters = r.u32("the cluster count");
    const recs = new Map<number, ClusterRec>();
    for (let i = 0; i < nClusters; i++) {
      const id = r.f64(`cluster ${i}`);
      const c: ClusterRec = { id, members: [], firstSeen: r.f64(`cluster ${i}`), lastSeen: r.f64(`cluster ${i}`), examples: [] };
      const ne = r.u32(`cluster ${i} examples`);
      for (let e = 0; e < ne; e++) c.examples.push(r.string(`cluster ${i} example ${e}`));
      recs.set(id, c);
    }
    for (let i = 0; i < items; i++) {
      const seq = d.#head + i, slot = seq & (d.#cap - 1);
      const c = recs.get(clusterOf[i]);
      if (c === undefined) throw r.malformed(`item ${seq} is in cluster ${clusterOf[i]}, which is not in the snapshot`);
      d.#clusterOf[slot] = c.id;
      d.#pos[slot] = c.members.length;
      c.members.push(seq);
    }
    for (const c of recs.values()) {
      if (c.members.length === 0) throw r.malformed(`cluster ${c.id} has no member`);
      if (c.members.length > 1 || c.examples.length > 1) { d.#clusters.set(c.id, c); continue; }
      // a lone prompt's cluster is kept as its number (see #clusters)
      const seq = c.members[0], slot = seq & (d.#cap - 1);
      if (c.firstSeen !== d.#time[slot] || c.lastSeen !== d.#time[slot]) { d.#clusters.set(c.id, c); continue; }
      d.#clusters.set(c.id, seq);
      d.#text[slot] = c.examples[0];
    }
    const nested = r.raw(r.u32("the index length"), "the index");
    r.done();
    if (d.#lsh !== null) {
      d.#lsh = LshIndex.deserialize<number>(nested.slice(), { hasher: d.#hasher! });
      d.#reserve();
    }
    else d.#miner = TemplateMiner.deserialize(nested.slice(), (from, into) => d.#merge(from, into));
    return d;
  }

  /**
   * Flagged: at least minClusterSize members and, in template mode, a template with some wording
   * (the miner's statistics can generalise a group until nothing fixed is left; such a group is
   * not evidence of a campaign).
   */
  #flagged(id: number, size: number): boolean {
    if (size < this.minClusterSize) return false;
    return this.#miner === null || id < 0 || !isHollow(this.#miner.template(id));
  }

  /** Cluster `id` as a record, made (and kept) from a lone prompt's number when needed. */
  #rec(id: number): ClusterRec | undefined {
    const e = this.#clusters.get(id);
    if (typeof e !== "number") return e;
    const c = this.#view(id, e);
    this.#text[e & (this.#cap - 1)] = undefined; // now in c.examples
    this.#clusters.set(id, c);
    return c;
  }

  /** A record of cluster `id` to read (for a lone prompt a temporary one). */
  #view(id: number, e: ClusterRec | number): ClusterRec {
    if (typeof e !== "number") return e;
    const slot = e & (this.#cap - 1);
    const time = this.#time[slot], text = this.#text[slot];
    // array literals hold exactly their elements (a push into [] would reserve 16)
    return { id, members: [e], firstSeen: time, lastSeen: time, examples: text === undefined ? [] : [text] };
  }

  #campaign(c: ClusterRec): Campaign {
    const size = c.members.length;
    // account counts are made here, from the members, and not kept per cluster: most clusters of a
    // stream are one prompt, and a Map each made the heap (and its garbage collection) much larger
    const accounts = new Map<string, number>();
    for (const seq of c.members) {
      const a = this.#account[seq & (this.#cap - 1)];
      if (a !== undefined) accounts.set(a, (accounts.get(a) ?? 0) + 1);
    }
    const top = [...accounts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 5);
    const span = Math.max(c.lastSeen - c.firstSeen, 1000);
    let template = this.#miner !== null && c.id >= 0 ? this.#miner.template(c.id) : "";
    // the miner's template can be thin after much generalisation ("<*> by <*>"): the wording its
    // examples share says more then (not for a field template, "instruction: <*> output:")
    if (wordsIn(template) < MIN_TEMPLATE_WORDS) {
      // (a field template: the labels its examples share, those in the middle too)
      if (isFieldTemplate(template)) { if (c.examples.length >= 2) template = fieldTemplateOf(c.examples); }
      else template = size >= 2 ? templateOf(c.examples) : c.examples[0] ?? "";
    }
    return {
      id: c.id, size, members: c.members.slice().sort((a, b) => a - b), template,
      accounts: accounts.size, topAccounts: top, firstSeen: c.firstSeen, lastSeen: c.lastSeen,
      ratePerMinute: (size * 60000) / span, examples: c.examples.slice(),
    };
  }

  /** The caller's ids of a cluster's live members (undefined where none was given). */
  memberIds(clusterId: number): (string | undefined)[] {
    const e = this.#clusters.get(clusterId);
    if (e === undefined) return [];
    return this.#view(clusterId, e).members.map((seq) => this.#ids[seq & (this.#cap - 1)]);
  }

  /** Adds a checked prompt; returns its cluster id. */
  #addChecked(text: string, meta: PromptMeta, given?: Uint32Array): number {
    const time = meta.time ?? Date.now();
    const seq = this.#next;
    this.#grow();
    const slot = seq & (this.#cap - 1);
    this.#next++;
    this.#time[slot] = time;
    this.#account[slot] = meta.account;
    this.#ids[slot] = meta.id;
    if (time > this.#newest) this.#newest = time;
    let id: number;
    if (this.#lsh !== null) {
      // signed into a scratch array (the index copies it): no allocation per prompt
      let sig = given;
      if (sig === undefined) { sig = this.#sig; this.#hasher!.signInto(text, sig); }
      const cands = this.#lsh.queryScored(sig, this.#queryOpts);
      id = -1;
      for (const { key } of cands) {
        const other = this.#clusterOf[key & (this.#cap - 1)];
        if (id === -1) id = other;
        else if (other !== id) id = this.#merge(other, id);
      }
      if (id === -1) id = this.#nextCluster++;
      this.#lsh.insert(seq, sig);
    } else {
      id = this.#miner!.add(seq, text);
      // a group whose template has no word was grouped on nothing: the prompt stands alone (ids
      // of such singletons are negative, so they never meet the miner's group ids), and so do the
      // members it had when a merge left it without wording (as `cluster` splits such a group)
      if (this.#miner!.hollow(id)) {
        this.#dissolve(id);
        id = -1 - this.#nextCluster++;
      }
    }
    this.#join(seq, id, text);
    this.#evict();
    return id;
  }

  /** Puts item `seq` into cluster `id` (creating it) and updates the counters. */
  #join(seq: number, id: number, text: string): void {
    const slot = seq & (this.#cap - 1);
    const time = this.#time[slot];
    this.#clusterOf[slot] = id;
    const e = this.#clusters.get(id);
    if (e === undefined) {
      this.#clusters.set(id, seq);
      this.#text[slot] = this.maxExamples > 0 ? text : undefined;
      this.#pos[slot] = 0;
      return;
    }
    const c = typeof e === "number" ? this.#rec(id)! : e;
    this.#pos[slot] = c.members.length;
    c.members.push(seq);
    if (time < c.firstSeen) c.firstSeen = time;
    if (time > c.lastSeen) c.lastSeen = time;
    if (c.examples.length < this.maxExamples) c.examples.push(text);
  }

  /** Template mode: every member of cluster `id` becomes a cluster of its own. */
  #dissolve(id: number): void {
    const c = this.#rec(id);
    if (c === undefined) return;
    this.#clusters.delete(id);
    for (const seq of c.members) {
      const slot = seq & (this.#cap - 1);
      const own = -1 - this.#nextCluster++;
      this.#clusters.set(own, seq);
      this.#text[slot] = this.maxExamples > 0 ? this.#miner!.text(seq) : undefined;
      this.#clusterOf[slot] = own;
      this.#pos[slot] = 0;
    }
  }

  /** Merges cluster `a` and `b`; the larger keeps its id, which is returned. */
  #merge(a: number, b: number): number {
    if (a === b) return a;
    let ca = this.#rec(a), cb = this.#rec(b);
    if (ca === undefined) return b;
    if (cb === undefined) {
      // `b` has no live member yet (a template group about to receive its first item): rename a to b
      this.#clusters.delete(a);
      ca.id = b;
      for (const seq of ca.members) this.#clusterOf[seq & (this.#cap - 1)] = b;
      this.#clusters.set(b, ca);
      return b;
    }
    // the miner decides the surviving id in template mode (its groups must keep their ids)
    if (this.#miner === null && ca.members.length > cb.members.length) [ca, cb] = [cb, ca];
    for (const seq of ca.members) {
      const slot = seq & (this.#cap - 1);
      this.#clusterOf[slot] = cb.id;
      this.#pos[slot] = cb.members.length;
      cb.members.push(seq);
    }
    cb.firstSeen = Math.min(cb.firstSeen, ca.firstSeen);
    cb.lastSeen = Math.max(cb.lastSeen, ca.lastSeen);
    for (const e of ca.examples) if (cb.examples.length < this.maxExamples) cb.examples.push(e);
    this.#clusters.delete(ca.id);
    return cb.id;
  }

  /**
   * With a prompt window, the index is sized for it up front (up to RESERVE_MAX prompts), so that
   * no `add` rebuilds its tables while the window fills (a rebuild at a million prompts takes
   * seconds, inside one `add`).
   */
  #reserve(): void {
    const n = this.window.prompts;
    if (Number.isFinite(n)) this.#lsh!.reserve(Math.min(n, RESERVE_MAX));
  }

  /** Forgets items beyond the window. */
  #evict(): void {
    const { prompts, ms } = this.window;
    while (this.#next - this.#head > prompts || (this.#next > this.#head && this.#time[this.#head & (this.#cap - 1)] < this.#newest - ms)) {
      this.#removeOldest();
    }
  }

  #removeOldest(): void {
    const seq = this.#head;
    const slot = seq & (this.#cap - 1);
    const id = this.#clusterOf[slot];
    const e = this.#clusters.get(id)!;
    this.#text[slot] = undefined;
    if (typeof e === "number") this.#clusters.delete(id);
    else this.#removeMember(e, seq, slot);
    if (this.#lsh !== null) this.#lsh.remove(seq);
    else this.#miner!.remove(seq);
    this.#account[slot] = undefined;
    this.#ids[slot] = undefined;
    this.#head++;
  }

  #removeMember(c: ClusterRec, seq: number, slot: number): void {
    // swap-remove from the member list
    const p = this.#pos[slot];
    const last = c.members.pop()!;
    if (last !== seq) {
      c.members[p] = last;
      this.#pos[last & (this.#cap - 1)] = p;
    }
    if (c.members.length === 0) this.#clusters.delete(c.id);
    else if (this.#time[slot] <= c.firstSeen) c.firstSeen = this.#earliest(c);
  }

  #earliest(c: ClusterRec): number {
    let t = Infinity;
    for (const seq of c.members) t = Math.min(t, this.#time[seq & (this.#cap - 1)]);
    return t;
  }

  /** Doubles the FIFO when full (only without a prompt window, or before it fills). */
  #grow(): void {
    if (this.#next - this.#head < this.#cap) return;
    const cap = this.#cap * 2;
    const clusterOf = new Int32Array(cap), pos = new Int32Array(cap), time = new Float64Array(cap);
    const account: (string | undefined)[] = new Array(cap), ids: (string | undefined)[] = new Array(cap);
    const text: (string | undefined)[] = new Array(cap);
    for (let seq = this.#head; seq < this.#next; seq++) {
      const a = seq & (this.#cap - 1), b = seq & (cap - 1);
      clusterOf[b] = this.#clusterOf[a]; pos[b] = this.#pos[a]; time[b] = this.#time[a];
      account[b] = this.#account[a]; ids[b] = this.#ids[a]; text[b] = this.#text[a];
    }
    this.#cap = cap;
    this.#clusterOf = clusterOf; this.#pos = pos; this.#time = time; this.#account = account; this.#ids = ids; this.#text = text;
  }
}

/** Live members of a cluster entry (a number is a lone prompt's cluster; undefined: none). */
function sizeOf(e: ClusterRec | number | undefined): number {
  return e === undefined ? 0 : typeof e === "number" ? 1 : e.members.length;
}

/** Below this many words a template is too thin to show. */
const MIN_TEMPLATE_WORDS = 3;


