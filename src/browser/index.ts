/**
 * Browser helpers (`neardup/browser`): signing on every core with Web Workers. The core API
 * (`neardup`) already runs in browsers; this adds what needs workers.
 */
export { BrowserSignPool, signParallel, type BrowserSignPoolOptions } from "./pool.js";
