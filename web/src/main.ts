/**
 * The page: takes a file (picked or dropped), hands it to the scan worker with the form's settings,
 * shows progress, and renders the result. The file is read in the worker, on this computer; the
 * page makes no network request (its Content-Security-Policy has connect-src 'none').
 */
import type { FromScanWorker, ScanResult, ScanSettings, ToScanWorker } from "./protocol.js";
import { campaignCard, chartFigure, fmt, h, summary } from "./render.js";

const $ = <T extends HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`page is missing #${id}`);
  return e as T;
};

const form = $<HTMLFormElement>("scan-form");
const fileInput = $<HTMLInputElement>("file");
const drop = $<HTMLElement>("drop");
const fileName = $<HTMLElement>("file-name");
const minSize = $<HTMLInputElement>("min-size");
const threshold = $<HTMLInputElement>("threshold");
const format = $<HTMLSelectElement>("format");
const runButton = $<HTMLButtonElement>("run");
const cancelButton = $<HTMLButtonElement>("cancel");
const statusBox = $<HTMLElement>("status");
const progress = $<HTMLProgressElement>("progress");
const progressText = $<HTMLElement>("progress-text");
const announce = $<HTMLElement>("announce");
const errorBox = $<HTMLElement>("error");
const results = $<HTMLElement>("results");
const summaryBox = $<HTMLElement>("summary");
const chartBox = $<HTMLElement>("chart");
const list = $<HTMLOListElement>("campaigns");
const moreButton = $<HTMLButtonElement>("show-more");
const downloadButton = $<HTMLButtonElement>("download");

let file: File | null = null;
let worker: Worker | null = null;
let report: { blob: Blob; name: string } | null = null;
let startedAt = 0;

type State = "idle" | "running" | "done" | "error";
function setState(s: State): void {
  document.body.dataset.state = s;
  const running = s === "running";
  runButton.disabled = running || file === null;
  cancelButton.hidden = !running;
  statusBox.hidden = !running && s !== "done";
  form.setAttribute("aria-busy", String(running));
}

function settings(): ScanSettings {
  const data = new FormData(form);
  const text = (k: string): string => String(data.get(k) ?? "").trim();
  return {
    mode: text("mode") === "near-duplicate" ? "near-duplicate" : "template",
    minSize: Math.max(2, Math.floor(Number(minSize.value) || 5)),
    threshold: Math.min(1, Math.max(0.05, Number(threshold.value) || 0.8)),
    format: (["jsonl", "csv", "text"] as const).find((f) => f === format.value) ?? "auto",
    field: text("field"),
    idField: text("id-field"),
    accountField: text("account-field"),
    timeField: text("time-field"),
  };
}

function mb(bytes: number): string {
  return bytes < 1e6 ? `${fmt(Math.round(bytes / 1e3))} kB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

function choose(f: File | null): void {
  file = f;
  fileName.textContent = f === null ? "No file chosen" : `${f.name} (${mb(f.size)})`;
  if (f !== null) start();
  else setState("idle");
}

function stopWorker(): void {
  worker?.terminate();
  worker = null;
}

function start(): void {
  if (file === null) return;
  if (!minSize.reportValidity() || !threshold.reportValidity()) return;
  stopWorker();
  errorBox.hidden = true;
  errorBox.textContent = "";
  startedAt = performance.now();
  progress.removeAttribute("value"); // indeterminate until the first report
  progressText.textContent = `Reading ${file.name}…`;
  announce.textContent = `Scanning ${file.name}.`;
  setState("running");
  worker = new Worker(new URL("./scan-worker.js", import.meta.url), { name: "neardup-scan" });
  worker.addEventListener("message", (e: MessageEvent<FromScanWorker>) => onMessage(e.data));
  worker.addEventListener("error", (e) => fail(`The scan stopped unexpectedly: ${e.message || "the worker failed to load"}.`));
  worker.postMessage({ type: "scan", file, settings: settings() } satisfies ToScanWorker);
}

function onMessage(m: FromScanWorker): void {
  if (m.type === "progress") {
    const elapsed = (performance.now() - startedAt) / 1000;
    progress.max = 1;
    progress.value = m.total > 0 ? m.bytes / m.total : 1;
    const eta = m.bytes > 0 && m.total > m.bytes ? ` · about ${Math.ceil((elapsed * (m.total - m.bytes)) / m.bytes)} s left` : "";
    progressText.textContent = `${mb(m.bytes)} of ${mb(m.total)} · ${fmt(m.prompts)} prompts${eta}`;
  } else if (m.type === "failed") {
    fail(m.message, m.hint);
  } else {
    progress.max = 1;
    progress.value = 1;
    progressText.textContent = `Done: ${fmt(m.result.prompts)} prompts in ${m.result.seconds.toFixed(2)} s.`;
    show(m.result, m.json);
  }
}

function fail(message: string, hint?: string): void {
  stopWorker();
  errorBox.replaceChildren(h("p", {}, message), hint ? h("p", { class: "hint" }, `Hint: ${hint[0].toUpperCase()}${hint.slice(1)}.`) : "");
  errorBox.hidden = false;
  announce.textContent = "The scan failed.";
  setState("error");
}

function show(r: ScanResult, json: Blob): void {
  stopWorker();
  report = { blob: json, name: `${r.fileName.replace(/\.[^.]+$/, "") || "prompts"}.neardup.json` };
  summaryBox.replaceChildren(summary(r));
  chartBox.replaceChildren(chartFigure(r));
  // flagged campaigns first, then the largest clusters not flagged; a page at a time, so a file
  // with thousands of campaigns does not build thousands of cards up front
  const flagged = r.clusters.filter((c) => c.flagged);
  const ordered = [...flagged, ...r.clusters.filter((c) => !c.flagged)];
  const PAGE = 100;
  let shown = 0;
  list.replaceChildren();
  const more = (): void => {
    const end = Math.min(ordered.length, shown < flagged.length ? Math.min(flagged.length, shown + PAGE) : shown + PAGE);
    list.append(...ordered.slice(shown, end).map((c) => h("li", {}, campaignCard(c, r))));
    shown = end;
    updateMore();
  };
  const updateMore = (): void => {
    const left = ordered.length - shown;
    moreButton.hidden = left <= 0;
    if (shown < flagged.length) {
      const n = Math.min(PAGE, flagged.length - shown);
      moreButton.textContent = `Show ${fmt(n)} more campaign${n === 1 ? "" : "s"} (${fmt(flagged.length - shown)} not shown yet)`;
    } else {
      const n = Math.min(PAGE, left);
      moreButton.textContent = `Show ${fmt(n)} more cluster${n === 1 ? "" : "s"} not flagged` +
        (r.clusterCount - r.flaggedCount > ordered.length - flagged.length ? " (the largest are listed; the JSON report has all)" : "");
    }
  };
  if (flagged.length === 0) {
    list.append(h("li", { class: "empty" }, `No cluster was flagged: none reached ${fmt(r.settings.minSize)} prompts with shared wording. Lower the minimum size, or try the other mode.`));
    updateMore();
  } else {
    more();
  }
  moreButton.onclick = more;
  results.hidden = false;
  announce.textContent = `Done. ${fmt(r.flaggedCount)} campaign${r.flaggedCount === 1 ? "" : "s"} found among ${fmt(r.prompts)} prompts.`;
  setState("done");
}

downloadButton.addEventListener("click", () => {
  if (report === null) return;
  const url = URL.createObjectURL(report.blob);
  const a = h("a", { href: url, download: report.name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
});

fileInput.addEventListener("change", () => choose(fileInput.files?.[0] ?? null));
form.addEventListener("submit", (e) => {
  e.preventDefault();
  start();
});
cancelButton.addEventListener("click", () => {
  stopWorker();
  progressText.textContent = "Cancelled.";
  announce.textContent = "Scan cancelled.";
  setState(results.hidden ? "idle" : "done");
});
form.addEventListener("change", (e) => {
  if (e.target instanceof HTMLInputElement && e.target.name === "mode") threshold.disabled = e.target.value !== "near-duplicate";
});

// Drag and drop: the whole window accepts a file (a file dropped beside the zone must not make
// the browser open it and leave the page); the zone shows it is a target.
let depth = 0;
const hasFiles = (e: DragEvent): boolean => Array.from(e.dataTransfer?.types ?? []).includes("Files");
window.addEventListener("dragenter", (e) => {
  if (!hasFiles(e)) return;
  e.preventDefault();
  depth++;
  drop.classList.add("dragging");
});
window.addEventListener("dragover", (e) => {
  if (!hasFiles(e)) return;
  e.preventDefault();
  e.dataTransfer!.dropEffect = "copy";
});
window.addEventListener("dragleave", () => {
  depth = Math.max(0, depth - 1);
  if (depth === 0) drop.classList.remove("dragging");
});
window.addEventListener("drop", (e) => {
  e.preventDefault();
  depth = 0;
  drop.classList.remove("dragging");
  const f = e.dataTransfer?.files[0];
  if (f !== undefined) choose(f);
});

threshold.disabled = settings().mode !== "near-duplicate";
setState("idle");
