/**
 * A one-line progress bar on a terminal: prompts done, rate, and (when the input's size is known)
 * the share of bytes read and the time left. Redrawn at most ten times a second; silent when
 * disabled (standard error is not a terminal, or --no-progress).
 */

/** Where text goes: a process stream or a test double. */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
const REDRAW_MS = 100;

export class Progress {
  readonly #out: Output;
  readonly #total: number | undefined;
  readonly #enabled: boolean;
  readonly #now: () => number;
  readonly #start: number;
  #lastDraw = -Infinity;
  #drawn = false;
  #frame = 0;
  #prompts = 0;
  #bytes = 0;

  /** `totalBytes`: the input's size when known (a file), for the percentage and time left. */
  constructor(out: Output, totalBytes: number | undefined, enabled: boolean, now: () => number = () => performance.now()) {
    this.#out = out;
    this.#total = totalBytes !== undefined && totalBytes > 0 ? totalBytes : undefined;
    this.#enabled = enabled;
    this.#now = now;
    this.#start = now();
  }

  update(prompts: number, bytes: number): void {
    this.#prompts = prompts;
    this.#bytes = bytes;
    if (!this.#enabled) return;
    const t = this.#now();
    if (t - this.#lastDraw < REDRAW_MS) return;
    this.#lastDraw = t;
    this.#draw(t);
  }

  /** Writes a line of text above the bar (a warning), keeping the bar below it. */
  log(text: string): void {
    if (this.#drawn) this.#out.write("\r\x1b[K");
    this.#out.write(text.endsWith("\n") ? text : `${text}\n`);
    if (this.#drawn) this.#draw(this.#now());
  }

  /** Removes the bar. */
  done(): void {
    if (this.#drawn) this.#out.write("\r\x1b[K");
    this.#drawn = false;
  }

  #draw(t: number): void {
    const secs = Math.max((t - this.#start) / 1000, 1e-3);
    const rate = this.#prompts / secs;
    const width = Math.max(20, Math.min(this.#out.columns || 80, 120) - 1); // a pty may report 0 columns
    const count = `${this.#prompts.toLocaleString("en-US")} prompts`;
    const speed = `${compact(rate)}/s`;
    let line: string;
    if (this.#total !== undefined) {
      const frac = Math.min(this.#bytes / this.#total, 1);
      const pct = `${Math.floor(frac * 100)}%`.padStart(4);
      const eta = frac > 0.001 ? `ETA ${clock((secs * (1 - frac)) / frac)}` : "ETA --:--";
      const tail = `${pct}  ${count}  ${speed}  ${eta}`;
      const barWidth = Math.min(40, width - tail.length - 12);
      // narrow terminal: the bar goes first, then the words are cut
      line = barWidth >= 10 ? `scanning ${bar(frac, barWidth)} ${tail}` : tail.trimStart();
    } else {
      this.#frame = (this.#frame + 1) % SPINNER.length;
      line = `scanning ${SPINNER[this.#frame]} ${count}  ${speed}  ${(this.#bytes / 1e6).toFixed(1)} MB read`;
    }
    if (line.length > width) line = line.slice(0, width);
    this.#out.write(`\r${line}\x1b[K`);
    this.#drawn = true;
  }
}

function bar(frac: number, width: number): string {
  const eighths = Math.round(frac * width * 8);
  const full = Math.floor(eighths / 8);
  const part = eighths % 8;
  const partial = part > 0 ? " ▏▎▍▌▋▊▉"[part] : "";
  return `▕${"█".repeat(full)}${partial}${" ".repeat(Math.max(0, width - full - partial.length))}▏`;
}

/** 81234 -> "81.2k", 1234567 -> "1.23M". */
export function compact(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 1 : 2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(n >= 1e4 ? 1 : 2)}k`;
  return n.toFixed(0);
}

/** Seconds as m:ss or h:mm:ss. */
export function clock(s: number): string {
  const t = Math.max(0, Math.round(s));
  const h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), sec = t % 60;
  const mm = h > 0 ? String(m).padStart(2, "0") : String(m);
  return `${h > 0 ? `${h}:` : ""}${mm}:${String(sec).padStart(2, "0")}`;
}
