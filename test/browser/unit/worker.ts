/**
 * The unit checks in a module Web Worker, where the kernel is loaded with `initSync()` (browsers
 * allow synchronous compilation off the main thread). Started by page.ts (?variant=worker).
 */
import { CHECKS, runChecks, type Golden, type Neardup } from "./checks.js";

const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<{ golden: Golden; base: string }>) => void) | null;
  postMessage(m: unknown): void;
};

scope.onmessage = async (e) => {
  try {
    const nd = (await import(/* @vite-ignore */ `${e.data.base}/dist/index.js`)) as Neardup;
    const results = await runChecks(CHECKS, {
      nd, golden: e.data.golden, loader: "initSync",
      load: async (o) => nd.initSync(o),
    });
    scope.postMessage({ results });
  } catch (err) {
    scope.postMessage({ fatal: (err as Error)?.stack ?? String(err) });
  }
};
