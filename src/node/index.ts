/** Node.js helpers (`neardup/node`): writing snapshots atomically, signing on every core. */
export * from "./save.js";
export { SignPool, signParallel, type SignPoolOptions } from "./parallel.js";
export { clusterParallel, PARALLEL_MIN_TEXTS } from "./cluster-parallel.js";
