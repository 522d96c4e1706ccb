/**
 * `cluster` with its signing spread over every core (Node.js): near-duplicate mode signs the texts
 * with a `SignPool`, then clusters exactly as `cluster` does (same signatures, same result).
 * Template mode does not sign, so it simply runs `cluster`.
 */
import { cluster, clusterWith, type Cluster, type ClusterOptions } from "../cluster.js";
import { describeValue } from "../text.js";
import { signParallel, type SignPoolOptions } from "./parallel.js";

/** Inputs from this many texts on are signed in parallel; smaller ones are not worth the workers' start-up. */
export const PARALLEL_MIN_TEXTS = 50_000;

/**
 * @example const { clusters } = await clusterParallel(prompts, { mode: "near-duplicate" }, { workers: 2 });
 */
export async function clusterParallel(
  texts: readonly string[], opts?: ClusterOptions, pool?: SignPoolOptions & { minTexts?: number },
): Promise<{ labels: Int32Array; clusters: Cluster[] }> {
  if (!Array.isArray(texts)) throw new TypeError(`clusterParallel: texts must be an array of strings, got ${describeValue(texts)}`);
  const { minTexts = PARALLEL_MIN_TEXTS, ...poolOpts } = pool ?? {};
  if ((opts?.mode ?? "template") !== "near-duplicate" || texts.length < minTexts) return cluster(texts, opts);
  const sigs = await signParallel(texts, {}, poolOpts);
  return clusterWith(texts, opts, sigs);
}
