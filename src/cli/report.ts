/**
 * The result of a scan, as the table, the JSON file and the HTML report see it: every cluster of two
 * or more prompts, largest first, with its template, accounts, times and members. Times, line
 * numbers and ids are kept here per arrival (prompt k is the k-th added to the detector, the
 * numbering of `Campaign.members`), so times that were missing stay missing instead of being
 * guessed.
 */
import type { Campaign, PromptMeta } from "neardup";
import type { Format, Mode } from "./args.js";
import type { InputRecord } from "./input.js";

export interface ClusterReport {
  /** Flagged campaigns: 1 for the largest, 2 for the next...; null for a cluster not flagged. */
  rank: number | null;
  /** The detector's cluster id. */
  id: number;
  size: number;
  /** Flagged by the detector: size >= min-size (and, in template mode, a template with wording). */
  flagged: boolean;
  /** Shared wording, `<*>` where members differ. */
  template: string;
  /** Distinct accounts. */
  accounts: number;
  /** The accounts with most members (at most 5), most first. */
  topAccounts: [string, number][];
  /** Earliest and latest member time (ms), over members that have a time; null when none has. */
  firstSeen: number | null;
  lastSeen: number | null;
  /** Members per minute over [firstSeen, lastSeen] (a span under a second counts as a second). */
  ratePerMinute: number | null;
  /** Most members within any 60 minutes: a burst shows here even when the average rate is low. */
  peakPerHour: number | null;
  examples: string[];
  /** Arrival numbers of the members (indexes into Arrivals), in arrival order. */
  members: number[];
}

/** Per-prompt bookkeeping, by arrival number. */
/**
 * Records of a scan on their way to the Detector (shared by the CLI and the web page): each is
 * counted in `arrivals` and queued in `texts` / `metas` until the caller flushes a batch. A record
 * without a time takes the last time seen (the Detector needs one; `arrivals` keeps it missing).
 */
export class ScanQueue {
  readonly arrivals = new Arrivals();
  readonly texts: string[] = [];
  readonly metas: PromptMeta[] = [];
  #lastTime: number | undefined;

  add(rec: InputRecord): void {
    this.arrivals.add(rec.line, rec.time, rec.id, rec.account);
    if (rec.time !== undefined) this.#lastTime = rec.time;
    const meta: PromptMeta = { time: rec.time ?? this.#lastTime ?? 0 };
    if (rec.account !== undefined) meta.account = rec.account;
    this.texts.push(rec.text);
    this.metas.push(meta);
  }

  /** Moves the queued texts and metas to the end of `all` (template mode keeps the whole input for one batch). */
  moveTo(all: { texts: string[]; metas: PromptMeta[] }): void {
    for (let i = 0; i < this.texts.length; i++) { all.texts.push(this.texts[i]); all.metas.push(this.metas[i]); }
    this.texts.length = 0;
    this.metas.length = 0;
  }
}

export class Arrivals {
  count = 0;
  lines = new Float64Array(1024);
  times = new Float64Array(1024);
  ids: (string | undefined)[] = [];
  anyId = false;
  anyTime = false;
  anyAccount = false;

  add(line: number, time: number | undefined, id: string | undefined, account: string | undefined): void {
    if (this.count === this.lines.length) {
      const lines = new Float64Array(this.count * 2), times = new Float64Array(this.count * 2);
      lines.set(this.lines);
      times.set(this.times);
      this.lines = lines;
      this.times = times;
    }
    this.lines[this.count] = line;
    this.times[this.count] = time ?? NaN;
    if (id !== undefined) this.anyId = true;
    if (time !== undefined) this.anyTime = true;
    if (account !== undefined) this.anyAccount = true;
    this.ids.push(id);
    this.count++;
  }
}

export interface ScanOptionsUsed {
  mode: Mode;
  threshold?: number;
  minSize: number;
  format: Format;
  field: string;
  idField: string;
  accountField: string;
  timeField: string;
}

export interface ScanReport {
  version: string;
  input: { path: string; format: Format; bytes: number | null };
  options: ScanOptionsUsed;
  stats: { prompts: number; badLines: number; emptyPrompts: number; seconds: number; singletons: number };
  hasTime: boolean;
  hasAccounts: boolean;
  hasIds: boolean;
  /** Earliest and latest time of any prompt, when any has one. */
  timeRange: [number, number] | null;
  /** Clusters of two or more prompts, largest first. */
  clusters: ClusterReport[];
  arrivals: Arrivals;
}

/** Where a report's clusters come from: a `Detector` (streaming) or a `CampaignSet` (`campaigns`, batch). */
export interface CampaignSource {
  clusters(opts?: { minSize?: number; flaggedOnly?: boolean }): Campaign[];
}

export function buildReport(
  detector: CampaignSource,
  arrivals: Arrivals,
  base: Omit<ScanReport, "clusters" | "timeRange" | "hasTime" | "hasAccounts" | "hasIds" | "arrivals" | "stats"> & {
    stats: Omit<ScanReport["stats"], "singletons">;
  },
): ScanReport {
  // the detector decides what is flagged (size, and in template mode a template with some wording)
  const flaggedIds = new Set(detector.clusters({ flaggedOnly: true }).map((c) => c.id));
  const campaigns = detector.clusters({ minSize: 2 });
  const times = arrivals.times;
  let inClusters = 0, ranked = 0;
  const clusters = campaigns.map((c): ClusterReport => {
    const members = c.members.slice().sort((a, b) => a - b);
    inClusters += members.length;
    const ts: number[] = [];
    for (const m of members) if (times[m] === times[m]) ts.push(times[m]);
    ts.sort((x, y) => x - y);
    const timed = ts.length, hasT = timed > 0;
    const first = hasT ? ts[0] : 0, last = hasT ? ts[timed - 1] : 0;
    return {
      rank: flaggedIds.has(c.id) ? ++ranked : null,
      id: c.id,
      size: c.size,
      flagged: flaggedIds.has(c.id),
      template: c.template,
      accounts: c.accounts,
      topAccounts: c.topAccounts,
      firstSeen: hasT ? first : null,
      lastSeen: hasT ? last : null,
      ratePerMinute: hasT && timed >= 2 ? (timed * 60000) / Math.max(last - first, 1000) : null,
      peakPerHour: hasT ? peakWithin(ts, 3_600_000) : null,
      examples: c.examples,
      members,
    };
  });
  let lo = Infinity, hi = -Infinity;
  for (let k = 0; k < arrivals.count; k++) {
    const t = times[k];
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  return {
    ...base,
    stats: { ...base.stats, singletons: arrivals.count - inClusters },
    hasTime: arrivals.anyTime,
    hasAccounts: arrivals.anyAccount,
    hasIds: arrivals.anyId,
    timeRange: lo <= hi ? [lo, hi] : null,
    clusters,
    arrivals,
  };
}

/** Most of the sorted times `ts` within any window of `ms` (two pointers). */
function peakWithin(ts: number[], ms: number): number {
  let best = 0;
  for (let lo = 0, hi = 0; hi < ts.length; hi++) {
    while (ts[hi] - ts[lo] >= ms) lo++;
    if (hi - lo + 1 > best) best = hi - lo + 1;
  }
  return best;
}

/**
 * Writes the report as JSON, piece by piece (a cluster at a time), through `write`. Members are
 * listed as `memberLines` (line numbers) and, when the input has ids, `memberIds` (null for a member
 * without one).
 */
export function writeJson(r: ScanReport, write: (s: string) => void): void {
  const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());
  const flagged = r.clusters.filter((c) => c.flagged);
  const head = {
    neardup: r.version,
    input: r.input,
    options: r.options,
    stats: {
      prompts: r.stats.prompts,
      badLines: r.stats.badLines,
      emptyPrompts: r.stats.emptyPrompts,
      clusters: r.clusters.length,
      singletons: r.stats.singletons,
      flagged: flagged.length,
      flaggedPrompts: flagged.reduce((n, c) => n + c.size, 0),
      seconds: Math.round(r.stats.seconds * 1000) / 1000,
    },
    timeRange: r.timeRange === null ? null : { first: iso(r.timeRange[0]), last: iso(r.timeRange[1]) },
  };
  const headJson = JSON.stringify(head, null, 2);
  write(`${headJson.slice(0, -2)},\n  "clusters": [`);
  const a = r.arrivals;
  r.clusters.forEach((c, i) => {
    const obj: Record<string, unknown> = {
      rank: c.rank,
      id: c.id,
      size: c.size,
      flagged: c.flagged,
      template: c.template,
      accounts: c.accounts,
      topAccounts: c.topAccounts.map(([account, count]) => ({ account, count })),
      firstSeen: iso(c.firstSeen),
      lastSeen: iso(c.lastSeen),
      ratePerMinute: c.ratePerMinute === null ? null : Number(c.ratePerMinute.toPrecision(4)),
      peakPerHour: c.peakPerHour,
      examples: c.examples,
    };
    if (r.hasIds) obj.memberIds = c.members.map((m) => a.ids[m] ?? null);
    obj.memberLines = c.members.map((m) => a.lines[m]);
    write(`${i === 0 ? "" : ","}\n    ${JSON.stringify(obj)}`);
  });
  write(`${r.clusters.length > 0 ? "\n  " : ""}]\n}\n`);
}
