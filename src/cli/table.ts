/**
 * The summary printed on standard output: one line about the scan, then a table of the flagged
 * campaigns, largest first, each template cut to the terminal's width. Prompt text is made safe for
 * a terminal first (control and bidirectional-override characters could otherwise move the cursor,
 * recolour the screen or reorder what is shown).
 */
import type { ScanReport } from "./report.js";

export function summaryTable(r: ScanReport, width: number, top: number): string {
  const out: string[] = [];
  const s = r.stats;
  const mode = r.options.mode === "near-duplicate" ? `near-duplicate mode (threshold ${r.options.threshold})` : "template mode";
  out.push(`${r.input.path}: ${fmtInt(s.prompts)} prompts, ${mode}, ${seconds(s.seconds)}`);
  const flagged = r.clusters.filter((c) => c.flagged);
  if (s.prompts === 0) {
    out.push("No prompts to scan.");
    return out.join("\n") + "\n";
  }
  if (flagged.length === 0) {
    const largest = r.clusters[0]?.size ?? 1;
    out.push(largest < r.options.minSize
      ? `No campaign of ${r.options.minSize} or more prompts (largest cluster: ${fmtInt(largest)} prompt${largest === 1 ? "" : "s"}).`
      : `No campaign flagged (the clusters of ${r.options.minSize} or more prompts share no fixed wording).`);
    return out.join("\n") + "\n";
  }
  const inFlagged = flagged.reduce((n, c) => n + c.size, 0);
  out.push(
    `${fmtInt(flagged.length)} campaign${flagged.length === 1 ? "" : "s"} of ${r.options.minSize} or more prompts: ` +
      `${fmtInt(inFlagged)} prompts (${pct(inFlagged, s.prompts)} of all)`,
  );
  out.push("");

  const shown = top === 0 ? flagged : flagged.slice(0, top);
  const rows: string[][] = shown.map((c) => [
    String(c.rank),
    fmtInt(c.size),
    r.hasAccounts ? fmtInt(c.accounts) : "-",
    c.ratePerMinute === null ? "-" : rate(c.ratePerMinute),
    c.peakPerHour === null ? "-" : fmtInt(c.peakPerHour),
    c.firstSeen === null ? "-" : isoMinute(c.firstSeen),
    c.firstSeen === null || c.lastSeen === null ? "-" : duration(c.lastSeen - c.firstSeen),
  ]);
  const head = ["#", "size", "accounts", "rate/min", "peak/h", "first seen (UTC)", "span"];
  const right = [true, true, true, true, true, false, false];
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((row) => row[j].length)));
  const cell = (v: string, j: number): string => (right[j] ? v.padStart(widths[j]) : v.padEnd(widths[j]));
  const fixed = widths.reduce((a, w) => a + w + 2, 0);
  const templateWidth = Math.max(20, width - fixed - 1);
  out.push(`${head.map(cell).join("  ")}  template`);
  shown.forEach((c, i) => {
    out.push(`${rows[i].map(cell).join("  ")}  ${truncate(terminalSafe(c.template), templateWidth)}`);
  });
  if (shown.length < flagged.length) {
    out.push(`… and ${fmtInt(flagged.length - shown.length)} more (--top 0 lists all; --json or --html writes them with their members)`);
  }
  return out.join("\n") + "\n";
}

// ------------------------------------------------------------------------------- terminal text

// C0 and C1 controls, DEL, bidirectional embeddings, overrides and isolates, line/paragraph separators
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/gu;

/** One line of text that cannot drive the terminal: controls become spaces, runs of space collapse. */
export function terminalSafe(s: string): string {
  return s.replace(UNSAFE, " ").replace(/\s+/gu, " ").trim();
}

/** Columns a code point takes in a terminal: 0 (combining, format), 2 (East Asian wide), else 1. */
function columns(cp: number, ch: string): number {
  if (cp < 0x300) return 1;
  if (/^[\p{M}\p{Cf}]$/u.test(ch)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) || (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) || (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd)
  ) return 2;
  return 1;
}

/** Display width of a string in terminal columns. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += columns(ch.codePointAt(0)!, ch);
  return w;
}

/** `s` cut to at most `width` columns, ending in "…" when cut. */
export function truncate(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  let w = 0, out = "";
  for (const ch of s) {
    const c = columns(ch.codePointAt(0)!, ch);
    if (w + c > width - 1) break;
    out += ch;
    w += c;
  }
  return `${out}…`;
}

// ------------------------------------------------------------------------------------- numbers

export function fmtInt(n: number): string {
  return n.toLocaleString("en-US");
}

export function pct(part: number, whole: number): string {
  if (whole === 0) return "0%";
  const p = (100 * part) / whole;
  return `${p >= 10 || p === 0 ? p.toFixed(0) : p.toFixed(1)}%`;
}

/** A rate for the table: 0.26, 0.053, and <0.01 for anything slower (the JSON has the exact value). */
export function rate(perMinute: number): string {
  if (perMinute >= 100) return perMinute.toFixed(0);
  if (perMinute >= 10) return perMinute.toFixed(1);
  if (perMinute >= 0.1 || perMinute === 0) return perMinute.toFixed(2);
  if (perMinute >= 0.01) return perMinute.toFixed(3);
  return "<0.01";
}

function seconds(s: number): string {
  return s >= 10 ? `${s.toFixed(1)} s` : `${s.toFixed(2)} s`;
}

/** "2025-05-06 09:01" (UTC). */
export function isoMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace("T", " ");
}

/** A span as "45s", "12m", "3h 20m", "2d 4h". */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 === 0 ? `${h}h` : `${h}h ${m % 60}m`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d}d` : `${d}d ${h % 24}h`;
}
