/**
 * The results, as DOM: a summary, the size chart, and one card per campaign (template, counts,
 * activity over time, top accounts, examples). Built with DOM calls and `textContent` only, so
 * nothing in a prompt is ever parsed as markup.
 */
import { binLabel, sizeChart, timelineChart } from "./chart.js";
import type { ClusterView, ScanResult } from "./protocol.js";

type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K, attrs: Record<string, string | number | boolean | undefined> = {}, ...children: Child[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}

const nf = new Intl.NumberFormat();
export const fmt = (n: number): string => nf.format(n);
const pct = (part: number, whole: number): string => (whole === 0 ? "0%" : `${(Math.round((1000 * part) / whole) / 10).toFixed(1)}%`);

/** "2025-05-05 14:03 UTC": one zone for everyone reading a shared report. */
export function when(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

function duration(ms: number): string {
  const m = ms / 60000;
  if (m < 1) return `${Math.round(ms / 1000)} s`;
  if (m < 120) return `${Math.round(m)} min`;
  const hrs = m / 60;
  if (hrs < 48) return `${Math.round(hrs * 10) / 10} h`;
  return `${Math.round((hrs / 24) * 10) / 10} days`;
}

function rate(perMinute: number): string {
  if (perMinute >= 1) return `${perMinute >= 10 ? fmt(Math.round(perMinute)) : perMinute.toFixed(1)} / min`;
  const perHour = perMinute * 60;
  if (perHour >= 1) return `${perHour >= 10 ? fmt(Math.round(perHour)) : perHour.toFixed(1)} / hour`;
  return `${(perHour * 24).toFixed(1)} / day`;
}

/** Characters an evasion hides in text (zero-width, bidi and other format characters). */
const INVISIBLE = /[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF]/gu;

/** `text` with invisible characters shown as small marked boxes naming their code point. */
function revealed(text: string): DocumentFragment {
  const f = document.createDocumentFragment();
  let last = 0;
  for (const m of text.matchAll(INVISIBLE)) {
    if (m.index > last) f.append(text.slice(last, m.index));
    const code = `U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
    f.append(h("span", { class: "invisible", title: `hidden character ${code}` }, h("span", { class: "sr-only" }, `(hidden ${code})`)));
    last = m.index + m[0].length;
  }
  if (last < text.length) f.append(text.slice(last));
  return f;
}

/** Characters of an example shown before "Whole prompt" (long payloads would bury the list). */
const PREVIEW = 320;

function example(text: string): HTMLElement {
  if (text.length <= PREVIEW + 80) return h("li", {}, revealed(text));
  let cut = PREVIEW;
  const unit = text.charCodeAt(cut - 1);
  if (unit >= 0xd800 && unit <= 0xdbff) cut--; // do not split a surrogate pair
  return h("li", {}, revealed(text.slice(0, cut)), "…",
    h("details", { class: "whole" }, h("summary", {}, `Whole prompt (${fmt(text.length)} characters)`), h("p", {}, revealed(text))));
}

/** A template with its `<*>` slots drawn as chips (read as "(varies)" by screen readers). */
function templateText(template: string): DocumentFragment {
  const f = document.createDocumentFragment();
  template.split("<*>").forEach((part, i) => {
    if (i > 0) f.append(h("span", { class: "slot", title: "varies between prompts" }, h("span", { "aria-hidden": "true" }, "<*>"), h("span", { class: "sr-only" }, "(varies)")));
    if (part !== "") f.append(part);
  });
  return f;
}

export function summary(r: ScanResult): HTMLElement {
  const s = r.settings;
  const facts: Child[] = [
    h("strong", {}, fmt(r.prompts)), ` prompt${r.prompts === 1 ? "" : "s"} read from `, h("span", { class: "file" }, r.fileName),
    ` (${r.format.toUpperCase()}) in ${r.seconds < 10 ? r.seconds.toFixed(2) : r.seconds.toFixed(1)} s. `,
    h("strong", {}, fmt(r.flaggedCount)), ` campaign${r.flaggedCount === 1 ? "" : "s"} of ${fmt(s.minSize)} or more prompts`,
    ` hold ${fmt(r.flaggedPrompts)} prompts (${pct(r.flaggedPrompts, r.prompts)}); `,
    `${fmt(r.clusterCount)} cluster${r.clusterCount === 1 ? "" : "s"} of 2 or more in all, ${fmt(r.singletons)} prompts stand alone.`,
  ];
  const notes: Child[] = [];
  if (r.badLines > 0) {
    notes.push(h("details", { class: "bad-lines" },
      h("summary", {}, `${fmt(r.badLines)} bad line${r.badLines === 1 ? " was" : "s were"} skipped`),
      h("ul", {}, ...r.badSamples.map((b) => h("li", {}, h("span", { class: "line-no" }, `line ${fmt(b.line)}`), `: ${b.reason}`))),
      r.badLines > r.badSamples.length ? h("p", {}, `… and ${fmt(r.badLines - r.badSamples.length)} more.`) : null));
  }
  if (r.emptyPrompts > 0) notes.push(h("p", { class: "note" }, `${fmt(r.emptyPrompts)} empty prompt${r.emptyPrompts === 1 ? " was" : "s were"} skipped.`));
  if (!r.hasTime) notes.push(h("p", { class: "note" }, "The file has no times, so rates and activity over time are not shown."));
  const mode = s.mode === "template"
    ? "Template mode: prompts made from one template with different fillings."
    : `Near-duplicate mode: prompts sharing at least ${Math.round(s.threshold * 100)}% of their word 3-grams.`;
  return h("div", { class: "summary" },
    h("p", { id: "summary-text" }, ...facts),
    h("p", { class: "note" }, `${mode} Kernel: WebAssembly ${r.simd ? "SIMD" : "scalar"}.`),
    ...notes);
}

export function chartFigure(r: ScanResult): HTMLElement {
  const fig = h("figure", { class: "chart-figure" },
    h("figcaption", {}, h("h3", { id: "chart-h" }, "Cluster sizes"),
      h("span", { class: "legend" }, h("span", { class: "swatch flagged", "aria-hidden": "true" }), ` flagged as campaigns (${fmt(r.settings.minSize)} or more prompts)`,
        h("span", { class: "swatch", "aria-hidden": "true" }), " all clusters")));
  if (r.sizeBins.length === 0) {
    fig.append(h("p", { class: "note" }, "No two prompts were alike enough to form a cluster."));
    return fig;
  }
  fig.append(sizeChart(r.sizeBins, r.settings.minSize, fmt));
  fig.append(h("details", { class: "chart-data" }, h("summary", {}, "Chart data as a table"),
    h("table", {},
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Cluster size"), h("th", { scope: "col" }, "Clusters"), h("th", { scope: "col" }, "Flagged"), h("th", { scope: "col" }, "Prompts"))),
      h("tbody", {}, ...r.sizeBins.map((b) => h("tr", {},
        h("th", { scope: "row" }, binLabel(b)), h("td", {}, fmt(b.clusters)), h("td", {}, fmt(b.flagged)), h("td", {}, fmt(b.prompts))))))));
  return fig;
}

let cards = 0;

export function campaignCard(c: ClusterView, r: ScanResult): HTMLElement {
  const id = `cluster-${++cards}`;
  const facts: [string, string][] = [["Prompts", fmt(c.size)]];
  if (r.hasAccounts) facts.push(["Accounts", fmt(c.accounts)]);
  if (c.firstSeen !== null && c.lastSeen !== null) {
    facts.push(["First seen", when(c.firstSeen)], ["Last seen", when(c.lastSeen)], ["Span", duration(c.lastSeen - c.firstSeen)]);
  }
  if (c.ratePerMinute !== null) facts.push(["Average rate", rate(c.ratePerMinute)]);
  if (c.peakPerHour !== null) facts.push(["Busiest hour", `${fmt(c.peakPerHour)} prompts`]);

  let timeline: Child = null;
  if (c.timeline !== null && r.timeRange !== null && c.firstSeen !== null && c.lastSeen !== null) {
    const label = `Activity over the file's time range (${when(r.timeRange[0])} to ${when(r.timeRange[1])}): ` +
      `from ${when(c.firstSeen)} to ${when(c.lastSeen)}, at most ${fmt(Math.max(...c.timeline))} prompts in one of ${c.timeline.length} equal stretches.`;
    timeline = h("div", { class: "timeline-wrap" }, h("span", { class: "mini-label", "aria-hidden": "true" }, "Activity over the file's time range"), timelineChart(c.timeline, label));
  }

  const accounts = r.hasAccounts && c.topAccounts.length > 0
    ? h("section", { class: "accounts" }, h("h4", {}, "Top accounts"),
      h("ol", {}, ...c.topAccounts.map(([a, n]) => h("li", {}, h("span", { class: "account" }, a), h("span", { class: "count" }, `${fmt(n)} (${pct(n, c.size)})`)))))
    : null;

  return h("article", { class: c.flagged ? "campaign flagged" : "campaign", id, "aria-labelledby": `${id}-h`, "data-size": c.size, "data-rank": c.rank ?? undefined },
    h("header", {},
      h("h3", { id: `${id}-h` }, c.rank !== null ? h("span", { class: "rank" }, `#${c.rank} `) : null, `${fmt(c.size)} prompts`),
      r.hasAccounts ? h("span", { class: "pill" }, `${fmt(c.accounts)} account${c.accounts === 1 ? "" : "s"}`) : null,
      c.ratePerMinute !== null ? h("span", { class: "pill" }, rate(c.ratePerMinute)) : null,
      c.flagged ? null : h("span", { class: "pill muted" }, c.size >= r.settings.minSize ? "not flagged: no shared wording" : "below minimum size")),
    h("p", { class: "label", id: `${id}-tl` }, "Template"),
    h("blockquote", { class: "template", "aria-labelledby": `${id}-tl`, "data-template": c.template, tabindex: 0 }, templateText(c.template)),
    h("dl", { class: "facts" }, ...facts.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    timeline,
    h("div", { class: "columns" },
      accounts,
      h("section", { class: "examples" }, h("h4", {}, `Examples (${fmt(c.examples.length)} of ${fmt(c.size)})`),
        h("ol", {}, ...c.examples.map(example)))));
}
