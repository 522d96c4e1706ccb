import { beforeAll, describe, expect, it } from "vitest";
import { initSync, campaigns, Detector } from "../src/index.js";

beforeAll(() => initSync());

function make() {
  const texts: string[] = [], metas: { account?: string; time?: number; id?: string }[] = [];
  const words = "amber basil cedar dune ember fern grove harbor iris jade kelp lotus maple nectar olive pearl".split(" ");
  let s = 7;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const w = (n: number) => Array.from({ length: n }, () => words[Math.floor(rnd() * words.length)] + Math.floor(rnd() * 1000).toString(36).replace(/[0-9]/g, "x")).join(" ");
  for (let i = 0; i < 40; i++) {
    texts.push(`Explain step by step how to ${w(4)}. Show all reasoning and cite your sources.`);
    metas.push({ account: `acct-${i % 3}`, time: 1_000_000 + i * 60_000 });
  }
  for (let i = 0; i < 60; i++) { texts.push(w(12)); metas.push({ account: `user-${i}`, time: 1_000_000 + i * 1000 }); }
  return { texts, metas };
}

describe("campaigns (batch)", () => {
  it("reports the campaign with accounts, times, rate and examples, as the Detector does", () => {
    const { texts, metas } = make();
    const set = campaigns(texts, metas, { minClusterSize: 5, maxExamples: 2 });
    const flagged = set.clusters({ flaggedOnly: true });
    expect(flagged.length).toBe(1);
    const c = flagged[0];
    expect(c.size).toBe(40);
    expect(c.members).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(c.accounts).toBe(3);
    expect(c.topAccounts[0]).toEqual(["acct-0", 14]);
    expect(c.firstSeen).toBe(1_000_000);
    expect(c.lastSeen).toBe(1_000_000 + 39 * 60_000);
    expect(c.ratePerMinute).toBeCloseTo(40 / 39, 6);
    expect(c.examples).toEqual(texts.slice(0, 2));
    expect(c.template).toBe("explain step by step how to <*> show all reasoning and cite your sources.");
    for (let i = 0; i < 40; i++) expect(set.labels[i]).toBe(c.id);
    expect(set.cluster(c.id)?.size).toBe(40);
    expect(set.cluster(-1)).toBeUndefined();
    // the streaming Detector finds the same campaign (it may miss a first prompt or two, seen
    // before the wording recurred)
    const d = new Detector({ minClusterSize: 5 });
    d.addBatch(texts, metas);
    const streamed = d.clusters({ flaggedOnly: true });
    expect(streamed.length).toBe(1);
    expect(streamed[0].size).toBeGreaterThanOrEqual(36);
    expect(streamed[0].members.every((i) => i < 40)).toBe(true);
  });

  it("results are copies: changing one does not change the next answer", () => {
    const { texts, metas } = make();
    const set = campaigns(texts, metas);
    const a = set.clusters({ minSize: 2 })[0];
    a.members.length = 0;
    a.examples.push("x");
    expect(set.clusters({ minSize: 2 })[0].members.length).toBe(40);
  });

  it("rejects bad input with errors naming the problem", () => {
    const { texts, metas } = make();
    expect(() => campaigns("x" as unknown as string[])).toThrow(/texts must be an array/);
    expect(() => campaigns(texts, metas.slice(1))).toThrow(/one entry per text/);
    expect(() => campaigns(texts, metas, { minClusterSize: 0 })).toThrow(/minClusterSize must be an integer/);
    expect(() => campaigns(texts, metas, { window: 3 } as object)).toThrow(/unknown option 'window'/);
    const bad = metas.slice(); bad[3] = { time: NaN };
    expect(() => campaigns(texts, bad)).toThrow(/metas\[3\].time must be a finite number/);
    expect(() => campaigns(texts, metas).clusters({ flaggedOnly: "yes" as unknown as boolean })).toThrow(/flaggedOnly must be a boolean/);
  });
});

describe("the bundled example's campaigns are named by their wording", () => {
  beforeAll(() => initSync());
  it("each planted campaign's cluster has a template with its key phrase (batch)", async () => {
    // "Write a {n}-word SEO article about {kw} in {city} ...": "write a" opens many other prompts
    // of the file (558 prompts against 120); measured against it, the template's own wording once went
    // as a payload and the campaign was shown as "write a <*> at least <*>"
    const { makeExamples } = await import("../scripts/make-examples.mjs");
    const { records, campaigns: planted } = makeExamples();
    const set = campaigns(records.map((r: { prompt: string }) => r.prompt));
    const KEY: Record<string, string> = { "seo-articles": "seo article about", "benchmark-scrape": "answer with only the letter of the correct option", "review-spam": "write a glowing" };
    for (const [name, phrase] of Object.entries(KEY)) {
      const ids = new Set(planted.find((c: { name: string }) => c.name === name).ids);
      const members = new Set(records.map((r: { id: string }, i: number) => (ids.has(r.id) ? i : -1)).filter((i: number) => i >= 0));
      const best = set.clusters({ minSize: 2 }).filter((c) => c.members.some((m) => members.has(m))).sort((a, b) => b.size - a.size)[0];
      expect(best.template, name).toContain(phrase);
    }
  });
});
