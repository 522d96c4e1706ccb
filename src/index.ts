/**
 * neardup: near-duplicate and templated-text detection. MinHash and SimHash kernels in
 * WebAssembly behind a small, synchronous-after-init TypeScript API.
 */
export { init, initSync, usingSimd, type InitOptions } from "./kernel.js";
export { MinHasher, jaccard, type MinHasherOptions, type MinHashAlgorithm } from "./minhash.js";
export { SimHasher, hamming, type SimHasherOptions } from "./simhash.js";
export { optimalParams } from "./params.js";
export { normalizeText, type ShingleOptions } from "./text.js";
export { shingles, tokens } from "./shingles.js";
export { LshIndex, type LshIndexOptions, type LshQueryOptions } from "./lsh.js";
export { SimHashIndex, type SimHashIndexOptions } from "./simhash-index.js";
export { SnapshotError, type SnapshotProblem } from "./persist.js";
export { cluster, type Cluster, type ClusterMode, type ClusterOptions } from "./cluster.js";
export { Detector, type Campaign, type DetectorOptions, type PromptMeta } from "./detector.js";
export { campaigns, type CampaignSet, type CampaignsOptions } from "./campaigns.js";
export { TemplateMiner, mineTemplates, type TemplateMinerOptions } from "./template.js";
export { templateOf } from "./align.js";
