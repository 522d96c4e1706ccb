import { it } from 'vitest';
import { initSync, shingles } from '../src/index';
import { kernel } from '../src/kernel';
import * as ref from './reference';
function dump(text: string, simd: boolean) {
  initSync({ simd });
  const k = kernel(); k.invalidate();
  k.exports.configure(4, 1, 1, 0, 0, 0, 1);
  const len = k.writeText(text, 0, 'word', false);
  k.docs[0] = 0; k.docs[1] = len;
  const n = k.exports.signDocs(1);
  const o = k.OUT >>> 3;
  return Array.from(k.u64.subarray(o, o + n));
}
it('debug', () => {
  const keys = ref.deriveKeys(1, 1);
  const enc = new TextEncoder();
  const name = (h: bigint) => { for (const w of ['aaaaaaaaaaaaaaaa', 'aaaaaaaaaaaaaaa', 'b', 'ab','a', 'aab', 'aa']) for (let l = 1; l <= w.length; l++) if (ref.shingleHash([enc.encode(w.slice(0, l))], keys) === h) return JSON.stringify(w.slice(0, l)); return h.toString(16); };
  for (const t of ['aaaaaaaaaaaaaaaa', 'aaaaaaaaaaaaaaaab', 'aaaaaaaaaaaaaaa b', '  aaaaaaa aaaaaa ']) {
    console.log(JSON.stringify(t), 'simd:', dump(t, true).map(name).join(','), ' scalar:', dump(t, false).map(name).join(','));
  }
  initSync({ simd: true });
});
