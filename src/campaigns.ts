/**
 * Campaigns of a whole batch: `cluster()` over all the texts at once, then the counters the
 * streaming `Detector` keeps per cluster (accounts, first and last seen, rate, examples).
 *
 * Why both: the Detector must answer each prompt as it arrives, so in template mode it decides with
 * the statistics seen so far; a batch sees every text before deciding, and `cluster()` adds two
 * passes the stream cannot make (near-identical templates merged; templates sharing a long run of
 * wording across many variants joined). For a file of prompts (the CLI, the browser tool) the
 * batch answer is the better one.
 */
import { cluster, type ClusterOptions } from "./cluster.js";
import type { Campaign, PromptMeta } from "./detector.js";
import { templateOf, wordsIn, isFieldTemplate } from "./align.js";
import { checkOptions, describeValue, intOption } from "./text.js";

/** Options of `campaigns`: those of `cluster`, plus the Detector's flagging and examples. */
export interface CampaignsOptions extends ClusterOptions {
  /** A cluster is flagged from this size on; default 5. */
  minClusterSize?: number;
  /** Example texts kept per cluster (its first members); default 3. */
  maxExamples?: number;
}

/** What `campaigns` returns: the labels, and the clusters as the Detector reports them. */
export interface CampaignSet {
  /** labels[i]: the cluster id of texts[i] (as `cluster` gives them). */
  readonly labels: Int32Array;
  /** Clusters of at least `minSize` members (default 1), or only the flagged ones; largest first. */
  clusters(opts?: { minSize?: number; flaggedOnly?: boolean }): Campaign[];
  /** One cluster by id. */
  cluster(id: number): Campaign | undefined;
}

/** Below this many words a template is too thin to show (as in the Detector). */
const MIN_TEMPLATE_WORDS = 3;

/**
 * Clusters `texts` (`cluster(texts, opts)`, template mode by default) and reports each cluster as
 * a campaign: distinct accounts, the top 5 accounts, first and last seen, members per minute, the
 * first `maxExamples` texts. A cluster is flagged when it has `minClusterSize` members and (template
 * mode) a template with some wording. `metas[i]` describes `texts[i]`; a missing time counts as the
 * time of the call.
 * @example
 * const set = campaigns(prompts, metas, { minClusterSize: 5 });
 * for (const c of set.clusters({ flaggedOnly: true })) console.log(c.size, c.accounts, c.template);
 */
export function campaigns(texts: readonly string[], metas?: readonly (PromptMeta | undefined)[], opts?: CampaignsOptions): CampaignSet {
  if (!Array.isArray(texts)) throw new TypeError(`campaigns: texts must be an array of strings, got ${describeValue(texts)}`);
  if (metas !== undefined && (!Array.isArray(metas) || metas.length !== texts.length)) {
    throw new TypeError(`campaigns: metas must be an array with one entry per text (${texts.length}), got ${Array.isArray(metas) ? `${metas.length} entries` : describeValue(metas)}`);
  }
  const o = checkOptions(opts, ["mode", "threshold", "minSupport", "siblings", "threads", "minClusterSize", "maxExamples"], "campaigns") as CampaignsOptions;
  const minClusterSize = intOption(o.minClusterSize, "minClusterSize", 1, 2 ** 31 - 1, 5, "campaigns");
  const maxExamples = intOption(o.maxExamples, "maxExamples", 0, 1000, 3, "campaigns");
  const now = Date.now();
  const times = new Float64Array(texts.length);
  for (let i = 0; i < texts.length; i++) {
    const t = metas?.[i]?.time;
    if (t !== undefined && (typeof t !== "number" || !Number.isFinite(t))) {
      throw new TypeError(`campaigns: metas[${i}].time must be a finite number (ms), got ${describeValue(t)}`);
    }
    const a = metas?.[i]?.account;
    if (a !== undefined && typeof a !== "string") throw new TypeError(`campaigns: metas[${i}].account must be a string, got ${describeValue(a)}`);
    times[i] = t ?? now;
  }
  const { mode, threshold, minSupport, siblings, threads } = o;
  const { labels, clusters } = cluster(texts, {
    ...(mode !== undefined ? { mode } : {}), ...(threshold !== undefined ? { threshold } : {}),
    ...(minSupport !== undefined ? { minSupport } : {}), ...(siblings !== undefined ? { siblings } : {}),
    ...(threads !== undefined ? { threads } : {}),
  });
  const template = mode === "near-duplicate" ? null : true;
  const out: Campaign[] = clusters.map((c) => {
    const accounts = new Map<string, number>();
    let first = Infinity, last = -Infinity;
    for (const i of c.members) {
      const a = metas?.[i]?.account;
      if (a !== undefined) accounts.set(a, (accounts.get(a) ?? 0) + 1);
      if (times[i] < first) first = times[i];
      if (times[i] > last) last = times[i];
    }
    const examples = c.members.slice(0, maxExamples).map((i) => texts[i]);
    let t = c.template;
    if (template !== null && c.size >= 2 && wordsIn(t) < MIN_TEMPLATE_WORDS && !isFieldTemplate(t) && examples.length >= 2) t = templateOf(examples);
    return {
      id: c.id, size: c.size, members: c.members.slice(), template: t,
      accounts: accounts.size,
      topAccounts: [...accounts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 5),
      firstSeen: first, lastSeen: last,
      ratePerMinute: (c.size * 60000) / Math.max(last - first, 1000),
      examples,
    };
  });
  const flagged = (c: Campaign): boolean => c.size >= minClusterSize && (template === null || wordsIn(clusters[c.id].template) > 0);
  const sorted = out.slice().sort((a, b) => b.size - a.size || a.id - b.id);
  return {
    labels,
    clusters(q?: { minSize?: number; flaggedOnly?: boolean }): Campaign[] {
      const p = checkOptions(q, ["minSize", "flaggedOnly"], "CampaignSet.clusters");
      const flaggedOnly = p.flaggedOnly ?? false;
      if (typeof flaggedOnly !== "boolean") throw new TypeError("CampaignSet.clusters: flaggedOnly must be a boolean");
      const minSize = intOption(p.minSize, "minSize", 1, 2 ** 31 - 1, 1, "CampaignSet.clusters");
      return sorted.filter((c) => c.size >= minSize && (!flaggedOnly || flagged(c))).map(copy);
    },
    cluster(id: number): Campaign | undefined {
      return Number.isInteger(id) && id >= 0 && id < out.length ? copy(out[id]) : undefined;
    },
  };
}

function copy(c: Campaign): Campaign {
  return { ...c, members: c.members.slice(), topAccounts: c.topAccounts.map(([a, n]) => [a, n] as [string, number]), examples: c.examples.slice() };
}
