/**
 * What the scan worker derives for the page from the CLI's report: the input format from a file
 * name, the size-chart bars, each cluster's activity over time, and the CLI's option names in the
 * page's words. Pure functions (no DOM, no worker globals).
 */
import type { ClusterReport } from "../../src/cli/report.js";
import { TIMELINE_BINS, type ClusterView, type InputFormat, type SizeBin } from "./protocol.js";

/** The format of a file by its name, or undefined when the name does not tell. */
export function formatOfName(name: string): InputFormat | undefined {
  const ext = /\.([^./\\]+)$/.exec(name.toLowerCase())?.[1];
  if (ext === "jsonl" || ext === "ndjson") return "jsonl";
  if (ext === "csv") return "csv";
  if (ext === "txt" || ext === "text" || ext === "log") return "text";
  return undefined;
}

/**
 * Bars of the size chart: sizes 2, 3-4, 5-8, 9-16... (doubling, so a handful of bars covers any
 * file), with `minSize` also a boundary so no bar mixes flagged and unflagged clusters.
 */
export function sizeBins(clusters: readonly { size: number; flagged: boolean }[], minSize: number): SizeBin[] {
  if (clusters.length === 0) return [];
  let max = 0;
  for (const c of clusters) if (c.size > max) max = c.size;
  const starts = new Set<number>([2]);
  for (let lo = 3; lo <= max; lo = 2 * lo - 1) starts.add(lo);
  if (minSize > 2 && minSize <= max) starts.add(minSize);
  const los = [...starts].sort((a, b) => a - b);
  const bins: SizeBin[] = los.map((lo, i) => ({ lo, hi: i + 1 < los.length ? los[i + 1] - 1 : max, clusters: 0, flagged: 0, prompts: 0 }));
  for (const c of clusters) {
    let i = bins.length - 1;
    while (i > 0 && bins[i].lo > c.size) i--;
    bins[i].clusters++;
    if (c.flagged) bins[i].flagged++;
    bins[i].prompts += c.size;
  }
  return bins;
}

/** The page's view of a cluster: the report's fields without members, plus members per time bin. */
export function clusterView(c: ClusterReport, times: Float64Array, range: [number, number] | null): ClusterView {
  let timeline: number[] | null = null;
  if (range !== null && c.firstSeen !== null) {
    timeline = new Array<number>(TIMELINE_BINS).fill(0);
    const [lo, hi] = range;
    const span = hi - lo + 1;
    for (const m of c.members) {
      const t = times[m];
      if (t === t) timeline[Math.min(TIMELINE_BINS - 1, Math.floor(((t - lo) / span) * TIMELINE_BINS))]++;
    }
  }
  return {
    rank: c.rank, size: c.size, flagged: c.flagged, template: c.template, accounts: c.accounts, topAccounts: c.topAccounts,
    firstSeen: c.firstSeen, lastSeen: c.lastSeen, ratePerMinute: c.ratePerMinute, peakPerHour: c.peakPerHour,
    examples: c.examples, timeline,
  };
}

/** The CLI's option flags, as this page labels those options. */
export function pageWords(s: string): string {
  return s
    .replace(/--id-field\b/g, "the ID field option")
    .replace(/--account-field\b/g, "the Account field option")
    .replace(/--time-field\b/g, "the Time field option")
    .replace(/--field\b/g, "the Prompt field option")
    .replace(/--format\b/g, "the Format option");
}
