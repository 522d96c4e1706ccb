#!/usr/bin/env node
// Builds the browser tool (web/) into web/dist/: a static page that needs no server logic.
//
//   node scripts/build-web.mjs            writes web/dist/{index.html, style.css, app.js, scan-worker.js}
//   buildWeb({ outdir, minify })          the same from a script or a test (returns the files and sizes)
//
// app.js (the page) is an ES module; scan-worker.js (parsing and detection, with the WebAssembly
// kernel embedded as base64) is a classic worker script, so the page runs in every current browser.
// Both are bundled from source with esbuild (the CLI's input readers and report writer included),
// for the browser platform: a Node.js import anywhere in the graph fails the build. Needs
// src/wasm.generated.ts (`node scripts/build-wasm.mjs`).

import { build } from "esbuild";
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const WEB_DIST = join(root, "web", "dist");

export async function buildWeb({ outdir = WEB_DIST, minify = true } = {}) {
  if (!existsSync(join(root, "src", "wasm.generated.ts"))) {
    throw new Error("src/wasm.generated.ts is missing: run `node scripts/build-wasm.mjs` (or `npm run build`) first");
  }
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const common = {
    bundle: true,
    platform: "browser",
    target: ["es2022", "chrome100", "firefox110", "safari16"],
    minify,
    sourcemap: false,
    legalComments: "none",
    logLevel: "warning",
    metafile: true,
  };
  await Promise.all([
    build({ ...common, entryPoints: { app: join(root, "web/src/main.ts") }, format: "esm", outdir }),
    build({ ...common, entryPoints: { "scan-worker": join(root, "web/src/scan-worker.ts") }, format: "iife", outdir }),
  ]);
  copyFileSync(join(root, "web/index.html"), join(outdir, "index.html"));
  copyFileSync(join(root, "web/src/style.css"), join(outdir, "style.css"));
  return ["index.html", "style.css", "app.js", "scan-worker.js"].map((f) => ({ file: join(outdir, f), bytes: statSync(join(outdir, f)).size }));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const t0 = performance.now();
  const files = await buildWeb();
  for (const { file, bytes } of files) console.log(`${relative(root, file).padEnd(28)} ${(bytes / 1024).toFixed(1).padStart(8)} KiB`);
  console.log(`built web/dist in ${Math.round(performance.now() - t0)} ms; serve it with any static file server (browsers run its module script and worker over http(s), not file://)`);
}
