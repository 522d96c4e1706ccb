/**
 * Command-line arguments of `neardup`: one table of options drives both the parser and `--help`,
 * so every flag the parser accepts is documented, with an example.
 */

export type Format = "jsonl" | "csv" | "text";
export type Mode = "template" | "near-duplicate";

/** A usage mistake: reported with a hint, exit code 2. */
export class UsageError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The resolved options of `neardup scan`. */
export interface ScanArgs {
  input: string;
  format?: Format;
  field?: string;
  idField?: string;
  accountField?: string;
  timeField?: string;
  mode: Mode;
  threshold?: number;
  minSize: number;
  /** Signing threads in near-duplicate mode (0: automatic). */
  workers: number;
  json?: string;
  html?: string;
  top: number;
  strict: boolean;
  failOnFlag: boolean;
  progress: boolean;
}

interface OptionSpec {
  name: string;
  /** Placeholder of the value; absent for a boolean flag. */
  value?: string;
  help: string;
  example: string;
}

/** Options of `scan`, in the order `--help` lists them. */
export const SCAN_OPTIONS: readonly OptionSpec[] = [
  {
    name: "format", value: "jsonl|csv|text",
    help: "Input format. Default: from the extension (.jsonl or .ndjson, .csv; anything else is text, one prompt a line). Standard input is JSONL when its first line starts with '{', text otherwise.",
    example: "neardup scan export.log --format jsonl",
  },
  {
    name: "field", value: "name",
    help: "JSONL key or CSV column holding the prompt. Default: 'prompt', else 'text'. A JSONL key may be a dotted path (request.messages.0.content).",
    example: "neardup scan logs.jsonl --field request.input",
  },
  {
    name: "id-field", value: "name",
    help: "Key or column with each prompt's id, listed as the members of each cluster in --json. Default: 'id' when present; otherwise members are line numbers.",
    example: "neardup scan logs.csv --id-field request_id",
  },
  {
    name: "account-field", value: "name",
    help: "Key or column naming who sent the prompt (counted per campaign). Default: 'account' when present.",
    example: "neardup scan logs.jsonl --account-field user.id",
  },
  {
    name: "time-field", value: "name",
    help: "Key or column with when it was sent: an ISO 8601 string or epoch milliseconds or seconds (numbers below 1e11 are seconds). Default: 'time' when present. Without times, rates and timelines are left out.",
    example: "neardup scan logs.csv --time-field created_at",
  },
  {
    name: "mode", value: "template|near-duplicate",
    help: "template (default): prompts built from the same wording with different fill-ins, even long ones. near-duplicate: prompts whose word 3-grams overlap (MinHash Jaccard >= --threshold).",
    example: "neardup scan prompts.jsonl --mode near-duplicate",
  },
  {
    name: "threshold", value: "0..1",
    help: "Near-duplicate mode only: Jaccard similarity from which two prompts are near-duplicates. Default 0.8.",
    example: "neardup scan prompts.jsonl --mode near-duplicate --threshold 0.6",
  },
  {
    name: "min-size", value: "n",
    help: "A cluster is flagged as a campaign from this many prompts. Default 5.",
    example: "neardup scan prompts.jsonl --min-size 20",
  },
  {
    name: "workers", value: "n",
    help: "Threads to use (1: the main thread only). Near-duplicate mode signs prompts on this many worker threads; default: every core for inputs of 20 MB or more, else 1. Template mode mines on up to 2 threads; default: 2 from 50,000 prompts on a machine with 2 cores or more.",
    example: "neardup scan big.jsonl --mode near-duplicate --workers 2",
  },
  {
    name: "top", value: "n",
    help: "Campaigns listed in the summary table (largest first); 0 lists all. Default 20. --json and --html always have all.",
    example: "neardup scan prompts.jsonl --top 0",
  },
  {
    name: "json", value: "file",
    help: "Write every cluster of two or more prompts (template, counts, accounts, member ids and line numbers) and the options used, as JSON. '-' writes it to standard output instead of the table.",
    example: "neardup scan prompts.jsonl --json clusters.json",
  },
  {
    name: "html", value: "file",
    help: "Write a self-contained HTML report: size distribution, campaigns over time, and each campaign's template, examples and top accounts.",
    example: "neardup scan prompts.jsonl --html report.html",
  },
  {
    name: "strict",
    help: "Stop at the first bad line (invalid JSON, missing or non-string field, malformed CSV) with exit code 2, instead of reporting and skipping it.",
    example: "neardup scan prompts.jsonl --strict",
  },
  {
    name: "fail-on-flag",
    help: "Exit with code 1 when any campaign is flagged (for CI jobs and scheduled checks).",
    example: "neardup scan today.jsonl --fail-on-flag --min-size 50",
  },
  {
    name: "no-progress",
    help: "Never draw the progress bar (it is drawn on standard error only when that is a terminal).",
    example: "neardup scan big.jsonl --no-progress",
  },
];

const MODES: readonly Mode[] = ["template", "near-duplicate"];
const FORMATS: readonly Format[] = ["jsonl", "csv", "text"];

export const USAGE = "Usage: neardup scan <file|-> [options]";

/** The text of `neardup --help`. */
export function helpText(version: string): string {
  const lines = [
    `neardup ${version}: find near-duplicate and templated prompts (campaigns) in a file of prompts.`,
    "",
    USAGE,
    "       neardup --help | --version",
    "",
    "Reads JSONL (one object a line), CSV (with a header row) or plain text (one prompt a line) from a",
    "file or from standard input ('-'), streaming, and prints the flagged campaigns: clusters of at",
    "least --min-size prompts, with their size, accounts, rate and template ('<*>' marks the parts",
    "that vary).",
    "",
    "Options:",
  ];
  for (const o of SCAN_OPTIONS) {
    lines.push(`  --${o.name}${o.value === undefined ? "" : ` <${o.value}>`}`);
    for (const l of wrap(o.help, 72)) lines.push(`      ${l}`);
    lines.push(`      e.g. ${o.example}`);
  }
  lines.push(
    "  -h, --help        This help.",
    "  -V, --version     The version.",
    "",
    "Bad lines are reported on standard error with their line numbers (the first 10 in full, then a",
    "count) and skipped. Empty prompts are skipped and counted.",
    "",
    "Exit codes: 0 done; 1 campaigns flagged and --fail-on-flag given; 2 usage or input error.",
    "",
    "Examples:",
    "  neardup scan examples/prompts.jsonl",
    "  neardup scan logs.csv --field message --account-field user --time-field ts --html report.html",
    "  zcat prompts.jsonl.gz | neardup scan - --mode near-duplicate --json - | jq '.clusters[0]'",
  );
  return lines.join("\n") + "\n";
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else {
      line = line.length > 0 ? `${line} ${word}` : word;
    }
  }
  if (line.length > 0) out.push(line);
  return out;
}

export type Command = { kind: "help" } | { kind: "version" } | { kind: "scan"; args: ScanArgs };

/** Parses `argv` (without `node` and the script). Throws `UsageError` on any mistake. */
export function parseArgs(argv: readonly string[]): Command {
  if (argv.some((a) => a === "--help" || a === "-h")) return { kind: "help" };
  if (argv.some((a) => a === "--version" || a === "-V")) return { kind: "version" };
  if (argv.length === 0) throw new UsageError("no command given", "try: neardup scan examples/prompts.jsonl (or neardup --help)");
  const [command, ...rest] = argv;
  if (command === "help") return { kind: "help" };
  if (command !== "scan") {
    if (command.startsWith("-")) {
      throw new UsageError(`options come after the command: neardup scan <file> ${command} ...`, "see neardup --help");
    }
    const hint = editDistance(command, "scan") <= 2 ? "did you mean 'scan'?" : "the command is 'scan'; see neardup --help";
    throw new UsageError(`unknown command '${command}'`, hint);
  }
  return { kind: "scan", args: parseScan(rest) };
}

function parseScan(argv: readonly string[]): ScanArgs {
  const values = new Map<string, string | true>();
  const positional: string[] = [];
  let onlyPositional = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (onlyPositional || a === "-" || !a.startsWith("-")) {
      positional.push(a);
      continue;
    }
    if (a === "--") {
      onlyPositional = true;
      continue;
    }
    if (!a.startsWith("--")) throw new UsageError(`unknown option '${a}'`, "options are spelled out, e.g. --format; see neardup scan --help");
    const eq = a.indexOf("=");
    const name = a.slice(2, eq < 0 ? undefined : eq);
    const spec = SCAN_OPTIONS.find((o) => o.name === name);
    if (spec === undefined) {
      const near = SCAN_OPTIONS.map((o) => o.name).filter((n) => editDistance(n, name) <= 2);
      throw new UsageError(`unknown option '--${name}'`, near.length > 0 ? `did you mean --${near[0]}?` : "see neardup scan --help for the options");
    }
    if (spec.value === undefined) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value (got '${a.slice(eq + 1)}')`, `write just --${name}`);
      values.set(name, true);
      continue;
    }
    let value: string;
    if (eq >= 0) {
      value = a.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith("--") && next.length > 2)) {
        throw new UsageError(`--${name} needs a value <${spec.value}>`, `e.g. ${spec.example}`);
      }
      value = next;
      i++;
    }
    values.set(name, value);
  }

  if (positional.length === 0) {
    throw new UsageError("scan needs an input file, or - for standard input", "e.g. neardup scan examples/prompts.jsonl");
  }
  if (positional.length > 1) {
    throw new UsageError(`scan takes one input, got ${positional.length}: ${positional.join(", ")}`, "to scan several files: cat a.jsonl b.jsonl | neardup scan - --format jsonl");
  }

  const str = (name: string): string | undefined => {
    const v = values.get(name);
    if (v === undefined) return undefined;
    if (v === "") throw new UsageError(`--${name} needs a non-empty value`, `e.g. ${SCAN_OPTIONS.find((o) => o.name === name)!.example}`);
    return v as string;
  };
  const oneOf = <T extends string>(name: string, choices: readonly T[]): T | undefined => {
    const v = str(name);
    if (v === undefined) return undefined;
    if (!(choices as readonly string[]).includes(v)) {
      throw new UsageError(`--${name} must be ${choices.join(" or ")}, got '${v}'`, `e.g. ${SCAN_OPTIONS.find((o) => o.name === name)!.example}`);
    }
    return v as T;
  };
  const int = (name: string, min: number, dflt: number): number => {
    const v = str(name);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!/^\s*\d+\s*$/.test(v) || !Number.isSafeInteger(n) || n < min) {
      throw new UsageError(`--${name} must be a whole number >= ${min}, got '${v}'`, `e.g. ${SCAN_OPTIONS.find((o) => o.name === name)!.example}`);
    }
    return n;
  };

  const mode = oneOf("mode", MODES) ?? "template";
  let threshold: number | undefined;
  const t = str("threshold");
  if (t !== undefined) {
    if (mode !== "near-duplicate") {
      throw new UsageError("--threshold applies to --mode near-duplicate only", "template mode groups prompts by shared wording, without a similarity threshold; add --mode near-duplicate");
    }
    threshold = Number(t);
    if (!/^\s*[0-9.eE+-]+\s*$/.test(t) || !(threshold > 0 && threshold <= 1)) {
      throw new UsageError(`--threshold must be a number in (0, 1], got '${t}'`, "e.g. --threshold 0.7 (higher: only closer copies)");
    }
  }
  return {
    input: positional[0],
    format: oneOf("format", FORMATS),
    field: str("field"),
    idField: str("id-field"),
    accountField: str("account-field"),
    timeField: str("time-field"),
    mode,
    threshold,
    minSize: int("min-size", 1, 5),
    workers: int("workers", 0, 0),
    top: int("top", 0, 20),
    json: str("json"),
    html: str("html"),
    strict: values.get("strict") === true,
    failOnFlag: values.get("fail-on-flag") === true,
    progress: values.get("no-progress") !== true,
  };
}

/** Levenshtein distance (for "did you mean" hints). */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}
