// Cut points over a population and the score a value earns against them: quintiles (1-5) for RFM,
// percentiles (0-100) for the value score. Nearest-rank on the sorted values, so every edge is a real member's value.

/**
 * `count` ascending edges that cut the sorted values into `count + 1` equal shares: edge k is the value at
 * nearest rank ceil(k × n / (count + 1)). Fewer than two values give no edges: one member has no spread to cut,
 * and the scores below then rate it the best of its population.
 */
export function edgesOfSorted(sorted: ArrayLike<number>, count: number): number[] {
  const size = sorted.length;
  if (size < 2) return [];
  const edges: number[] = [];
  for (let k = 1; k <= count; k += 1) {
    const rank = Math.max(1, Math.ceil((k * size) / (count + 1)));
    edges.push(sorted[rank - 1]);
  }
  return edges;
}

/** Numeric ascending sort in a typed array: a million plain numbers sort far faster than an array of them. */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** The 20th, 40th, 60th and 80th percentiles. */
export function quintileBreakpoints(values: readonly number[]): number[] {
  return edgesOfSorted(sortedCopy(values), 4);
}

/**
 * How many of the ascending edges lie strictly below the value: equal values always count the same, so ties share
 * a score. A binary search: every member of a full run is placed against 99 percentile edges.
 */
export function edgesBelow(value: number, edges: readonly number[]): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (edges[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * 1-5. Higher is better (frequency, monetary): 1 + the edges below the value. Lower is better (recency days):
 * 5 − the edges below. Without edges (a population of one, or none) the value scores 5: nothing is better than it.
 */
export function quintileScore(value: number, edges: readonly number[], higherIsBetter: boolean): number {
  if (edges.length === 0) return 5;
  const below = edgesBelow(value, edges);
  return higherIsBetter ? 1 + below : 5 - below;
}

/** 99 edges by default: the 1st to the 99th percentile. */
export function percentileBreakpoints(values: readonly number[], count = 99): number[] {
  return edgesOfSorted(sortedCopy(values), count);
}

/**
 * 0-100 integer: the share of edges strictly below the value, so the bottom share ranks 0, the top share 100 and
 * equal values rank the same. Without edges the value ranks 100, as a quintile scores 5.
 */
export function percentileRank(value: number, edges: readonly number[]): number {
  if (edges.length === 0) return 100;
  return Math.round((edgesBelow(value, edges) * 100) / edges.length);
}

