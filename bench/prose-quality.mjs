// Template mode on real prose: prompt templates of the kind distillation campaigns send ("Give me a
// one-sentence summary of: {passage}", "Translate into {language}: {passage}", "{passage} TL;DR:")
// filled with real paragraphs, many passages reused under several templates, mixed with one-off
// paragraphs as organic prompts and with evasive rewrites of campaign prompts.
//
// The paragraphs are English technical prose read at run time from the documentation installed on
// this machine (README and *.md files under node_modules and /usr/share/doc; nothing is copied into
// the repository). The figures therefore depend on what is installed: the script prints how many
// paragraphs it found and a checksum of them, and needs at least 4,000.
//
// Reported: pairwise precision / recall / F1 over campaign and organic prompts (truth: same template;
// an organic prompt is its own group), each template's recall (share of its prompts in its largest
// cluster, and that cluster's purity), organic prompts in clusters of 5+, and per kind of evasion
// the share that lands in its campaign's cluster and the share that lands with its original.
//   node bench/prose-quality.mjs [--seed 7] [--organic 3000] [--passages 600] [--stream] [--set short]
// --passages: how many distinct passages fill {P} (600 by default; with 100, each passage is used
// about 11 times, under about 8 templates: payloads shared more heavily); --set short: the twelve
// templates of SHORT_TEMPLATES instead, whose wording is a few words or a label around a passage
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';


/** Paragraphs of prose (150-1,500 characters, mostly letters, no code, markup or lists, at most a fifth of
 * the words capitalised), deduplicated by their first 60 characters, root by root in path order. */
export function proseParagraphs(roots) {
  const files = [];
  const walk = (d) => {
    let es;
    try { es = readdirSync(d, { withFileTypes: true }); } catch { return; }
    for (const e of es) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/^readme(\.(md|txt))?(\.gz)?$/i.test(e.name) || /\.md(\.gz)?$/i.test(e.name)) files.push(p);
    }
  };
  for (const r of roots) { const at = files.length; walk(r); const mine = files.splice(at).sort(); files.push(...mine); }
  const seen = new Set(), out = [];
  for (const f of files) {
    let t;
    try { t = f.endsWith('.gz') ? gunzipSync(readFileSync(f)).toString('utf8') : readFileSync(f, 'utf8'); } catch { continue; }
    for (let p of t.replace(/```[\s\S]*?```/g, '\n\n').split(/\n\s*\n/)) {
      p = p.replace(/\s+/g, ' ').trim();
      if (p.length < 150 || p.length > 1500 || /^[#|>*-]/.test(p) || /[{}<>=]/.test(p)) continue;
      if ((p.match(/[a-z]/gi) ?? []).length < 0.7 * p.length || / \* /.test(p)) continue;
      // sentences, not lists of names or changelog entries: few capitalised words
      const words = p.split(' ');
      if (words.filter((w) => /^[A-Z]/.test(w)).length > 0.2 * words.length) continue;
      const k = p.slice(0, 60);
      if (!seen.has(k)) { seen.add(k); out.push(p); }
    }
  }
  return out;
}

/** Deterministic generator (mulberry32). */
function makeRng(seed) {
  let a = seed >>> 0;
  const next = () => { a = (a + 0x6d2b79f5) | 0; let t = Math.imul(a ^ (a >>> 15), 1 | a); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  return { next, pick: (xs) => xs[Math.floor(next() * xs.length)] };
}

export const TEMPLATES = [
  'Explain step by step how to {T}. Show all reasoning.',
  'Translate into {L}: {P}',
  'Given the following passage {P} answer the question {Q}',
  'Read this and answer: {P} {Q}',
  'Summarize the following text in three bullet points.\n\n{P}',
  'You are an expert technical writer. Rewrite the passage below so that a beginner can understand it, keeping every fact.\n\nPassage:\n{P}\n\nRewritten passage:',
  'Here is a document:\n"""\n{P}\n"""\nWrite five quiz questions about it with answers.',
  'Q: {Q}\nContext: {P}\nA: Let\'s think step by step.',
  'I will give you a text. Classify its sentiment as positive, negative or neutral and justify your answer in one sentence. Text: {P}',
  'Please solve the following problem and show your work: {Q}',
  'Act as a senior software engineer reviewing documentation. Point out unclear sentences in: {P}',
  'Write a detailed essay about {T}. Use at least five paragraphs.',
  'Extract all named entities (people, organisations, products) from the text below and return them as JSON.\n{P}',
  'Context information is below.\n---------------------\n{P}\n---------------------\nGiven the context information and not prior knowledge, answer the query.\nQuery: {Q}\nAnswer:',
  'What are the pros and cons of {T}? Answer in a table.',
  'Paraphrase this in {L} and then back-translate it into English: {P}',
  'Critique the following argument and list its logical fallacies: {P}',
  '{P}\n\nTL;DR:',
  '{P}\n\nBased on the text above, {Q}',
  'Generate a question that could be answered by the following passage, then answer it.\nPassage: {P}',
  'Write a Python function that can {T}. Include docstrings and type hints.',
  'Instruction: {Q}\nInput: {P}\nOutput:',
  'Respond only with valid JSON. Task: classify the topic of this passage into one of [technology, science, business, other]. Passage: {P}',
  'Give me a one-sentence summary of: {P}',
  'Teach me about {T} as if I were ten years old.',
];
/**
 * `--set short`: templates whose fixed wording is a few words, a closing label, or a line of its own
 * around a passage ("Summarize:\n\n{P}", "{P}\n\nTL;DR"), the kind where a template is hardest to
 * tell from free text that opens or closes alike. With the default 600 passages most prompts hold
 * a passage no other prompt holds.
 */
export const SHORT_TEMPLATES = [
  '{P}\n\nTL;DR:',
  '{P}\n\nTL;DR',
  '{P}\n\nSummarize the above.',
  '{P}\n\nSummarize the above in one sentence.',
  '{P}\n\nQuestion: {Q}\nAnswer:',
  '{P}\n\nWhat is the main idea of this passage?',
  'Summarize:\n\n{P}',
  'Translate to {L}:\n{P}',
  '{P}\n\nBased on the text above, {Q}',
  'Text: {P}\nSentiment:',
  '{P}\n\nExplain this like I am five.',
  'Rewrite this more formally:\n\n{P}',
];
const LANGUAGES = ['French', 'German', 'Spanish', 'Japanese', 'Korean', 'Italian', 'Portuguese', 'Russian', 'Chinese', 'Dutch', 'Polish', 'Turkish'];
const LOOK = { a: 'а', e: 'е', o: 'о', p: 'р', c: 'с', x: 'х', i: 'і', y: 'у', A: 'А', E: 'Е', O: 'О', P: 'Р', C: 'С', T: 'Т', H: 'Н', K: 'К', M: 'М', B: 'В' };
/** Evasive rewrites of a campaign prompt. */
export function evasions(rng) {
  return {
    'case/space/zero-width/full-width': (x) => x.split(' ').map((w) => {
      w = [...w].map((c) => (rng.next() < 0.5 ? c.toUpperCase() : c)).join('');
      if (rng.next() < 0.2) w = w.replace(/[A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
      if (rng.next() < 0.2) w = w.slice(0, 1) + '\u200b' + w.slice(1);
      return w;
    }).join(rng.next() < 0.5 ? '  ' : ' '),
    homoglyphs: (x) => x.replace(/[aeopcxiyAEOPCTHKMB]/g, (c) => (rng.next() < 0.3 ? LOOK[c] : c)),
    'two typos': (x) => { const w = x.split(' '); for (let k = 0; k < 2; k++) { const j = Math.floor(rng.next() * w.length), u = w[j]; if (u.length > 3) { const p = 1 + Math.floor(rng.next() * (u.length - 2)); w[j] = u.slice(0, p) + u[p + 1] + u[p] + u.slice(p + 2); } } return w.join(' '); },
    leetspeak: (x) => x.split(' ').map((w) => (rng.next() < 0.3 ? w.replace(/e/g, '3').replace(/o/g, '0') : w)).join(' '),
    punctuation: (x) => x.split(' ').map((w) => (rng.next() < 0.15 ? w + rng.pick([',', ';', ' -', '...', '!']) : w.replace(/[.,:]$/, ''))).join(' '),
    'random id and sign-off': (x) => `[ref ${Math.floor(rng.next() * 2 ** 32).toString(16)}] ${x}${rng.pick([' Thanks!', ' thx', ' Please be quick.', ''])}`,
    'line breaks': (x) => x.replace(/ /g, () => (rng.next() < 0.05 ? '\n' : ' ')).replace(/\n/g, () => (rng.next() < 0.5 ? ' ' : '\n\n')),
  };
}

/** The benchmark's prompts: campaign prompts, organic ones, evasive copies (after the rest). */
export function makeProseBench(paras, { seed = 7, organic = 3000, passages = 600, templates = TEMPLATES } = {}) {
  const rng = makeRng(seed);
  const first = (p) => p.match(/^[^.?!]{20,200}[.?!]/)?.[0] ?? p.slice(0, 100);
  const P = paras.slice(0, Math.min(600, passages)), ORG = paras.slice(600, 600 + organic);
  const Q = paras.slice(600 + organic, 1200 + organic).map(first);
  const T = paras.slice(1200 + organic, 1800 + organic).map((p) => p.split(' ').slice(2, 4 + Math.floor(rng.next() * 6)).join(' ').toLowerCase());
  const texts = [], truth = [];
  templates.forEach((tpl, t) => {
    const n = 40 + Math.floor(rng.next() * 60);
    for (let i = 0; i < n; i++) {
      texts.push(tpl.replace('{P}', () => rng.pick(P)).replace('{Q}', () => rng.pick(Q)).replace('{L}', () => rng.pick(LANGUAGES)).replace('{T}', () => rng.pick(T)));
      truth.push(t);
    }
  });
  const openers = ['Hey, ', 'Quick question: ', 'Hi! ', 'Please explain: '];
  ORG.forEach((p, i) => { texts.push((rng.next() < 0.3 ? rng.pick(openers) : '') + (rng.next() < 0.5 ? p : first(p))); truth.push(-1 - i); });
  const order = texts.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(rng.next() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
  const shuffled = order.map((i) => texts[i]), truths = order.map((i) => truth[i]);
  const ev = evasions(rng), kinds = Object.keys(ev);
  const evaded = [];
  shuffled.forEach((x, i) => { if (truths[i] >= 0 && rng.next() < 0.25) { const kind = kinds[evaded.length % kinds.length]; evaded.push({ of: i, kind, text: ev[kind](x) }); } });
  return { texts: shuffled, truth: truths, evaded };
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const { values } = parseArgs({ options: { seed: { type: 'string', default: '7' }, organic: { type: 'string', default: '3000' }, passages: { type: 'string', default: '600' }, stream: { type: 'boolean', default: false }, verbose: { type: 'boolean', default: false }, set: { type: 'string', default: 'default' } } });
  const paras = proseParagraphs([fileURLToPath(new URL('../node_modules', import.meta.url)), '/usr/share/doc']);
  let sum = 0;
  for (const p of paras) for (let i = 0; i < p.length; i++) sum = (Math.imul(sum, 31) + p.charCodeAt(i)) >>> 0;
  const organic = Number(values.organic);
  if (paras.length < 1800 + organic) {
    console.log(`found ${paras.length} paragraphs of prose; this benchmark needs ${1800 + organic}: skipping.`);
    process.exit(0);
  }
  const { initSync, cluster, Detector } = await import('../dist/index.js');
  initSync();
  const passages = Number(values.passages);
  if (!(passages >= 1 && passages <= 600)) { console.error('--passages must be 1..600'); process.exit(2); }
  if (values.set !== 'default' && values.set !== 'short') { console.error("--set must be 'default' or 'short'"); process.exit(2); }
  const TPLS = values.set === 'short' ? SHORT_TEMPLATES : TEMPLATES;
  const { texts, truth, evaded } = makeProseBench(paras, { seed: Number(values.seed), organic, passages, templates: TPLS });
  const all = texts.concat(evaded.map((e) => e.text));
  const t0 = performance.now();
  let labels;
  if (values.stream) {
    const d = new Detector({ mode: 'template' });
    all.forEach((t, i) => d.add(t, { time: i }));
    labels = new Int32Array(all.length).fill(-1);
    let c = 0;
    for (const cl of d.clusters()) { for (const m of cl.members) labels[m] = c; c++; }
    for (let i = 0; i < all.length; i++) if (labels[i] < 0) labels[i] = c++;
  } else labels = cluster(all, { mode: 'template' }).labels;
  const ms = performance.now() - t0;
  const N = texts.length;
  const inc = (m, k) => m.set(k, (m.get(k) ?? 0) + 1);
  const pairs = (m) => { let s = 0; for (const v of m.values()) s += (v * (v - 1)) / 2; return s; };
  const byP = new Map(), byT = new Map(), byB = new Map(), size = new Map();
  for (let i = 0; i < all.length; i++) inc(size, labels[i]);
  for (let i = 0; i < N; i++) { inc(byP, labels[i]); inc(byT, truth[i]); inc(byB, `${labels[i]}:${truth[i]}`); }
  const precision = pairs(byB) / pairs(byP), recall = pairs(byB) / pairs(byT);
  const campaign = truth.filter((t) => t >= 0).length;
  console.log(`prose: ${paras.length} paragraphs (checksum ${sum.toString(16)}); ${campaign} campaign prompts from ${TPLS.length} templates${values.set === 'short' ? ' (--set short)' : ''} over ${Math.min(600, passages)} passages, ${N - campaign} organic, ${evaded.length} evasions; ${values.stream ? 'Detector' : 'cluster()'} in ${ms.toFixed(0)} ms`);
  console.log(`pairwise precision ${precision.toFixed(4)}  recall ${recall.toFixed(4)}  F1 ${((2 * precision * recall) / (precision + recall)).toFixed(4)}`);
  let orgIn5 = 0, orgMax = 0;
  for (let i = 0; i < N; i++) if (truth[i] < 0 && size.get(labels[i]) >= 5) { orgIn5++; orgMax = Math.max(orgMax, size.get(labels[i])); }
  console.log(`organic prompts in clusters of 5+: ${orgIn5} (largest such cluster ${orgMax})`);
  console.log('\n| template | prompts | recall | purity |\n|---|---:|---:|---:|');
  const home = new Map();
  TPLS.forEach((tpl, t) => {
    const m = new Map();
    let n = 0;
    for (let i = 0; i < N; i++) if (truth[i] === t) { n++; inc(m, labels[i]); }
    const [best, count] = [...m].sort((a, b) => b[1] - a[1])[0];
    home.set(t, best);
    let own = 0, tot = 0;
    for (let i = 0; i < N; i++) if (labels[i] === best) { tot++; if (truth[i] === t) own++; }
    console.log(`| ${JSON.stringify(tpl.length > 60 ? tpl.slice(0, 57) + '...' : tpl).replace(/\|/g, '\\|')} | ${n} | ${(count / n).toFixed(2)} | ${(own / tot).toFixed(2)} |`);
  });
  if (values.verbose) {
    // the largest clusters that mix templates or hold organic prompts
    const members = new Map();
    for (let i = 0; i < N; i++) { let m = members.get(labels[i]); if (!m) members.set(labels[i], m = []); m.push(i); }
    const mixed = [...members.values()].filter((m) => m.length >= 5 && new Set(m.map((i) => (truth[i] >= 0 ? truth[i] : -1))).size > 1).sort((a, b) => b.length - a.length);
    for (const m of mixed.slice(0, 5)) {
      const c = new Map();
      for (const i of m) inc(c, truth[i] >= 0 ? `t${truth[i]}` : 'organic');
      console.log(`mixed cluster of ${m.length}: ${[...c].map(([k, v]) => `${k}:${v}`).join(' ')}; e.g. ${JSON.stringify(texts[m[0]].slice(0, 80))}`);
    }
  }
  console.log('\n| evasion | copies | in its campaign\'s cluster | with its original |\n|---|---:|---:|---:|');
  const ev = new Map();
  evaded.forEach((e, j) => {
    const r = ev.get(e.kind) ?? [0, 0, 0];
    r[0]++;
    if (labels[N + j] === home.get(truth[e.of])) r[1]++;
    if (labels[N + j] === labels[e.of]) r[2]++;
    ev.set(e.kind, r);
  });
  for (const [k, [n, a, b]] of ev) console.log(`| ${k} | ${n} | ${((100 * a) / n).toFixed(0)} % | ${((100 * b) / n).toFixed(0)} % |`);
}
