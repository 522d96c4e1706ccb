/**
 * neardup under Node.js (the "node" condition of the package's "." export): the API of index.ts,
 * with worker threads for `cluster` (and `campaigns`) in template mode on large inputs.
 */
import { setMinerThreads } from "./cluster.js";
import { minerThreads } from "./node/cluster-parallel.js";

setMinerThreads(minerThreads);

export * from "./index.js";
