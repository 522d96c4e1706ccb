// @ts-check
/**
 * A deterministic prompt stream with planted campaigns, shared by the Redis tests, their worker
 * processes and the benchmark. Campaign c is a base text of `words` random words; each instance
 * changes one word at a random place (two instances share ~93% of their word 3-grams, well above
 * the 0.8 threshold), sent by one of the campaign's accounts. Noise prompts are random texts of
 * their own. Everything comes from a seeded generator (mulberry32), so every process that calls
 * `makeStream` with the same options gets the same stream.
 */

/** mulberry32 (T. Ettinger, public domain): a small seeded 32-bit generator. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "po", "da", "fe", "gu", "hi", "jo", "be"];

function word(r) {
  let w = "";
  const n = 2 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(r() * SYLLABLES.length)];
  return w;
}

/**
 * @param {{ campaigns?: number, noise?: number, minSize?: number, maxSize?: number, words?: number, seed?: number, t0?: number, stepMs?: number }} [o]
 * @returns {{ texts: string[], metas: { id: string, account: string, time: number }[], planted: Map<number, number> }}
 *   planted: campaign number -> its size (campaign of prompt i is in `metas[i].id`: "c<k>-<j>" or "n<j>")
 */
export function makeStream(o = {}) {
  const { campaigns = 12, noise = 2000, minSize = 10, maxSize = 300, words = 80, seed = 7, t0 = 1_700_000_000_000, stepMs = 50 } = o;
  const r = rng(seed);
  /** @type {{ text: string, id: string, account: string }[]} */
  const items = [];
  const planted = new Map();
  for (let c = 0; c < campaigns; c++) {
    const base = Array.from({ length: words }, () => word(r));
    const size = minSize + Math.floor(r() * (maxSize - minSize + 1));
    const accounts = 1 + Math.floor(r() * 30);
    planted.set(c, size);
    for (let j = 0; j < size; j++) {
      const w = base.slice();
      w[Math.floor(r() * words)] = word(r);
      items.push({ text: w.join(" "), id: `c${c}-${j}`, account: `acct-c${c}-${Math.floor(r() * accounts)}` });
    }
  }
  for (let j = 0; j < noise; j++) {
    const n = 8 + Math.floor(r() * 30);
    items.push({ text: Array.from({ length: n }, () => word(r)).join(" "), id: `n${j}`, account: `acct-${Math.floor(r() * 500)}` });
  }
  // Fisher-Yates with the same generator: campaigns interleave with noise and with each other
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return {
    texts: items.map((x) => x.text),
    metas: items.map((x, i) => ({ id: x.id, account: x.account, time: t0 + i * stepMs })),
    planted,
  };
}
