// Two costs the template miner's worker split is built around (see README, "Template mode,
// 2026-12-07"), each as a ratio within one run:
//  1. writing fresh memory for the first time against writing it again (page faults);
//  2. handing a block of texts to another thread as a cloned array of strings against writing
//     them as ASCII bytes into a reused buffer (what `packTexts` does).
//   node bench/memory.bench.mjs [--mb 300] [--texts 200000]
import { parseArgs } from "node:util";
import { MessageChannel } from "node:worker_threads";
import { makeCorpus } from "./corpus.mjs";

const { values } = parseArgs({ options: { mb: { type: "string", default: "300" }, texts: { type: "string", default: "200000" } } });
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

// 1. first touch: a fresh SharedArrayBuffer (as the token pool) filled block by block, then again
const words = Number(values.mb) * 2 ** 18, block = 2_400_000;
const src = new Uint32Array(block).map((_, i) => Math.imul(i, 0x9e3779b1) >>> 0);
const first = [], again = [];
for (let run = 0; run < 3; run++) {
  const dst = new Uint32Array(new SharedArrayBuffer(words * 4));
  for (const out of [first, again]) {
    const t0 = performance.now();
    for (let o = 0; o + block <= words; o += block) dst.set(src, o);
    out.push(performance.now() - t0);
  }
}
console.log(`writing ${values.mb} MB: first touch ${median(first).toFixed(0)} ms, again ${median(again).toFixed(0)} ms ` +
  `(median of 3; ratio ${(median(first) / median(again)).toFixed(1)}; first touch ${((median(first) - median(again)) * 1000 / (words / 1024)).toFixed(1)} µs a 4 KiB page)`);

// 2. texts to another thread: structured clone of string arrays against ASCII bytes
const texts = makeCorpus(Number(values.texts), 11);
let chars = 0;
for (const t of texts) chars += t.length;
const enc = new TextEncoder(), bytes = new Uint8Array(new SharedArrayBuffer(chars + 1024));
for (const t of texts) enc.encodeInto(t, bytes); // (flattens the generated strings first, for both)
const cloned = [], packed = [];
const { port1, port2 } = new MessageChannel();
for (let run = 0; run < 3; run++) {
  let t0 = performance.now();
  for (let b = 0; b < texts.length; b += 32768) port1.postMessage(texts.slice(b, b + 32768));
  cloned.push(performance.now() - t0);
  t0 = performance.now();
  for (let b = 0; b < texts.length; b += 32768) {
    let pos = 0;
    for (let i = b; i < Math.min(texts.length, b + 32768); i++) pos += enc.encodeInto(texts[i], bytes.subarray(pos, pos + texts[i].length)).written;
  }
  packed.push(performance.now() - t0);
}
port1.close(); port2.close();
console.log(`${texts.length.toLocaleString()} texts (${(chars / 1e6).toFixed(0)}M characters) to another thread: cloned strings ` +
  `${(median(cloned) * 1e6 / chars).toFixed(2)} ns a character, ASCII bytes ${(median(packed) * 1e6 / chars).toFixed(2)} ns ` +
  `(median of 3; ratio ${(median(cloned) / median(packed)).toFixed(1)})`);
