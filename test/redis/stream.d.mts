export function rng(seed: number): () => number;
export function makeStream(o?: { campaigns?: number; noise?: number; minSize?: number; maxSize?: number; words?: number; seed?: number; t0?: number; stepMs?: number }): {
  texts: string[];
  metas: { id: string; account: string; time: number }[];
  planted: Map<number, number>;
};
