/**
 * `neardup scan`: streams prompts from a file or standard input into a `Detector`, in batches, and
 * reports the campaigns it finds (table, JSON, HTML). `main(argv, io)` is the whole program with
 * its streams passed in, so tests run it in-process; it resolves to the exit code.
 */
import { createReadStream, openSync, closeSync, writeSync, statSync } from "node:fs";
import { extname } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { Detector, campaigns, initSync, type PromptMeta } from "neardup";
import { SignPool } from "neardup/node";
import { availableParallelism } from "node:os";
import { version as VERSION } from "../../package.json";
import { helpText, parseArgs, UsageError, USAGE, type Format, type ScanArgs } from "./args.js";
import { InputError, LineSplitter, MAX_LINE, recordReader, type RecordReader } from "./input.js";
import { Progress, type Output } from "./progress.js";
import { ScanQueue, buildReport, writeJson } from "./report.js";
import { summaryTable, fmtInt } from "./table.js";
import { htmlReport } from "./html.js";

export type { Output } from "./progress.js";

/** The program's surroundings: its streams (process.stdin/stdout/stderr, or test doubles). */
export interface CliIo {
  stdin: AsyncIterable<string | Uint8Array>;
  stdout: Output;
  stderr: Output;
  /** Environment (COLUMNS is read); default none. */
  env?: Record<string, string | undefined>;
}

/** Prompts handed to the detector at a time. */
const BATCH = 1000;
/** Near-duplicate inputs from this size on are signed on every core (unless --workers says). */
const PARALLEL_BYTES = 20 * 1024 * 1024;
/** Prompts per batch when a signing pool is used (split evenly across its workers). */
const POOL_BATCH = 8192;
/** Bad lines described one by one before only counting. */
const SHOWN_BAD = 10;

/** Runs `neardup` with `argv` (the arguments after the program name); resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const cmd = parseArgs(argv);
    if (cmd.kind === "help") {
      io.stdout.write(helpText(VERSION));
      return 0;
    }
    if (cmd.kind === "version") {
      io.stdout.write(`${VERSION}\n`);
      return 0;
    }
    return await scan(cmd.args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`neardup: ${e.message}\n${e.hint === undefined ? "" : `  (${e.hint})\n`}${USAGE}\n`);
      return 2;
    }
    if (e instanceof InputError) {
      io.stderr.write(`neardup: ${e.message}\n${e.hint === undefined ? "" : `  (${e.hint})\n`}`);
      return 2;
    }
    io.stderr.write(`neardup: internal error (please report it): ${(e as Error)?.stack ?? String(e)}\n`);
    return 2;
  }
}

/** The format of a path by its extension. */
export function formatOf(path: string): Format {
  const ext = extname(path).toLowerCase();
  if (ext === ".jsonl" || ext === ".ndjson") return "jsonl";
  if (ext === ".csv") return "csv";
  return "text";
}

async function scan(args: ScanArgs, io: CliIo): Promise<number> {
  const started = performance.now();
  const stdin = args.input === "-";
  const name = stdin ? "<stdin>" : args.input;
  let format: Format | undefined = args.format ?? (stdin ? undefined : formatOf(args.input));
  const named = [
    ["--field", args.field], ["--id-field", args.idField], ["--account-field", args.accountField], ["--time-field", args.timeField],
  ].filter(([, v]) => v !== undefined).map(([flag]) => flag!);
  const checkTextFields = (why: string): void => {
    if (format === "text" && named.length > 0) {
      throw new UsageError(
        `${named.join(", ")} ${named.length === 1 ? "needs" : "need"} JSONL or CSV input, but ${name} is read as text (${why})`,
        "add --format jsonl or --format csv",
      );
    }
  };
  if (format !== undefined) checkTextFields(args.format !== undefined ? "--format text" : "by its extension; text is one prompt a line");
  if (args.json === "-" && args.html === "-") throw new UsageError("--json - and --html - cannot both go to standard output", "write one of them to a file");

  // open the input before the (slower) kernel set-up, so a wrong path fails at once
  let source: AsyncIterable<string | Uint8Array>;
  let totalBytes: number | undefined;
  if (stdin) {
    source = io.stdin;
  } else {
    let st;
    try {
      st = statSync(args.input);
    } catch (e) {
      throw new InputError(`cannot read ${args.input}: ${describeFsError(e)}`);
    }
    if (st.isDirectory()) throw new InputError(`cannot read ${args.input}: it is a directory`, "give a file of prompts");
    totalBytes = st.isFile() ? st.size : undefined;
    source = createReadStream(args.input, { highWaterMark: 1 << 20 });
  }

  initSync();
  const detector = new Detector({
    mode: args.mode,
    ...(args.threshold !== undefined ? { threshold: args.threshold } : {}),
    minClusterSize: args.minSize,
    maxExamples: 5,
  });
  const progress = new Progress(io.stderr, totalBytes, args.progress && io.stderr.isTTY === true);
  const queue = new ScanQueue();
  const { arrivals, texts, metas } = queue;
  let bad = 0, empty = 0;
  const onBad = (line: number, reason: string): void => {
    if (args.strict) {
      progress.done();
      throw new InputError(`${name}:${line}: ${reason}`, "--strict stops at the first bad line; without it, bad lines are reported and skipped");
    }
    bad++;
    if (bad <= SHOWN_BAD) progress.log(`neardup: ${name}:${line}: ${reason}`);
  };

  let reader: RecordReader | undefined = format === undefined ? undefined : recordReader(format, args);
  let bytes = 0;
  // Near-duplicate mode on a large input signs on every core (SignPool): batches queue here and
  // are signed, then added in order, after each chunk of input.
  const workers = args.mode !== "near-duplicate" ? 1
    : args.workers > 0 ? args.workers
    : (totalBytes ?? 0) >= PARALLEL_BYTES ? availableParallelism() : 1;
  const pool = workers > 1 ? new SignPool({}, { workers, chunk: Math.ceil(POOL_BATCH / workers) }) : null;
  const pending: { texts: string[]; metas: PromptMeta[] }[] = [];
  // Template mode reads the whole input first and clusters it in one batch (`campaigns`): the
  // batch sees every prompt before deciding, which the streaming Detector cannot.
  const batch = args.mode === "template" ? { texts: [] as string[], metas: [] as PromptMeta[] } : null;
  const flush = (): void => {
    if (texts.length === 0) return;
    if (batch !== null) {
      queue.moveTo(batch);
      progress.update(arrivals.count, bytes);
      return;
    }
    if (pool !== null) {
      pending.push({ texts: texts.splice(0), metas: metas.splice(0) });
      return;
    }
    detector.addBatch(texts, metas);
    texts.length = 0;
    metas.length = 0;
    progress.update(arrivals.count, bytes);
  };
  const drain = async (): Promise<void> => {
    while (pending.length > 0) {
      const b = pending.shift()!;
      detector.addBatch(b.texts, b.metas, { signatures: await pool!.signBatch(b.texts) });
      progress.update(arrivals.count, bytes);
    }
  };
  const take = (line: string, lineNo: number): void => {
    if (reader === undefined) {
      // standard input without --format: JSONL when the first line that is not blank is an object
      if (line.trim().length === 0) return;
      format = line.trimStart().startsWith("{") ? "jsonl" : "text";
      checkTextFields("its first line is not a JSON object; text is one prompt a line");
      reader = recordReader(format, args);
    }
    const r = reader.read(line, lineNo);
    if (r.kind === "record") {
      queue.add(r.record);
      if (texts.length >= (pool !== null ? POOL_BATCH : BATCH)) flush();
    } else if (r.kind === "bad") {
      onBad(r.line, r.reason);
    } else if (r.kind === "empty") {
      empty++;
    }
  };

  const splitter = new LineSplitter((lineNo) => onBad(lineNo, `longer than ${MAX_LINE / 1048576} MiB; skipped`));
  const decoder = new StringDecoder("utf8");
  try {
    for await (const chunk of source) {
      let text: string;
      if (typeof chunk === "string") {
        text = chunk;
        bytes += chunk.length;
      } else {
        text = decoder.write(chunk as Buffer);
        bytes += chunk.byteLength;
      }
      const base = splitter.lineNo;
      const lines = splitter.push(text);
      for (let i = 0; i < lines.length; i++) take(lines[i], base + i + 1);
      if (pending.length > 0) await drain();
      progress.update(arrivals.count, bytes);
    }
    const base = splitter.lineNo;
    const rest = splitter.push(decoder.end());
    rest.push(...splitter.end());
    for (let i = 0; i < rest.length; i++) take(rest[i], base + i + 1);
    const last = reader?.end();
    if (last != null && last.kind === "bad") onBad(last.line, last.reason);
    flush();
    await drain();
  } catch (e) {
    progress.done();
    if (e instanceof InputError || e instanceof UsageError) throw e;
    if (e instanceof RangeError && /^line \d+:/.test(e.message)) throw new InputError(`${name}:${e.message.slice(5)}`);
    if ((e as NodeJS.ErrnoException)?.code !== undefined) throw new InputError(`cannot read ${name}: ${describeFsError(e)}`);
    throw e;
  }
  finally {
    await pool?.close();
  }
  progress.done();

  if (bad > SHOWN_BAD) io.stderr.write(`neardup: … ${fmtInt(bad - SHOWN_BAD)} more bad lines not shown\n`);
  if (bad > 0) io.stderr.write(`neardup: ${fmtInt(bad)} bad line${bad === 1 ? "" : "s"} skipped\n`);
  if (empty > 0) io.stderr.write(`neardup: ${fmtInt(empty)} empty prompt${empty === 1 ? "" : "s"} skipped\n`);
  for (const flag of reader?.unusedFields() ?? []) io.stderr.write(`neardup: warning: no record has the field named by ${flag}\n`);
  if (arrivals.count === 0 && bad > 0) {
    throw new InputError(`no prompt could be read from ${name}: all ${fmtInt(bad)} records were bad`, "check --format and --field");
  }

  const found = batch === null ? detector
    : campaigns(batch.texts, batch.metas, { mode: "template", minClusterSize: args.minSize, maxExamples: 5, ...(args.workers > 0 ? { threads: args.workers } : {}) });
  const report = buildReport(found, arrivals, {
    version: VERSION,
    input: { path: name, format: format ?? "text", bytes: totalBytes ?? (bytes || null) },
    options: {
      mode: args.mode,
      ...(args.mode === "near-duplicate" ? { threshold: detector.threshold } : {}),
      minSize: args.minSize,
      format: format ?? "text",
      field: args.field ?? (format === "text" ? "(whole line)" : "prompt, else text"),
      idField: args.idField ?? "id",
      accountField: args.accountField ?? "account",
      timeField: args.timeField ?? "time",
    },
    stats: { prompts: arrivals.count, badLines: bad, emptyPrompts: empty, seconds: (performance.now() - started) / 1000 },
  });

  if (args.json !== "-" && args.html !== "-") {
    const width = io.stdout.columns ?? (Number(io.env?.COLUMNS) || 120);
    io.stdout.write(summaryTable(report, width, args.top));
  }
  if (args.json !== undefined) writeOut(args.json, io, (write) => writeJson(report, write));
  if (args.html !== undefined) writeOut(args.html, io, (write) => write(htmlReport(report)));

  const flagged = report.clusters.some((c) => c.flagged);
  return args.failOnFlag && flagged ? 1 : 0;
}

/** Writes a report to `path` ('-' for standard output) through `produce`. */
function writeOut(path: string, io: CliIo, produce: (write: (s: string) => void) => void): void {
  if (path === "-") {
    produce((s) => io.stdout.write(s));
    return;
  }
  let fd: number;
  try {
    fd = openSync(path, "w");
  } catch (e) {
    throw new InputError(`cannot write ${path}: ${describeFsError(e)}`);
  }
  try {
    produce((s) => writeSync(fd, s));
  } catch (e) {
    throw new InputError(`cannot write ${path}: ${describeFsError(e)}`);
  } finally {
    closeSync(fd);
  }
  io.stderr.write(`neardup: wrote ${path}\n`);
}

function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case "ENOENT": return "no such file or directory";
    case "EACCES": case "EPERM": return "permission denied";
    case "EISDIR": return "it is a directory";
    case "ENOTDIR": return "a part of the path is not a directory";
    case "ENOSPC": return "no space left on the device";
    default: return err?.message ?? String(e);
  }
}

