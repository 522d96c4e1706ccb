// Grouping Accuracy of template mode on Loghub-2k (16 systems, `Content` grouped by `EventId`).
// GA (Zhu et al., "Tools and Benchmarks for Automated Log Parsing", ICSE-SEIP 2019): a line is
// correct iff its predicted group has exactly the members of its true group.
// The data is under a research licence and is never copied into this repository; it is read from
// ../shared/data/loghub-2k (or $LOGHUB_DIR). Usage: node bench/loghub.mjs [--verbose]
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = process.env.LOGHUB_DIR ?? fileURLToPath(new URL('../../shared/data/loghub-2k', import.meta.url));
if (!existsSync(DIR)) {
  console.log(`loghub-2k not found at ${DIR}; skipping (set LOGHUB_DIR to run).`);
  process.exit(0);
}

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF. */
export function parseCsv(text) {
  const rows = [];
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') { if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false; } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field.length || row.length) { row.push(field); rows.push(row); }
  return rows;
}

export function groupingAccuracy(pred, truth) {
  const predSize = new Map(), trueSize = new Map(), both = new Map();
  for (let i = 0; i < pred.length; i++) {
    predSize.set(pred[i], (predSize.get(pred[i]) ?? 0) + 1);
    trueSize.set(truth[i], (trueSize.get(truth[i]) ?? 0) + 1);
    const k = `${pred[i]}\u0000${truth[i]}`;
    both.set(k, (both.get(k) ?? 0) + 1);
  }
  let correct = 0;
  for (let i = 0; i < pred.length; i++) {
    const n = both.get(`${pred[i]}\u0000${truth[i]}`);
    if (n === predSize.get(pred[i]) && n === trueSize.get(truth[i])) correct++;
  }
  return correct / pred.length;
}

const { initSync, cluster } = await import('../dist/index.js');
initSync();
// what users get: cluster(texts, { mode: 'template' })
const mineTemplates = (texts) => { const r = cluster(texts, { mode: 'template' }); return { labels: r.labels, templates: r.clusters.map((c) => c.template) }; };
const files = readdirSync(DIR).filter((f) => f.endsWith('_structured_corrected.csv')).sort();
let sum = 0;
console.log('system       lines  events  groups     GA   ms');
for (const f of files) {
  const rows = parseCsv(readFileSync(`${DIR}/${f}`, 'utf8'));
  const h = rows[0], ci = h.indexOf('Content'), ei = h.indexOf('EventId');
  const data = rows.slice(1).filter((r) => r.length > Math.max(ci, ei));
  const contents = data.map((r) => r[ci]), events = data.map((r) => r[ei]);
  const t0 = performance.now();
  const { labels, templates } = mineTemplates(contents);
  const ms = performance.now() - t0;
  const ga = groupingAccuracy(labels, events);
  sum += ga;
  const name = f.split('_')[0];
  console.log(`${name.padEnd(12)} ${String(data.length).padStart(5)} ${String(new Set(events).size).padStart(7)} ${String(templates.length).padStart(7)}  ${ga.toFixed(3)} ${ms.toFixed(0).padStart(4)}`);
}
console.log(`mean GA over ${files.length} systems: ${(sum / files.length).toFixed(4)}  (target >= 0.90; Drain about 0.865)`);
