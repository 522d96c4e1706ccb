/**
 * Inline SVG charts, drawn with DOM calls (no library, no markup strings): the distribution of
 * cluster sizes, and one cluster's activity over the file's time range. Each chart is an image
 * with a text alternative (role="img", <title>, <desc>); the size chart also has its data as a table.
 */
import type { SizeBin } from "./protocol.js";

const SVG = "http://www.w3.org/2000/svg";

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

let uid = 0;

/** The label of a bar: "7" or "9–16". */
export function binLabel(b: SizeBin): string {
  return b.lo === b.hi ? String(b.lo) : `${b.lo}–${b.hi}`;
}

/**
 * Clusters per size range, on a log scale (sizes of real traffic span orders of magnitude: many
 * pairs, a few large campaigns), each bar labelled with its count. The flagged clusters of a range
 * are drawn over its bar in the accent colour, to their own height: in template mode a cluster
 * whose template lost all its wording is not flagged whatever its size.
 */
export function sizeChart(bins: readonly SizeBin[], minSize: number, fmt: (n: number) => string): SVGSVGElement {
  const W = 720, H = 260, left = 44, right = 12, top = 24, bottom = 48;
  const plotW = W - left - right, plotH = H - top - bottom;
  const max = Math.max(1, ...bins.map((b) => b.clusters));
  const decades = Math.max(1, Math.ceil(Math.log10(max + 1)));
  const y = (n: number): number => top + plotH - (Math.log10(n + 1) / decades) * plotH;
  const id = `size-chart-${++uid}`;
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-labelledby": `${id}-t ${id}-d`, class: "chart size-chart" });
  root.append(svg("title", { id: `${id}-t` }, "Clusters by size"));
  root.append(svg("desc", { id: `${id}-d` },
    bins.map((b) => `${fmt(b.clusters)} cluster${b.clusters === 1 ? "" : "s"} of size ${binLabel(b)}${b.flagged > 0 ? ` (${fmt(b.flagged)} flagged)` : ""}`).join("; ") +
    `. Clusters of ${minSize} or more prompts are flagged as campaigns: ${fmt(bins.reduce((n, b) => n + b.flagged, 0))}.`));

  const grid = svg("g", { class: "grid", "aria-hidden": "true" });
  for (let n = 0; n <= 10 ** decades - 1; n = n === 0 ? 1 : n * 10) {
    const yy = y(n);
    grid.append(svg("line", { x1: left, x2: W - right, y1: yy, y2: yy }));
    grid.append(svg("text", { x: left - 6, y: yy + 4, "text-anchor": "end" }, fmt(n)));
  }
  root.append(grid);

  const band = plotW / Math.max(1, bins.length);
  const barW = Math.max(4, Math.min(64, band * 0.7));
  const bars = svg("g", { "aria-hidden": "true" });
  bins.forEach((b, i) => {
    const cx = left + band * i + band / 2;
    const yy = y(b.clusters);
    const tip = `size ${binLabel(b)}: ${fmt(b.clusters)} clusters (${fmt(b.flagged)} flagged), ${fmt(b.prompts)} prompts`;
    const rect = svg("rect", { x: cx - barW / 2, y: yy, width: barW, height: Math.max(0, top + plotH - yy), rx: 2, class: "bar" });
    rect.append(svg("title", {}, tip));
    bars.append(rect);
    if (b.flagged > 0) {
      const yf = y(b.flagged);
      const over = svg("rect", { x: cx - barW / 2, y: yf, width: barW, height: Math.max(0, top + plotH - yf), rx: 2, class: "bar flagged" });
      over.append(svg("title", {}, tip));
      bars.append(over);
    }
    if (b.clusters > 0) bars.append(svg("text", { x: cx, y: yy - 5, "text-anchor": "middle", class: "value" }, fmt(b.clusters)));
    bars.append(svg("text", { x: cx, y: top + plotH + 18, "text-anchor": "middle", class: "tick" }, binLabel(b)));
  });
  root.append(bars);
  root.append(svg("text", { x: left + plotW / 2, y: H - 8, "text-anchor": "middle", class: "axis-label", "aria-hidden": "true" }, "prompts in the cluster"));
  root.append(svg("text", { x: 12, y: top - 10, class: "axis-label", "aria-hidden": "true" }, "clusters (log scale)"));
  return root;
}

/**
 * A cluster's members over the file's time range, one bar per bin, as a small strip; the label
 * says when it started, when it ended, and its busiest stretch.
 */
export function timelineChart(counts: readonly number[], label: string): SVGSVGElement {
  const W = 280, H = 44, pad = 2;
  const max = Math.max(1, ...counts);
  const bw = (W - 2 * pad) / counts.length;
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": label, class: "chart timeline", preserveAspectRatio: "none" });
  root.append(svg("title", {}, label));
  root.append(svg("line", { x1: 0, x2: W, y1: H - 1, y2: H - 1, class: "baseline", "aria-hidden": "true" }));
  counts.forEach((c, i) => {
    if (c === 0) return;
    const h = Math.max(2, (c / max) * (H - 2 * pad - 1));
    root.append(svg("rect", { x: pad + i * bw + 0.5, y: H - 1 - h, width: Math.max(1, bw - 1), height: h, class: "bar", "aria-hidden": "true" }));
  });
  return root;
}
