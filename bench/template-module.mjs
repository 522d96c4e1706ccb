// Loads the template miner for the bench scripts: from the built package when it exports it,
// otherwise straight from src/template.ts (bundled on the fly with esbuild, a tsup dependency).
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function loadTemplateModule() {
  try {
    if (process.env.NEARDUP_FROM_SRC) throw new Error('from src');
    const m = await import('../dist/index.js');
    if (typeof m.mineTemplates === 'function' && typeof m.TemplateMiner === 'function') return m;
  } catch { /* not built */ }
  const { build } = await import('esbuild');
  const outfile = join(tmpdir(), `neardup-template-${process.pid}.mjs`);
  await build({
    entryPoints: [fileURLToPath(new URL('../src/template.ts', import.meta.url))],
    bundle: true, format: 'esm', platform: 'neutral', outfile, logLevel: 'warning',
  });
  return import(pathToFileURL(outfile).href);
}
