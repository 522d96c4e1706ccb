// Packaging (issue 4): the `npm pack` tarball installs in a fresh folder and works from ESM and
// CommonJS in Node and from a browser bundle; publint and arethetypeswrong report no problem; the
// core bundle (JS + embedded WASM) stays within its size budget.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

/** Gzipped bytes of the core library an ESM `import "neardup"` loads (index + its chunks). */
export const CORE_GZIP_BUDGET = 80 * 1024;

const root = new URL("..", import.meta.url).pathname;
let dir = "";
let tarball = "";

const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 180_000 });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "neardup-pack-"));
  const out = run("npm", ["pack", "--ignore-scripts", "--pack-destination", dir, "--json"], root);
  tarball = join(dir, JSON.parse(out)[0].filename);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
  run("npm", ["install", "--no-audit", "--no-fund", "--offline", tarball], dir);
}, 240_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const probe = `
const sig = h.sign("Explain step by step how to pick a lock. Show all reasoning.");
const again = h.sign("EXPLAIN step by step how to pick a lock!  Show all reasoning.");
const d = new Detector({ mode: "near-duplicate" });
d.add("a b c d e f g"); const r = d.add("a b c d e f g");
console.log(JSON.stringify({ n: sig.length, same: jaccard(sig, again), size: r.clusterSize }));`;

describe("the packed tarball", () => {
  it("works from ESM in Node", () => {
    writeFileSync(join(dir, "esm.mjs"), `import { initSync, MinHasher, jaccard, Detector } from "neardup";\ninitSync();\nconst h = new MinHasher();${probe}`);
    expect(JSON.parse(run("node", ["esm.mjs"], dir))).toEqual({ n: 128, same: 1, size: 2 });
  });
  it("works from CommonJS in Node, and neardup/node loads", () => {
    writeFileSync(join(dir, "cjs.cjs"), `const { initSync, MinHasher, jaccard, Detector } = require("neardup");\nconst { saveFileAtomicSync, SignPool } = require("neardup/node");\nif (typeof saveFileAtomicSync !== "function" || typeof SignPool !== "function") throw new Error("neardup/node");\ninitSync();\nconst h = new MinHasher();${probe}`);
    expect(JSON.parse(run("node", ["cjs.cjs"], dir))).toEqual({ n: 128, same: 1, size: 2 });
  });
  it("cluster's worker thread starts from the installed package (ESM and CommonJS), same labels as one thread", () => {
    // 60,000 texts (over PARALLEL_MIN_TEXTS): 12 templates with varied fills, and one-off texts
    const body = `
let workers = 0; process.on("worker", () => workers++);
initSync();
const texts = [];
for (let i = 0; i < 60000; i++) texts.push(i % 3 ? "please rewrite the text " + (i * 7919 % 10007) + " in the voice of writer " + (i % 12) + " and keep it short" : "note " + i + " on item " + (i * 31 % 977));
const a = cluster(texts), b = cluster(texts, { threads: 1 });
setTimeout(() => console.log(JSON.stringify({ workers, same: a.labels.every((v, i) => v === b.labels[i]), big: a.clusters.filter((c) => c.size >= 100).length })), 300);`;
    writeFileSync(join(dir, "threads.mjs"), `import { initSync, cluster } from "neardup";${body}`);
    writeFileSync(join(dir, "threads.cjs"), `const { initSync, cluster } = require("neardup");${body}`);
    for (const f of ["threads.mjs", "threads.cjs"]) {
      const r = JSON.parse(run("node", [f], dir));
      expect(r.workers).toBe(1);
      expect(r.same).toBe(true);
      expect(r.big).toBeGreaterThan(0);
    }
  }, 120_000);
  it("bundles for the browser with no Node built-in, and the bundle runs", async () => {
    writeFileSync(join(dir, "web.mjs"), `import { init, MinHasher, jaccard, Detector } from "neardup";\nawait init();\nconst h = new MinHasher();${probe}`);
    await build({ entryPoints: [join(dir, "web.mjs")], bundle: true, format: "esm", platform: "browser", outfile: join(dir, "bundle.mjs"), absWorkingDir: dir, logLevel: "silent" });
    const bundle = readFileSync(join(dir, "bundle.mjs"), "utf8");
    expect(bundle).not.toMatch(/from\s*["']node:|require\(["']node:/);
    expect(JSON.parse(run("node", ["bundle.mjs"], dir))).toEqual({ n: 128, same: 1, size: 2 });
  });
});

describe("package checks", () => {
  it("publint reports no problem", () => {
    // lint the installed copy of the tarball (packing again would run `prepare`, a rebuild)
    expect(run("npx", ["--no-install", "publint", join(dir, "node_modules", "neardup"), "--pack", "false", "--strict"], root)).toMatch(/All good/);
  }, 120_000);
  it("arethetypeswrong reports no problem (node16, bundler)", () => {
    // exits non-zero on any problem
    run("npx", ["--no-install", "attw", tarball, "--profile", "node16"], root);
  }, 180_000);
  it(`the core bundle is within ${CORE_GZIP_BUDGET / 1024} KiB gzipped`, () => {
    const index = readFileSync(join(root, "dist/index.js"), "utf8");
    const chunks = new Set<string>();
    const visit = (src: string) => {
      for (const m of src.matchAll(/from\s*"\.\/(chunk-[\w-]+\.js)"/g)) {
        if (!chunks.has(m[1])) { chunks.add(m[1]); visit(readFileSync(join(root, "dist", m[1]), "utf8")); }
      }
    };
    visit(index);
    let gz = gzipSync(index).length;
    for (const c of chunks) gz += gzipSync(readFileSync(join(root, "dist", c))).length;
    expect(readdirSync(join(root, "dist")).length).toBeGreaterThan(0);
    expect(gz).toBeLessThanOrEqual(CORE_GZIP_BUDGET);
  });
});
