/**
 * CSV records from lines, as RFC 4180 defines them (section 2): fields separated by commas; a field
 * in double quotes may hold commas, line breaks and doubled quotes (""). Lines are fed one at a
 * time, so a quoted field that spans lines is assembled across calls and nothing else is buffered.
 *
 * Lenient where files in the wild need it and nothing is ambiguous: a quote inside an unquoted field
 * is kept as a character (a"b); line breaks inside quotes come back as "\n" whatever they were.
 * Strict where data would be lost: text after a closing quote (a,"b"c) makes the record bad.
 */

export type CsvResult =
  | { kind: "record"; fields: string[]; line: number }
  | { kind: "bad"; line: number; reason: string }
  | { kind: "more" };

/** Longest record kept while a quoted field is open (UTF-16 units); beyond it the input is refused. */
export const MAX_RECORD = 64 * 1024 * 1024;

export class CsvRecords {
  #fields: string[] = [];
  #field = "";
  #open = false; // inside a quoted field that continues on the next line
  #start = 0; // line the pending record started on
  #bad: string | null = null;
  #justClosed = false; // the last field read was quoted and its closing quote was just passed

  /** Line number where the pending (unfinished) record started, or 0 when none is pending. */
  get pendingLine(): number {
    return this.#open ? this.#start : 0;
  }

  /**
   * Feeds one line (without its line break). Returns the finished record, a bad record, or "more"
   * when a quoted field continues on the next line. Throws when an open field grows past MAX_RECORD.
   */
  push(line: string, lineNo: number): CsvResult {
    let i: number;
    if (this.#open) {
      this.#field += "\n";
      if (this.#field.length > MAX_RECORD) {
        throw new RangeError(`line ${this.#start}: a quoted field is still open after ${MAX_RECORD / 1048576} MiB; the file probably has an unbalanced quote there`);
      }
      i = this.#quoted(line, 0);
    } else {
      this.#start = lineNo;
      this.#fields = [];
      this.#field = "";
      this.#bad = null;
      if (line.indexOf('"') < 0) return { kind: "record", fields: line.split(","), line: lineNo };
      i = this.#startField(line, 0);
    }
    if (this.#open) return { kind: "more" };
    for (;;) {
      // `i` is just past a field: at a comma, at the end, or (malformed) at text after a closing quote
      if (this.#justClosed && i < line.length && line.charCodeAt(i) !== 44 /* , */) {
        this.#bad ??= `text after the closing quote of field ${this.#fields.length + 1} (a quote inside a quoted field is written "")`;
        i = this.#unquoted(line, i);
      }
      this.#justClosed = false;
      if (i >= line.length) break;
      this.#fields.push(this.#field);
      this.#field = "";
      i = this.#startField(line, i + 1);
      if (this.#open) return { kind: "more" };
    }
    this.#fields.push(this.#field);
    this.#field = "";
    const fields = this.#fields;
    this.#fields = [];
    if (this.#bad !== null) return { kind: "bad", line: this.#start, reason: this.#bad };
    return { kind: "record", fields, line: this.#start };
  }

  #startField(line: string, i: number): number {
    return line.charCodeAt(i) === 34 /* " */ ? this.#quoted(line, i + 1) : this.#unquoted(line, i);
  }

  /** End of input: a record still open there is bad. */
  end(): CsvResult | null {
    if (!this.#open) return null;
    this.#open = false;
    this.#fields = [];
    this.#field = "";
    return { kind: "bad", line: this.#start, reason: "a quoted field is never closed (it runs to the end of the input)" };
  }

  /** Reads an unquoted field from `i` up to the next comma; returns the comma's index (or the end). */
  #unquoted(line: string, i: number): number {
    const comma = line.indexOf(",", i);
    const end = comma < 0 ? line.length : comma;
    this.#field += line.slice(i, end);
    return end;
  }

  /** Reads quoted text from `i` (after the opening quote); sets #open when the line ends inside it. */
  #quoted(line: string, i: number): number {
    for (;;) {
      const q = line.indexOf('"', i);
      if (q < 0) {
        this.#field += line.slice(i);
        this.#open = true;
        return line.length;
      }
      this.#field += line.slice(i, q);
      if (line.charCodeAt(q + 1) === 34) {
        this.#field += '"';
        i = q + 2;
        continue;
      }
      this.#open = false;
      this.#justClosed = true;
      return q + 1;
    }
  }
}
