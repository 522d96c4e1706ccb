// cluster() in near-duplicate mode, and readable templates.
import { describe, it, expect, beforeAll } from "vitest";
import { initSync, shingles } from "../src/index";
import { joinLongRuns, joinInstances, cluster, recallBanding } from "../src/cluster";
import { templateOf, commonPairs, isHollow, wordsIn, isFieldTemplate, fieldTemplateOf } from "../src/align";
import fc from "fast-check";

beforeAll(() => initSync());

function exactJaccard(a: string, b: string): number {
  const x = new Set(shingles(a)), y = new Set(shingles(b));
  let inter = 0;
  for (const s of x) if (y.has(s)) inter++;
  return inter / (x.size + y.size - inter);
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("cluster, near-duplicate mode", () => {
  const rnd = mulberry32(3);
  const word = () => "w" + Math.floor(rnd() * 5000);
  const base = Array.from({ length: 60 }, () => Array.from({ length: 40 }, word));
  const texts: string[] = [];
  for (const b of base) {
    texts.push(b.join(" "));
    for (let k = 0; k < 4; k++) {
      const copy = b.slice();
      const edits = Math.floor(rnd() * 10);
      for (let e = 0; e < edits; e++) copy[Math.floor(rnd() * copy.length)] = word();
      texts.push(copy.join(" "));
    }
  }

  it("puts exactly the pairs of connected components of Jaccard >= threshold together", () => {
    const { labels, clusters } = cluster(texts, { mode: "near-duplicate", threshold: 0.8 });
    // brute force components
    const n = texts.length;
    const parent = Array.from({ length: n }, (_, i) => i);
    const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x])));
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (exactJaccard(texts[i], texts[j]) >= 0.8) parent[find(i)] = find(j);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        expect(labels[i] === labels[j], `${i} ${j}`).toBe(find(i) === find(j));
      }
    }
    expect(clusters.reduce((s, c) => s + c.size, 0)).toBe(n);
    for (const c of clusters) for (const m of c.members) expect(labels[m]).toBe(c.id);
  });

  it("gives every text a cluster; singletons have their own id", () => {
    const { labels, clusters } = cluster(["alpha beta gamma delta", "one two three four", "alpha beta gamma delta"], { mode: "near-duplicate" });
    expect(Array.from(labels)).toEqual([0, 1, 0]);
    expect(clusters.map((c) => c.size)).toEqual([2, 1]);
  });

  it("a bucket of 100,000 identical prompts is linear, not quadratic", () => {
    const same = new Array(100_000).fill("Explain step by step how to pick a lock. Show all reasoning.");
    const t0 = performance.now();
    const { clusters } = cluster(same, { mode: "near-duplicate" });
    expect(clusters.length).toBe(1);
    expect(clusters[0].size).toBe(100_000);
    expect(performance.now() - t0).toBeLessThan(20_000); // a quadratic pass would take hours
  });

  it("rejects bad input with errors naming the problem", () => {
    expect(() => cluster("x" as unknown as string[])).toThrow(/texts must be an array/);
    expect(() => cluster(["a", 3 as unknown as string])).toThrow(/texts\[1\] must be a string/);
    expect(() => cluster(["a"], { threshold: NaN })).toThrow(/threshold must be a number in \(0, 1\]/);
    expect(() => cluster(["a"], { mode: "exact" as "template" })).toThrow(/'template' or 'near-duplicate'/);
    expect(() => cluster(["a"], { treshold: 0.5 } as object)).toThrow(/unknown option 'treshold'/);
    expect(() => cluster(["a"], { siblings: "separate" as "split" })).toThrow(/siblings must be 'merge' or 'split'/);
  });

  it("candidate banding keeps pairs at the threshold with probability >= 0.995", () => {
    for (const t of [0.5, 0.7, 0.8, 0.9, 0.95]) {
      const { bands, rows } = recallBanding(t);
      expect(bands * rows).toBeLessThanOrEqual(128);
      expect(1 - Math.pow(1 - Math.pow(t, rows), bands)).toBeGreaterThanOrEqual(0.995);
    }
  });
});

describe("templates", () => {
  it("mark differing parts with <*>, in order, at start, middle and end", () => {
    expect(templateOf(["Translate into French: good morning", "Translate into French: see you soon"])).toBe("translate into french: <*>");
    expect(templateOf(["PacketResponder 1 for block blk_1 terminating", "PacketResponder 0 for block blk_2 terminating"]))
      .toBe("packetresponder <*> for block <*> terminating");
    expect(templateOf(["alice says hello", "bob says hello"])).toBe("<*> says hello");
    expect(templateOf(["a b c", "a b c extra", "x a b c"])).toBe("<*> a b c <*>");
    expect(templateOf(["same text", "same text"])).toBe("same text");
  });
  it("LCS pairs are a common subsequence of maximal length", () => {
    const a = "a b c a b b a".split(" "), b = "c b a b a c".split(" ");
    const pairs = commonPairs(a, b)!;
    expect(pairs.length).toBe(4);
    for (const [i, j] of pairs) expect(a[i]).toBe(b[j]);
    for (let k = 1; k < pairs.length; k++) {
      expect(pairs[k][0]).toBeGreaterThan(pairs[k - 1][0]);
      expect(pairs[k][1]).toBeGreaterThan(pairs[k - 1][1]);
    }
  });
});

describe("cluster, template mode: campaigns that vary in several places", () => {
  beforeAll(() => initSync());
  const rnd = mulberry32(41);
  const pick = <T,>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
  const nonce = (n: number) => Array.from({ length: n }, () => String.fromCharCode(97 + Math.floor(rnd() * 26))).join("");
  const QUESTIONS = Array.from({ length: 30 }, (_, i) => [`which ${nonce(6)} ${nonce(5)} is the ${nonce(7)} of ${nonce(6)} number ${i}`, [nonce(5), nonce(6), nonce(5), nonce(7)]] as const);

  it("a fixed instruction with a question and four options drawn from a list is one campaign", () => {
    const texts: string[] = [], campaign: boolean[] = [];
    for (let i = 0; i < 300; i++) {
      const [q, opts] = pick(QUESTIONS);
      const order = [...opts].sort(() => rnd() - 0.5);
      texts.push(`Answer with only the letter of the correct option and nothing else. Question ${1 + Math.floor(rnd() * 5000)}: ${q}? ` +
        order.map((o, k) => `${"ABCD"[k]}) ${o}`).join(" "));
      campaign.push(true);
    }
    for (let i = 0; i < 300; i++) { texts.push(`${pick(["hi", "hello", "hey"])} ${nonce(5)} ${nonce(7)} ${nonce(4)} ${nonce(6)} ${nonce(8)} please`); campaign.push(false); }
    const { labels } = cluster(texts, { mode: "template" });
    const campaignLabels = new Set(labels.filter((_, i) => campaign[i]));
    expect(campaignLabels.size).toBe(1);
    const l = [...campaignLabels][0];
    expect(labels.filter((x, i) => x === l && !campaign[i]).length).toBe(0);
  });

  it("templates that share a reused (hence fixed-looking) passage are not joined through it", () => {
    const passages = Array.from({ length: 4 }, () => Array.from({ length: 24 }, () => nonce(5)).join(" "));
    const frames = [
      (p: string) => `Summarize the following passage in one sentence: ${p} Thank you.`,
      (p: string) => `List every named entity that appears in this text: ${p}`,
      (p: string) => `${p} Translate the text above into German and keep the tone.`,
    ];
    const texts: string[] = [], truth: number[] = [];
    frames.forEach((f, t) => { for (let i = 0; i < 40; i++) { texts.push(f(passages[i % 4])); truth.push(t); } });
    const { labels } = cluster(texts, { mode: "template" });
    // no cluster mixes two templates
    const tOf = new Map<number, number>();
    labels.forEach((l, i) => { if (tOf.has(l)) expect(tOf.get(l)).toBe(truth[i]); else tOf.set(l, truth[i]); });
  });
});

describe("joinLongRuns: a single text or a small group joins a group but never bridges two", () => {
  const words = (seed: number, n: number) => Array.from({ length: n }, (_, i) => `w${seed}x${i}`).join(" ");
  it("five single texts that hold an instruction's run and one passage each join their instruction's group only", () => {
    // reps 0..4: groups of five instructions (each a campaign's template); reps 5..14: single texts,
    // each an instruction followed by one shared passage (the skeleton kept it)
    const INSTR = [0, 1, 2, 3, 4].map((k) => words(k, 12)), P = words(99, 14);
    const reps: string[] = [], size: number[] = [];
    for (const ins of INSTR) { reps.push(`${ins} <*>`); size.push(40); }
    for (let j = 0; j < 10; j++) { reps.push(`${INSTR[j % 5]} ${P}`); size.push(j < 5 ? 1 : 3); }
    // four more groups hold the instruction's run, so that it is a hot window (5+ holders)
    for (let j = 0; j < 5; j++) for (let c = 0; c < 4; c++) { reps.push(`${INSTR[j]} <*> c${c}`); size.push(3); }
    const root = new Int32Array(reps.length).map((_, i) => i);
    joinLongRuns(reps, reps.map((_, i) => i), root, Int32Array.from(size));
    for (let j = 0; j < 10; j++) expect(root[5 + j], `single text or small group ${j}`).toBe(root[j % 5]);
    expect(new Set([0, 1, 2, 3, 4].map((k) => root[k])).size).toBe(5);
  });
  it("groups that share a run join as before (small ones through the largest)", () => {
    const shared = words(7, 12);
    const reps = Array.from({ length: 8 }, (_, i) => `${shared} <*> v${i}`);
    const root = new Int32Array(reps.length).map((_, i) => i);
    joinLongRuns(reps, reps.map((_, i) => i), root, Int32Array.from([9, 8, 7, 6, 5, 2, 1, 1]));
    expect(new Set(root).size).toBe(1);
  });
});

describe("joinInstances: a group whose template is a much larger group's template with its slots filled joins it", () => {
  const SUM = "summarize the following text in three bullet points.";
  const P = "you write code to describe your command line interface. commander parses the arguments.";
  const run = (reps: string[], size: number[], root = new Int32Array(reps.length).map((_, i) => i)): Int32Array => {
    joinInstances(reps, reps.map((_, i) => i), root, Int32Array.from(size));
    return root;
  };
  it("joins instances at either end and inside, and leaves what does not match alone", () => {
    const reps = [
      `${SUM} <*>`, // 0: the template (40 texts)
      `${SUM} ${P}`, // 1: it, with a passage kept as wording (5 texts): joins 0
      "given the passage <*> answer the question <*> in one line.", // 2: a template with slots inside (60)
      `given the passage ${P} answer the question what does it parse? in one line.`, // 3: joins 2
      `given the passage <*> here is a note <*> answer the question <*> in one line.`, // 4: slots of its own in a slot: joins 2
      `${P} ${SUM}`, // 5: the words in another order: no
      `summarize the following text in three points. ${P}`, // 6: a word of 0 missing: no
      `${SUM}`, // 7: nothing in the slot: no
      `given the passage ${P} answer the question what does it parse?`, // 8: 2's last words missing: no
    ];
    const root = run(reps, [40, 5, 60, 3, 2, 5, 5, 5, 5]);
    expect(root[1]).toBe(0);
    expect(root[3]).toBe(2);
    expect(root[4]).toBe(2);
    for (const r of [5, 6, 7, 8]) expect(root[r], `rep ${r}`).toBe(r);
    expect(root[0]).toBe(0);
    expect(root[2]).toBe(2);
  });
  it("needs a template of 6+ words, a group of 10+ texts with 4x the instance's, and an instance that nothing joined yet", () => {
    const thin = run(["you are a <*>", "you are a senior engineer. review this code."], [100, 5]);
    expect(thin[1]).toBe(1); // "you are a <*>": 3 words
    const close = run([`${SUM} <*>`, `${SUM} ${P}`], [19, 5]);
    expect(close[1]).toBe(1); // 19 < 4 x 5
    const enough = run([`${SUM} <*>`, `${SUM} ${P}`], [20, 5]);
    expect(enough[1]).toBe(0);
    const small = run([`${SUM} <*>`, `${SUM} ${P}`], [9, 1]);
    expect(small[1]).toBe(1); // 9 texts: a phrase a few free texts share, not a campaign
    expect(run([`${SUM} <*>`, `${SUM} ${P}`], [10, 1])[1]).toBe(0);
    // rep 1 already belongs with rep 2 (an earlier join): neither moves
    const joined = run([`${SUM} <*>`, `${SUM} ${P}`, `<*> ${P}`], [40, 2, 3], Int32Array.from([0, 2, 2]));
    expect(Array.from(joined)).toEqual([0, 2, 2]);
  });
  it("takes the largest of the templates that match", () => {
    const root = run([`${SUM} <*>`, `summarize the following text <*> bullet points. <*>`, `${SUM} ${P}`], [30, 50, 4]);
    expect(root[2]).toBe(1);
    expect(root[0]).toBe(0); // the two templates are not joined to each other
  });
});

describe("cluster, template mode: adversarial families (variants of one template)", () => {
  beforeAll(() => initSync());
  it("synonyms in a few places of a long-payload template stay one campaign, and families stay apart", () => {
    const rnd = mulberry32(77);
    const pick = <T,>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
    const W = "time people water words number sound table river music north king money light ocean paper".split(" ");
    const para = (n: number) => Array.from({ length: n }, () => pick(W) + pick(["", "ing", "s", "ed", "er"])).join(" ");
    const pool = Array.from({ length: 200 }, () => para(40 + Math.floor(rnd() * 80)));
    const fams = [
      () => `You are a meticulous translator. Translate the ${pick(["document", "text", "content"])} below into ${pick(["French", "German", "Spanish"])} and ${pick(["keep", "preserve", "maintain"])} the original formatting. ${pick(pool)}`,
      () => `${pick(pool)} Based on the above, ${pick(["write", "draft", "compose"])} ${pick(["three", "five", "ten"])} quiz questions with answers.`,
    ];
    const texts: string[] = [], truth: number[] = [];
    fams.forEach((f, k) => { for (let i = 0; i < 300; i++) { texts.push(f()); truth.push(k); } });
    for (let i = 0; i < 300; i++) { texts.push(para(8 + Math.floor(rnd() * 30)) + "?"); truth.push(-1 - i); }
    const { labels } = cluster(texts, { mode: "template" });
    for (let k = 0; k < fams.length; k++) {
      const ls = new Set(labels.filter((_, i) => truth[i] === k));
      expect(ls.size).toBe(1);
      const l = [...ls][0];
      expect(labels.filter((x, i) => x === l && truth[i] !== k).length).toBe(0);
    }
    // asked to, the variants come apart
    const split = cluster(texts, { mode: "template", siblings: "split" });
    expect(new Set(split.labels.filter((_, i) => truth[i] === 0)).size).toBeGreaterThan(1);
  });
});

describe("cluster, template mode: different templates with a common opening", () => {
  beforeAll(() => initSync());
  it("'You are a helpful assistant. Summarize ...' and 'You are a senior software engineer. Review ...' stay apart", async () => {
    // the benchmark corpus (50 templates, 20 % of prompts): before the guard on family places,
    // these two became one cluster "you are a <*>"
    const { makeCorpus } = await import("../bench/corpus.mjs");
    const texts: string[] = makeCorpus(20000, 1);
    const { labels } = cluster(texts, { mode: "template" });
    const kind = (t: string) => (t.startsWith("You are a helpful assistant.") ? 1 : t.startsWith("You are a senior software engineer.") ? 2 : 0);
    const seen = new Map<number, number>();
    let pairs = 0;
    for (let i = 0; i < texts.length; i++) {
      const k = kind(texts[i]);
      if (k === 0) continue;
      const o = seen.get(labels[i]);
      if (o === undefined) seen.set(labels[i], k);
      else { expect(o).toBe(k); pairs++; }
    }
    expect(pairs).toBeGreaterThan(50);
  });
});

describe("isHollow", () => {
  it("is wordsIn(t) === 0 on any string of slots, spaces and pieces of them", () => {
    const piece = fc.constantFrom("<*>", " ", "  ", "a", "<", "*", ">", "<*", "*>", "\n", "<*>x");
    fc.assert(fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
      const t = parts.join("");
      expect(isHollow(t)).toBe(wordsIn(t) === 0);
    }), { numRuns: 2000 });
    expect(isHollow("")).toBe(true);
    expect(isHollow("<*> <*>")).toBe(true);
    expect(isHollow("<*> by <*>")).toBe(false);
  });
});

/** "Instruction: {Q}\nInput: {P}\nOutput:" prompts over ordinary words (deterministic), and the generator's random source. */
function fieldPrompts(seed: number, count: number, vocabulary: number) {
  const words = ("the of and a to in is river mountain city market council harvest winter engine ledger signal village bridge " +
    "archive meadow merchant captain letter season garden harbor machine").split(" ").slice(0, vocabulary);
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const text = (n: number) => Array.from({ length: n }, () => words[Math.floor(next() * words.length)]).join(" ");
  return { prompts: Array.from({ length: count }, () => `Instruction: ${text(8)}\nInput: ${text(30)}\nOutput:`), next };
}

describe("cluster, template mode: field formats", () => {
  it("names a field format by the labels its prompts share, the middle ones too, not by their payloads' common words", () => {
    const { prompts } = fieldPrompts(5, 30, 19);
    const { clusters } = cluster(prompts);
    expect(clusters.length).toBe(1);
    expect(clusters[0].template).toBe("instruction: <*> input: <*> output:");
  });

  it("random case, doubled spaces, zero-width characters and full-width letters and colons keep a field prompt in its campaign", () => {
    const { prompts: base, next } = fieldPrompts(9, 80, 29);
    const evade = (x: string) => x.split(/( |\n)/).map((w) => (w === " " ? (next() < 0.5 ? "  " : " ") : w === "\n" ? w
      : [...w].map((c) => (next() < 0.5 ? c.toUpperCase() : c)).join("")
        .replace(/^(.)(.+)$/, (m, a, b) => (next() < 0.2 ? a + "\u200b" + b : m))
        .replace(/[A-Za-z:]/g, (c) => (next() < 0.2 ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)))).join("");
    const evaded = base.slice(0, 40).map(evade);
    expect(evaded.some((t) => t.includes("\uff1a"))).toBe(true); // a full-width colon is among them
    const { labels, clusters } = cluster(base.concat(evaded));
    for (let i = 0; i < 120; i++) expect(labels[i]).toBe(labels[0]);
    expect(clusters[labels[0]].template).toBe("instruction: <*> input: <*> output:");
  });
});

describe("field templates", () => {
  it("closing labels, labels around slots and an opening label alone", () => {
    expect(isFieldTemplate("<*> tl;dr:")).toBe(true);
    expect(isFieldTemplate("instruction: <*> output:")).toBe(true);
    expect(isFieldTemplate("summarize: <*>")).toBe(true);
    expect(isFieldTemplate("summarize: <*> now")).toBe(false);
    expect(isFieldTemplate("please summarize: <*>")).toBe(false);
    expect(isFieldTemplate("<*> summarize:  <*>")).toBe(false);
    expect(fieldTemplateOf(["Q: 2+2?\nA:", "Q: capital of France?\nA:"])).toBe("q: <*> a:");
    expect(fieldTemplateOf(["Summarize:\n\nThe cat sat.", "Summarize:\n\nRain fell on the roof."])).toBe("summarize: <*>");
    expect(fieldTemplateOf(["The cat sat.\n\nTL;DR:", "Rain fell.\n\nTL;DR:"])).toBe("<*> tl;dr:");
  });

  it("cluster() shows a group of opening-label prompts by its label", () => {
    const words = "amber basil cedar dune ember fern grove harbor iris jade kelp lotus maple nectar olive pearl quartz reed sage thyme".split(" ");
    let s = 7;
    const next = () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 4294967296; };
    const free = () => Array.from({ length: 25 }, () => words[Math.floor(next() * words.length)] + String.fromCharCode(97 + Math.floor(next() * 26))).join(" ");
    const texts = Array.from({ length: 30 }, () => `Summarize:\n\n${free()}`).concat(Array.from({ length: 30 }, free));
    const { labels, clusters } = cluster(texts, { mode: "template" });
    const g = labels[2];
    // (of 30: one opens with words that another text repeats by chance in this small vocabulary)
    expect(clusters[g].size).toBeGreaterThanOrEqual(28);
    expect(clusters[g].template).toBe("summarize: <*>");
    for (let i = 30; i < 60; i++) expect(labels[i]).not.toBe(g);
    expect(clusters[g].members.every((i) => i < 30)).toBe(true);
  });
});
