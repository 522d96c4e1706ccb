/**
 * The unit-check page (test/browser/unit.test.ts opens it in Chromium). `?variant=` picks what runs:
 *   main     the checks on the page's main thread, loading the kernel with `await init()`
 *   worker   the same checks in a module Web Worker, loading it with `initSync()`
 *   pool     the BrowserSignPool checks (run under /iso/ too, where the page is crossOriginIsolated)
 * The library is the built package, imported at run time from /dist/ (and the pool from /pool/),
 * never bundled into this page. Results go to `window.__neardupResults` and the page itself.
 */
import { CHECKS, POOL_CHECKS, runChecks, type Browser, type CheckResult, type Golden, type Neardup } from "./checks.js";

export interface PageResults {
  variant: string;
  env: { userAgent: string; crossOriginIsolated: boolean; hardwareConcurrency: number; simd: boolean | undefined };
  results: CheckResult[];
  fatal?: string;
}

declare global {
  interface Window { __neardupResults?: PageResults }
}

// under /iso/ every URL keeps the prefix, so every response carries the isolation headers
const base = location.pathname.startsWith("/iso/") ? "/iso" : "";
const variant = new URLSearchParams(location.search).get("variant") ?? "main";

async function importUrl<T>(url: string): Promise<T> {
  return (await import(/* @vite-ignore */ url)) as T;
}

async function run(): Promise<PageResults> {
  const golden = (await (await fetch(`${base}/fixtures/datasketch-golden.json`)).json()) as Golden;
  const nd = await importUrl<Neardup>(`${base}/dist/index.js`);
  const env = () => ({
    userAgent: navigator.userAgent, crossOriginIsolated: globalThis.crossOriginIsolated === true,
    hardwareConcurrency: navigator.hardwareConcurrency, simd: nd.usingSimd(),
  });
  if (variant === "main") {
    const results = await runChecks(CHECKS, { nd, golden, load: (o) => nd.init(o), loader: "init" });
    return { variant, env: env(), results };
  }
  if (variant === "worker") {
    const worker = new Worker(`${base}/unit/worker.js`, { type: "module" });
    const results = await new Promise<CheckResult[]>((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<{ results?: CheckResult[]; fatal?: string }>) =>
        e.data.results ? resolve(e.data.results) : reject(new Error(e.data.fatal));
      worker.onerror = (e) => reject(new Error(`the check worker failed: ${e.message}`));
      worker.postMessage({ golden, base });
    });
    worker.terminate();
    return { variant, env: env(), results };
  }
  if (variant === "pool") {
    const browser = await importUrl<Browser>(`${base}/pool/browser.js`);
    const results = await runChecks(POOL_CHECKS, { nd, golden, browser, load: (o) => nd.init(o), loader: "init" });
    return { variant, env: env(), results };
  }
  throw new Error(`unknown variant ${variant}`);
}

function show(r: PageResults): void {
  const failed = r.results.filter((x) => !x.ok).length;
  document.getElementById("status")!.textContent = r.fatal ?? `${r.results.length - failed} passed, ${failed} failed (${variant})`;
  const list = document.getElementById("results")!;
  for (const x of r.results) {
    const li = document.createElement("li");
    li.textContent = `${x.ok ? "ok" : "FAILED"}: ${x.name}${x.error ? ` — ${x.error}` : ""}${x.info ? ` (${x.info})` : ""}`;
    list.append(li);
  }
}

run().then(
  (r) => { window.__neardupResults = r; show(r); },
  (err: unknown) => {
    const r: PageResults = {
      variant, results: [], fatal: `the page could not run the checks: ${(err as Error)?.stack ?? String(err)}`,
      env: { userAgent: navigator.userAgent, crossOriginIsolated: globalThis.crossOriginIsolated === true, hardwareConcurrency: navigator.hardwareConcurrency, simd: undefined },
    };
    window.__neardupResults = r;
    show(r);
  },
);
