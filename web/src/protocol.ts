/**
 * Messages between the page (main.ts) and the scan worker (scan-worker.ts).
 *
 *   page -> worker   Scan { file, settings }           a File handle: the worker reads it itself
 *   worker -> page   Progress { bytes, total, prompts }  at most every PROGRESS_MS
 *   worker -> page   Done { result, json }             json: the report as a Blob, ready to save
 *   worker -> page   Failed { message, hint? }
 */
import type { ClusterMode } from "../../src/index.js";

export type InputFormat = "jsonl" | "csv" | "text";

/** What the analyst chose on the form. */
export interface ScanSettings {
  mode: ClusterMode;
  /** Flag clusters from this size on. */
  minSize: number;
  /** Near-duplicate mode: Jaccard threshold in (0, 1]. */
  threshold: number;
  format: InputFormat | "auto";
  /** JSONL key or CSV column of the prompt; empty: `prompt`, then `text`. */
  field: string;
  idField: string;
  accountField: string;
  timeField: string;
}

/** A cluster as the page shows it (members stay in the worker and the JSON report). */
export interface ClusterView {
  /** 1 for the largest flagged campaign, 2 for the next...; null for a cluster not flagged. */
  rank: number | null;
  size: number;
  flagged: boolean;
  template: string;
  accounts: number;
  topAccounts: [string, number][];
  firstSeen: number | null;
  lastSeen: number | null;
  ratePerMinute: number | null;
  peakPerHour: number | null;
  examples: string[];
  /** Members per time bin over the file's time range (TIMELINE_BINS bins), or null without times. */
  timeline: number[] | null;
}

/** One bar of the size-distribution chart: clusters with lo <= size <= hi. */
export interface SizeBin {
  lo: number;
  hi: number;
  clusters: number;
  /** Of `clusters`, those flagged (large enough and, in template mode, with some template wording). */
  flagged: number;
  prompts: number;
}

export interface ScanResult {
  fileName: string;
  format: InputFormat;
  settings: ScanSettings;
  prompts: number;
  badLines: number;
  /** The first bad lines, with why. */
  badSamples: { line: number; reason: string }[];
  emptyPrompts: number;
  seconds: number;
  simd: boolean;
  hasTime: boolean;
  hasAccounts: boolean;
  timeRange: [number, number] | null;
  /** Clusters of two or more prompts. */
  clusterCount: number;
  singletons: number;
  flaggedCount: number;
  flaggedPrompts: number;
  sizeBins: SizeBin[];
  /** Every flagged cluster, then the largest unflagged ones (at most MAX_UNFLAGGED), largest first. */
  clusters: ClusterView[];
}

export type ToScanWorker = { type: "scan"; file: File; settings: ScanSettings };

export type FromScanWorker =
  | { type: "progress"; bytes: number; total: number; prompts: number }
  | { type: "done"; result: ScanResult; json: Blob }
  | { type: "failed"; message: string; hint?: string };

export const TIMELINE_BINS = 56;
export const MAX_UNFLAGGED = 300;
export const PROGRESS_MS = 80;
