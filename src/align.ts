/**
 * Readable templates of groups of similar texts: the wording shared by all (sampled) members, in
 * order, with `<*>` where they differ, as log template miners print them.
 *
 * Texts are normalized (`normalizeText`) and split on whitespace; the first member's tokens are
 * aligned with each further member by a longest common subsequence computed with Myers' O(ND)
 * difference algorithm (E. W. Myers, "An O(ND) Difference Algorithm and Its Variations",
 * Algorithmica 1(2), 1986, section 3), which is fast for near-duplicates (small D). Tokens outside
 * the common subsequence become slots; neighbouring slots merge into one `<*>`.
 */
import { normalizeText } from "./text.js";

export const SLOT = "<*>";
/**
 * A template word without an opening bracket or quote and without closing punctuation, as the
 * miner hashes tokens (`of:`, `of` and `of,` are one word), for matching templates' words.
 */
export const bareWord = (w: string): string => (w === SLOT ? w : w.replace(/^[("'[]/, "").replace(/[.,;:!?)\]"']+$/, "") || w);

/** Words of a template other than the slot mark `<*>`. */
export function wordsIn(template: string): number {
  let n = 0;
  for (const w of template.split(" ")) if (w !== SLOT && w !== "") n++;
  return n;
}

/**
 * A template that ends in a field label, "instruction: <*> output:" or "<*> tl;dr:" (the template
 * miner's field skeletons): its few words are the format, and the shared words of a few examples
 * ("the", "of" inside their passages) would say less.
 * @example endsInLabel("question: <*> answer:") // true
 */
export function endsInLabel(template: string): boolean {
  return /(?:^|\s)[^\s<>]*[^\s<>:]:$/u.test(template);
}

/**
 * A field template: the miner's field skeleton, its labels around a slot ("<*> tl;dr:",
 * "instruction: <*> output:"), two words at most and the last a label; or an opening label and a
 * slot ("summarize: <*>"). `cluster`, `campaigns`
 * and the Detector show such a group by the labels its texts share (`fieldTemplateOf`).
 * @example isFieldTemplate("instruction: <*> output:") // true
 * @example isFieldTemplate("summarize: <*>") // true
 */
export function isFieldTemplate(template: string): boolean {
  return wordsIn(template) <= 2 && endsInLabel(template) || OPEN_FIELD.test(template);
}
/** The miner's field skeleton of an opening label alone: "summarize: <*>". */
const OPEN_FIELD = /^[^\s<>]*[^\s<>:]: <\*>$/u;

const LABEL = /^[^\s<>]*[^\s<>:]:$/u;

/**
 * The field template of a group whose texts are field labels around slots (see `endsInLabel`):
 * the labels that all the (sampled) texts share, in order, `<*>` between them, so that the
 * labels in the middle show too ("instruction: <*> input: <*> output:"). The words the texts'
 * payloads share by chance ("the", "of") are left out.
 * @example fieldTemplateOf(["Q: 2+2?\nA:", "Q: capital of France?\nA:"]) // "q: <*> a:"
 * @example fieldTemplateOf(["Summarize:\n\nThe cat sat.", "Summarize:\n\nRain fell."]) // "summarize: <*>"
 */
export function fieldTemplateOf(texts: readonly string[], sample = 8): string {
  if (texts.length === 0) return "";
  // each text's labels alone, aligned as templates are (what they share, in order)
  const labels = (t: string): string[] => normalizeText(t).split(/\s+/u).filter((w) => LABEL.test(w));
  const common = templateOf(texts.map((t) => labels(t).join(" ")), sample).split(" ").filter((w) => w !== SLOT && w !== "");
  if (common.length === 0) return SLOT;
  const words = normalizeText(texts[0]).trim().split(/\s+/u);
  return (words[0] === common[0] ? "" : SLOT + " ") + common.join(` ${SLOT} `) + (words[words.length - 1] === common[common.length - 1] ? "" : " " + SLOT);
}

/** A template with no word at all ("<*>", or empty): grouped on nothing. */
export function isHollow(template: string): boolean {
  // (as wordsIn(template) === 0, without splitting: the Detector asks this on every add)
  const n = template.length;
  for (let i = 0; i < n;) {
    let j = template.indexOf(" ", i);
    if (j < 0) j = n;
    if (j > i && !(j - i === SLOT.length && template.startsWith(SLOT, i))) return false;
    i = j + 1;
  }
  return true;
}

/** Tokens of a text for templates: normalized, split on whitespace. */
export function templateTokens(text: string): string[] {
  return normalizeText(text).split(/\s+/u).filter((t) => t.length > 0);
}

/**
 * A longest common subsequence of `a` and `b` as matched index pairs (ascending), by Myers' greedy
 * forward search with the frontiers kept for backtracking. Returns null when more than `maxD`
 * edits would be needed, so unrelated inputs cost O((N+M) maxD).
 */
export function commonPairs(a: readonly string[], b: readonly string[], maxD = 256): [number, number][] | null {
  const n = a.length, m = b.length;
  const max = Math.min(n + m, maxD);
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) { x++; y++; }
      v[off + k] = x;
      if (x >= n && y >= m) { found = d; break; }
    }
  }
  if (found < 0) return null;
  const pairs: [number, number][] = [];
  let x = n, y = m;
  for (let d = found; d > 0; d--) {
    const vd = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[off + k - 1] < vd[off + k + 1]) ? k + 1 : k - 1;
    const prevX = vd[off + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) { x--; y--; pairs.push([x, y]); }
    x = prevX; y = prevY;
  }
  while (x > 0 && y > 0) { x--; y--; pairs.push([x, y]); }
  return pairs.reverse();
}

/** A template as tokens, `null` marking a slot. */
type Pattern = (string | null)[];

/** Aligns a pattern with a text's tokens: matched words stay, anything unmatched on either side becomes a slot. */
function refine(pattern: Pattern, tokens: readonly string[]): Pattern {
  const words: string[] = [];
  const at: number[] = []; // pattern position of each word
  pattern.forEach((t, i) => { if (t !== null) { words.push(t); at.push(i); } });
  const pairs = commonPairs(words, tokens);
  if (pairs === null) return [null];
  const out: Pattern = [];
  const slot = () => { if (out[out.length - 1] !== null) out.push(null); };
  let pi = 0, bi = 0; // next pattern position, next token
  for (const [w, b] of pairs) {
    const p = at[w];
    // a gap on either side (pattern slots or words, or unmatched text tokens) is a slot
    if (p > pi || b > bi) slot();
    out.push(words[w]);
    pi = p + 1;
    bi = b + 1;
  }
  if (pi < pattern.length || bi < tokens.length) slot();
  return out;
}

/**
 * The template of a group: tokens shared, in order, by all given texts, `<*>` wherever any of them
 * has something else. Uses at most `sample` texts (evenly spaced), so large groups cost the same as
 * small ones.
 * @example templateOf(["Translate into French: good morning", "Translate into French: see you soon"])
 *   // "translate into french: <*>"
 */
export function templateOf(texts: readonly string[], sample = 8): string {
  if (texts.length === 0) return "";
  const step = Math.max(1, Math.floor(texts.length / sample));
  let pattern: Pattern = templateTokens(texts[0]);
  for (let i = step; i < texts.length && i < step * sample; i += step) pattern = refine(pattern, templateTokens(texts[i]));
  return pattern.map((t) => (t === null ? SLOT : t)).join(" ");
}
