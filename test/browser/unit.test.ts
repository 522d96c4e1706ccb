// The library's unit checks (test/browser/unit/checks.ts) in headless Chromium, against the built
// package (dist/index.js): on a page's main thread with `await init()`, in a Web Worker with
// `initSync()`, and BrowserSignPool with transferred buffers and, on a crossOriginIsolated page,
// with a SharedArrayBuffer. Every check becomes one test here. Needs `npm run build` first.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { CHECKS, POOL_CHECKS, type CheckResult } from "./unit/checks";
import type { PageResults } from "./unit/page";
import { ROOT, browserGate, launchChromium, serveStatic, type Chromium, type StaticServer } from "./harness";

const gate = browserGate();

const VARIANTS = [
  { id: "main", title: "in Chromium, on the main thread (await init())", path: "/unit/index.html?variant=main", checks: CHECKS },
  { id: "worker", title: "in Chromium, in a Web Worker (initSync())", path: "/unit/index.html?variant=worker", checks: CHECKS },
  { id: "pool", title: "BrowserSignPool in Chromium, transferred ArrayBuffers", path: "/unit/index.html?variant=pool", checks: POOL_CHECKS },
  { id: "pool-shared", title: "BrowserSignPool in Chromium, SharedArrayBuffer (crossOriginIsolated page)", path: "/iso/unit/index.html?variant=pool", checks: POOL_CHECKS },
] as const;

const pages = new Map<string, PageResults>();
let poolSource = "";

if (gate.skip) {
  describe("browser unit checks", () => {
    console.warn(`neardup: ${gate.reason}`);
    it.skip(gate.reason, () => {});
  });
} else {
  let server: StaticServer | undefined;
  let browser: Chromium | undefined;
  let tmp = "";

  beforeAll(async () => {
    if (!existsSync(join(ROOT, "dist/index.js"))) throw new Error("dist/index.js is missing: run `npm run build` before the browser tests");
    tmp = mkdtempSync(join(tmpdir(), "neardup-unit-"));
    const common = { bundle: true, format: "esm", platform: "browser", target: "es2022", logLevel: "warning" } as const;
    // the check page and worker: only the checks are bundled; the library is loaded from /dist/
    await build({ ...common, entryPoints: { page: join(ROOT, "test/browser/unit/page.ts"), worker: join(ROOT, "test/browser/unit/worker.ts") }, outdir: join(tmp, "unit") });
    // neardup/browser: the built dist/browser.js once tsup emits it (or NEARDUP_POOL_DIR's), else
    // the same two entries built here
    let poolDir = process.env.NEARDUP_POOL_DIR ?? join(ROOT, "dist");
    poolSource = join(poolDir, "browser.js");
    if (!existsSync(join(poolDir, "browser.js")) || !existsSync(join(poolDir, "browser-sign-worker.js"))) {
      poolDir = join(tmp, "pool");
      poolSource = "src/browser (bundled by this test; dist/browser.js not built)";
      await build({
        ...common, splitting: true, outdir: poolDir,
        entryPoints: { browser: join(ROOT, "src/browser/index.ts"), "browser-sign-worker": join(ROOT, "src/browser/sign-worker.ts") },
      });
    }
    server = await serveStatic([
      { prefix: "/dist/", dir: join(ROOT, "dist") },
      { prefix: "/pool/", dir: poolDir },
      { prefix: "/unit/", dir: join(tmp, "unit") },
      { prefix: "/unit/index.html", dir: join(ROOT, "test/browser/unit/index.html") },
      { prefix: "/fixtures/", dir: join(ROOT, "test/fixtures") },
    ], { isolatedPrefix: "/iso" });
    browser = await launchChromium();
    for (const v of VARIANTS) { // one at a time, so the pool's timing is not shared with another page
      const page = await browser!.context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(server!.origin + v.path);
      await page.waitForFunction(() => window.__neardupResults !== undefined, undefined, { timeout: 90_000 });
      const r = (await page.evaluate(() => window.__neardupResults))!;
      if (errors.length > 0 && r.fatal === undefined) r.fatal = `uncaught errors on the page: ${errors.join("; ")}`;
      pages.set(v.id, r);
      await page.close();
    }
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (tmp !== "") rmSync(tmp, { recursive: true, force: true });
  });

  for (const v of VARIANTS) {
    describe(v.title, () => {
      it("the page ran every check", () => {
        const r = pages.get(v.id);
        expect(r, "no results from the page").toBeDefined();
        expect(r!.fatal).toBeUndefined();
        expect(r!.results.map((x) => x.name)).toEqual(v.checks.map((c) => c.name));
        if (v.id === "pool-shared") expect(r!.env.crossOriginIsolated).toBe(true);
        if (v.id === "pool") expect(r!.env.crossOriginIsolated).toBe(false);
        const notes = r!.results.filter((x) => x.info).map((x) => `${x.name}: ${x.info}`);
        console.log(`[${v.id}] ${r!.env.userAgent.match(/(?:Headless)?Chrome\/[\d.]+/)?.[0]}, simd ${String(r!.env.simd)}, ` +
          `crossOriginIsolated ${String(r!.env.crossOriginIsolated)}${v.id.startsWith("pool") ? `, pool from ${poolSource}` : ""}` +
          `${notes.length > 0 ? `\n  ${notes.join("\n  ")}` : ""}`);
      });
      for (const check of v.checks) {
        it(check.name, () => {
          const result: CheckResult | undefined = pages.get(v.id)?.results.find((x) => x.name === check.name);
          expect(result, "the check did not run").toBeDefined();
          if (!result!.ok) throw new Error(result!.error);
        });
      }
    });
  }
}
