/**
 * Prompts out of an input stream, one line at a time: a line splitter over decoded chunks (a line
 * is never longer than MAX_LINE, whatever the file holds), and one record reader per format that
 * turns lines into prompts with their id, account and time, or into bad lines with a reason.
 */
import { CsvRecords } from "./csv.js";
import type { Format } from "./args.js";

/** A prompt read from the input. */
export interface InputRecord {
  text: string;
  /** Line the record starts on (1-based). */
  line: number;
  id?: string;
  account?: string;
  /** Milliseconds since the epoch. */
  time?: number;
}

export type ReadResult =
  | { kind: "record"; record: InputRecord }
  | { kind: "bad"; line: number; reason: string }
  | { kind: "empty" } // a record whose prompt is empty or blank: skipped and counted
  | { kind: "skip" }; // a blank line, a CSV header, or a line inside a multi-line CSV record

/** A mistake in the input as a whole (e.g. a CSV header without the prompt column): exit code 2. */
export class InputError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = "InputError";
  }
}

/** Longest line kept (UTF-16 units); a longer one is reported as bad and skipped. */
export const MAX_LINE = 64 * 1024 * 1024;

/**
 * Splits decoded text into lines (LF or CRLF; the line break is dropped). Lines longer than
 * MAX_LINE are not assembled: `onLong(lineNo)` is called and the rest of that line is dropped.
 */
export class LineSplitter {
  #partial = "";
  #dropping = false;
  #first = true;
  /** Lines returned so far: the next line returned has number lineNo + 1. */
  lineNo = 0;

  constructor(private readonly onLong: (lineNo: number) => void) {}

  /** Complete lines of `chunk` (joined with what the previous chunk left unfinished). */
  push(chunk: string): string[] {
    if (this.#first && chunk.length > 0) {
      this.#first = false;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1); // byte order mark
    }
    const out: string[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf("\n", start);
      if (nl < 0) break;
      let line = chunk.slice(start, nl);
      start = nl + 1;
      if (this.#dropping) {
        this.#dropping = false;
        this.#partial = "";
        continue; // the over-long line ends here (it was counted when it was dropped)
      }
      if (this.#partial.length > 0) {
        line = this.#partial + line;
        this.#partial = "";
      }
      if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
      out.push(line);
    }
    if (start < chunk.length && !this.#dropping) {
      this.#partial += chunk.slice(start);
      if (this.#partial.length > MAX_LINE) {
        this.#partial = "";
        this.#dropping = true;
        this.onLong(this.lineNo + out.length + 1);
        out.push(""); // the line keeps its number; its content is gone
      }
    }
    this.lineNo += out.length;
    return out;
  }

  /** The last line, when the input does not end with a line break. */
  end(): string[] {
    if (this.#dropping || this.#partial.length === 0) return [];
    const line = this.#partial.charCodeAt(this.#partial.length - 1) === 13 ? this.#partial.slice(0, -1) : this.#partial;
    this.#partial = "";
    this.lineNo++;
    return [line];
  }
}

/** Which keys or columns to read. Absent names take the defaults, which may be missing. */
export interface FieldNames {
  field?: string;
  idField?: string;
  accountField?: string;
  timeField?: string;
}

const DEFAULT_TEXT = ["prompt", "text"];
const DEFAULT_ID = "id";
const DEFAULT_ACCOUNT = "account";
const DEFAULT_TIME = "time";

/** Reads records of one format, line by line. */
export interface RecordReader {
  read(line: string, lineNo: number): ReadResult;
  /** End of input (a CSV record may still be open). */
  end(): ReadResult | null;
  /** Explicitly named fields that no record had (for a warning at the end). */
  unusedFields(): string[];
}

export function recordReader(format: Format, names: FieldNames): RecordReader {
  if (format === "jsonl") return new JsonlReader(names);
  if (format === "csv") return new CsvReader(names);
  return textReader;
}

const SKIP: ReadResult = { kind: "skip" };
const EMPTY: ReadResult = { kind: "empty" };

const textReader: RecordReader = {
  read(line, lineNo) {
    if (line.trim().length === 0) return SKIP;
    return { kind: "record", record: { text: line, line: lineNo } };
  },
  end: () => null,
  unusedFields: () => [],
};

// ------------------------------------------------------------------------------------------ JSONL

class JsonlReader implements RecordReader {
  readonly #names: FieldNames;
  readonly #seen = { id: false, account: false, time: false };

  constructor(names: FieldNames) {
    this.#names = names;
  }

  read(line: string, lineNo: number): ReadResult {
    if (line.trim().length === 0) return SKIP;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      return bad(lineNo, `invalid JSON (${(e as Error).message})`);
    }
    if (obj === null || typeof obj !== "object" || Array.isArray(obj)) {
      return bad(lineNo, `expected a JSON object, got ${kindOf(obj)}`);
    }
    const o = obj as Record<string, unknown>;
    const n = this.#names;
    let textKey: string;
    let text: unknown;
    if (n.field !== undefined) {
      textKey = n.field;
      text = lookup(o, textKey);
      if (text === undefined) return bad(lineNo, `no "${textKey}" field`);
    } else {
      textKey = DEFAULT_TEXT.find((k) => Object.hasOwn(o, k)) ?? "";
      if (textKey === "") return bad(lineNo, `no "prompt" or "text" field (name the prompt's key with --field)`);
      text = o[textKey];
    }
    if (typeof text !== "string") return bad(lineNo, `"${textKey}" is ${kindOf(text)}, not a string`);
    if (text.trim().length === 0) return EMPTY;
    const rec: InputRecord = { text, line: lineNo };
    const id = lookup(o, n.idField ?? DEFAULT_ID);
    if (id !== undefined && id !== null) {
      this.#seen.id = true;
      const s = label(id);
      if (s === undefined) return bad(lineNo, `"${n.idField ?? DEFAULT_ID}" is ${kindOf(id)}; an id must be a string or a number`);
      rec.id = s;
    }
    const account = lookup(o, n.accountField ?? DEFAULT_ACCOUNT);
    if (account !== undefined && account !== null) {
      this.#seen.account = true;
      const s = label(account);
      if (s === undefined) return bad(lineNo, `"${n.accountField ?? DEFAULT_ACCOUNT}" is ${kindOf(account)}; an account must be a string or a number`);
      rec.account = s;
    }
    const time = lookup(o, n.timeField ?? DEFAULT_TIME);
    if (time !== undefined && time !== null && time !== "") {
      this.#seen.time = true;
      const t = parseTime(time);
      if (t === undefined) return bad(lineNo, `"${n.timeField ?? DEFAULT_TIME}" is not a time: ${preview(time)} (expected an ISO 8601 string or epoch milliseconds or seconds)`);
      rec.time = t;
    }
    return { kind: "record", record: rec };
  }

  end(): null {
    return null;
  }

  unusedFields(): string[] {
    const n = this.#names, out: string[] = [];
    if (n.idField !== undefined && !this.#seen.id) out.push(`--id-field ${n.idField}`);
    if (n.accountField !== undefined && !this.#seen.account) out.push(`--account-field ${n.accountField}`);
    if (n.timeField !== undefined && !this.#seen.time) out.push(`--time-field ${n.timeField}`);
    return out;
  }
}

/** `o[name]`, or, when `o` has no such key and `name` is dotted, the value at that path. */
function lookup(o: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(o, name)) return o[name];
  if (!name.includes(".")) return undefined;
  let cur: unknown = o;
  for (const part of name.split(".")) {
    if (cur === null || typeof cur !== "object" || !Object.hasOwn(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

// -------------------------------------------------------------------------------------------- CSV

class CsvReader implements RecordReader {
  readonly #names: FieldNames;
  readonly #csv = new CsvRecords();
  #header: string[] | null = null;
  #text = -1;
  #id = -1;
  #account = -1;
  #time = -1;

  constructor(names: FieldNames) {
    this.#names = names;
  }

  read(line: string, lineNo: number): ReadResult {
    if (line.length === 0 && this.#csv.pendingLine === 0) return SKIP; // blank line between records
    const r = this.#csv.push(line, lineNo);
    if (r.kind === "more") return SKIP;
    if (r.kind === "bad") return bad(r.line, r.reason);
    if (this.#header === null) {
      this.#columns(r.fields.map((f) => f.trim()));
      return SKIP;
    }
    return this.#row(r.fields, r.line);
  }

  end(): ReadResult | null {
    const r = this.#csv.end();
    return r !== null && r.kind === "bad" ? bad(r.line, r.reason) : null;
  }

  unusedFields(): string[] {
    return []; // explicitly named columns are checked against the header
  }

  #columns(header: string[]): void {
    this.#header = header;
    const n = this.#names;
    const list = header.map((h) => JSON.stringify(h)).join(", ");
    const find = (name: string | undefined, flag: string, dflt: string[]): number => {
      if (name === undefined) {
        for (const d of dflt) {
          const i = header.indexOf(d);
          if (i >= 0) return i;
        }
        return -1;
      }
      const i = header.indexOf(name);
      if (i < 0) throw new InputError(`the CSV header has no column "${name}" (${flag}); its columns are ${list}`, closest(name, header, flag));
      return i;
    };
    this.#text = find(n.field, "--field", DEFAULT_TEXT);
    if (this.#text < 0) {
      throw new InputError(`the CSV header has no "prompt" or "text" column; its columns are ${list}`, "name the prompt's column with --field, e.g. --field " + (header[0] ?? "message"));
    }
    this.#id = find(n.idField, "--id-field", [DEFAULT_ID]);
    this.#account = find(n.accountField, "--account-field", [DEFAULT_ACCOUNT]);
    this.#time = find(n.timeField, "--time-field", [DEFAULT_TIME]);
  }

  #row(fields: string[], lineNo: number): ReadResult {
    const header = this.#header!;
    if (fields.length !== header.length) {
      return bad(lineNo, `${fields.length} field${fields.length === 1 ? "" : "s"}, but the header has ${header.length}`);
    }
    const text = fields[this.#text];
    if (text.trim().length === 0) return EMPTY;
    const rec: InputRecord = { text, line: lineNo };
    if (this.#id >= 0 && fields[this.#id] !== "") rec.id = fields[this.#id];
    if (this.#account >= 0 && fields[this.#account] !== "") rec.account = fields[this.#account];
    if (this.#time >= 0 && fields[this.#time].trim() !== "") {
      const t = parseTime(fields[this.#time]);
      if (t === undefined) return bad(lineNo, `column "${header[this.#time]}" is not a time: ${preview(fields[this.#time])} (expected an ISO 8601 string or epoch milliseconds or seconds)`);
      rec.time = t;
    }
    return { kind: "record", record: rec };
  }
}

function closest(name: string, header: string[], flag: string): string {
  const lower = header.find((h) => h.toLowerCase() === name.toLowerCase());
  if (lower !== undefined) return `column names are case-sensitive: ${flag} ${lower}`;
  return `name one of the header's columns with ${flag}`;
}

// ---------------------------------------------------------------------------------------- values

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const ZONELESS = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * Milliseconds since the epoch of an ISO 8601 string (a date-time without a zone is read as UTC,
 * so results do not depend on the machine's time zone) or of an epoch number: magnitudes below
 * 1e11 are seconds (1e11 s is the year 5138; 1e11 ms is 1973), larger ones milliseconds.
 */
export function parseTime(v: unknown): number | undefined {
  let n: number;
  if (typeof v === "number") {
    n = v;
  } else if (typeof v === "string") {
    const s = v.trim();
    if (NUMERIC.test(s)) {
      n = Number(s);
    } else {
      const t = Date.parse(ZONELESS.test(s) ? `${s.replace(" ", "T")}Z` : s);
      return Number.isFinite(t) ? t : undefined;
    }
  } else {
    return undefined;
  }
  if (!Number.isFinite(n)) return undefined;
  return Math.abs(n) < 1e11 ? n * 1000 : n;
}

function label(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (typeof v === "bigint") return String(v);
  return undefined;
}

function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return "a string";
  return `a ${typeof v} (${preview(v)})`;
}

function preview(v: unknown): string {
  const s = typeof v === "string" ? JSON.stringify(v) : String(v);
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}

function bad(line: number, reason: string): ReadResult {
  return { kind: "bad", line, reason };
}
