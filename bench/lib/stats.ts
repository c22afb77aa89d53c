/** Summary statistics of repeated bench runs: median and spread (min/max), never a mean alone. */

/** A measured figure: the median of `runs` repetitions and their spread. */
export interface Figure {
  median: number;
  min: number;
  max: number;
  runs: number;
  samples: number[];
}

/** Median of a non-empty list (mean of the two middle values for an even count). */
export const median = (values: readonly number[]): number => {
  if (values.length === 0) throw new Error('median of an empty list');
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Summarises the samples of one measure into a Figure. */
export const summarize = (samples: readonly number[]): Figure => ({
  median: median(samples),
  min: Math.min(...samples),
  max: Math.max(...samples),
  runs: samples.length,
  samples: [...samples],
});
