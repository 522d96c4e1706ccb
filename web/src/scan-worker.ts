/**
 * The scan, off the page's thread: reads the dropped file as a stream (it is never held whole as
 * one string), parses it with the CLI's own readers (src/cli/input.ts: same formats, same bad-line
 * rules, same time parsing), feeds the streaming Detector in batches, and answers with what the
 * page shows plus the JSON report, written by the CLI's writer (src/cli/report.ts), so the file the
 * analyst downloads is the one `neardup scan --json` writes.
 */
import { Detector, campaigns, initSync, usingSimd, type PromptMeta } from "../../src/index.js";
import { InputError, LineSplitter, MAX_LINE, recordReader, type FieldNames, type RecordReader } from "../../src/cli/input.js";
import { ScanQueue, buildReport, writeJson } from "../../src/cli/report.js";
import { version } from "../../package.json";
import { MAX_UNFLAGGED, PROGRESS_MS, type FromScanWorker, type InputFormat, type ScanResult, type ScanSettings, type ToScanWorker } from "./protocol.js";
import { clusterView, formatOfName, pageWords, sizeBins } from "./summarize.js";

interface WorkerScope {
  postMessage(message: FromScanWorker): void;
  addEventListener(type: "message", listener: (e: MessageEvent<ToScanWorker>) => void): void;
}
const scope = globalThis as unknown as WorkerScope;

/** Prompts per `Detector.addBatch` call (as the CLI). */
const BATCH = 1024;
/** Bad lines kept with their reason for the page. */
const BAD_SAMPLES = 20;

scope.addEventListener("message", (e) => {
  if (e.data.type !== "scan") return;
  scan(e.data.file, e.data.settings).then(
    ({ result, json }) => scope.postMessage({ type: "done", result, json }),
    (err: unknown) => {
      if (err instanceof InputError) scope.postMessage({ type: "failed", message: pageWords(err.message), hint: err.hint && pageWords(err.hint) });
      else scope.postMessage({ type: "failed", message: `Something went wrong while scanning: ${err instanceof Error ? err.message : String(err)}` });
    },
  );
});

async function scan(file: File, settings: ScanSettings): Promise<{ result: ScanResult; json: Blob }> {
  const started = performance.now();
  initSync();
  const detector = new Detector({
    mode: settings.mode,
    ...(settings.mode === "near-duplicate" ? { threshold: settings.threshold } : {}),
    minClusterSize: settings.minSize,
    maxExamples: 5,
  });
  const names: FieldNames = {};
  if (settings.field !== "") names.field = settings.field;
  if (settings.idField !== "") names.idField = settings.idField;
  if (settings.accountField !== "") names.accountField = settings.accountField;
  if (settings.timeField !== "") names.timeField = settings.timeField;

  let format: InputFormat | undefined = settings.format === "auto" ? formatOfName(file.name) : settings.format;
  let reader: RecordReader | undefined = format === undefined ? undefined : recordReader(format, names);
  const queue = new ScanQueue();
  const { arrivals, texts, metas } = queue;
  const badSamples: { line: number; reason: string }[] = [];
  let bad = 0, empty = 0, bytes = 0;
  let lastProgress = 0;
  const progress = (force: boolean): void => {
    const now = performance.now();
    if (!force && now - lastProgress < PROGRESS_MS) return;
    lastProgress = now;
    scope.postMessage({ type: "progress", bytes, total: file.size, prompts: arrivals.count });
  };
  // template mode: the whole file is clustered in one batch at the end (as the CLI does)
  const batch = settings.mode === "template" ? { texts: [] as string[], metas: [] as PromptMeta[] } : null;
  const flush = (): void => {
    if (texts.length === 0) return;
    if (batch !== null) {
      queue.moveTo(batch);
      progress(false);
      return;
    }
    detector.addBatch(texts, metas);
    texts.length = 0;
    metas.length = 0;
    progress(false);
  };
  const onBad = (line: number, reason: string): void => {
    bad++;
    if (badSamples.length < BAD_SAMPLES) badSamples.push({ line, reason: pageWords(reason) });
  };
  const take = (line: string, lineNo: number): void => {
    if (reader === undefined) {
      // a name that does not tell: JSONL when the first line that is not blank is an object
      if (line.trim().length === 0) return;
      format = line.trimStart().startsWith("{") ? "jsonl" : "text";
      reader = recordReader(format, names);
    }
    const r = reader.read(line, lineNo);
    if (r.kind === "record") {
      queue.add(r.record);
      if (texts.length >= BATCH) flush();
    } else if (r.kind === "bad") {
      onBad(r.line, r.reason);
    } else if (r.kind === "empty") {
      empty++;
    }
  };

  const splitter = new LineSplitter((lineNo) => onBad(lineNo, `longer than ${MAX_LINE / 1048576} MiB; skipped`));
  const decoder = new TextDecoder("utf-8");
  const stream = file.stream().getReader();
  progress(true);
  try {
    for (;;) {
      const { done, value } = await stream.read();
      if (done) break;
      bytes += value.byteLength;
      const base = splitter.lineNo;
      const lines = splitter.push(decoder.decode(value, { stream: true }));
      for (let i = 0; i < lines.length; i++) take(lines[i], base + i + 1);
    }
    const base = splitter.lineNo;
    const rest = splitter.push(decoder.decode());
    rest.push(...splitter.end());
    for (let i = 0; i < rest.length; i++) take(rest[i], base + i + 1);
    const last = reader?.end();
    if (last != null && last.kind === "bad") onBad(last.line, last.reason);
    flush();
  } catch (err) {
    if (err instanceof RangeError && /^line \d+:/.test(err.message)) throw new InputError(`${file.name}:${err.message.slice(5)}`);
    throw err;
  }
  progress(true);
  if (arrivals.count === 0 && bad > 0) {
    throw new InputError(`No prompt could be read from ${file.name}: all ${bad.toLocaleString("en-US")} records were bad (first: line ${badSamples[0].line}, ${badSamples[0].reason}).`,
      "check the file format and the prompt field under More options");
  }

  const used: InputFormat = format ?? "text";
  const found = batch === null ? detector
    : campaigns(batch.texts, batch.metas, { mode: "template", minClusterSize: settings.minSize, maxExamples: 5 });
  const report = buildReport(found, arrivals, {
    version,
    input: { path: file.name, format: used, bytes: file.size },
    options: {
      mode: settings.mode,
      ...(settings.mode === "near-duplicate" ? { threshold: detector.threshold } : {}),
      minSize: settings.minSize,
      format: used,
      field: settings.field || (used === "text" ? "(whole line)" : "prompt, else text"),
      idField: settings.idField || "id",
      accountField: settings.accountField || "account",
      timeField: settings.timeField || "time",
    },
    stats: { prompts: arrivals.count, badLines: bad, emptyPrompts: empty, seconds: (performance.now() - started) / 1000 },
  });
  const parts: string[] = [];
  writeJson(report, (s) => parts.push(s));
  const json = new Blob(parts, { type: "application/json" });

  const flagged = report.clusters.filter((c) => c.flagged);
  const shown = [...flagged, ...report.clusters.filter((c) => !c.flagged).slice(0, MAX_UNFLAGGED)];
  const result: ScanResult = {
    fileName: file.name,
    format: used,
    settings,
    prompts: arrivals.count,
    badLines: bad,
    badSamples,
    emptyPrompts: empty,
    seconds: (performance.now() - started) / 1000,
    simd: usingSimd() === true,
    hasTime: report.hasTime,
    hasAccounts: report.hasAccounts,
    timeRange: report.timeRange,
    clusterCount: report.clusters.length,
    singletons: report.stats.singletons,
    flaggedCount: flagged.length,
    flaggedPrompts: flagged.reduce((n, c) => n + c.size, 0),
    sizeBins: sizeBins(report.clusters, settings.minSize),
    clusters: shown.map((c) => clusterView(c, arrivals.times, report.timeRange)),
  };
  return { result, json };
}

