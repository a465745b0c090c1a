// K-means over behaviour features: columns standardised so no unit dominates, k-means++ seeds drawn from the
// caller's random (same seed, same clusters), and k chosen by the silhouette on a sample.
import { clusterFeatureNames } from "./cluster-features";
import type { ClusterModel } from "./types";

type Rows = readonly (readonly number[])[];

/** Each column to mean 0 and (population) deviation 1. A constant column keeps deviation 1: no division by zero. */
export function standardise(rows: Rows): { means: number[]; deviations: number[]; rows: number[][] } {
  const width = rows[0]?.length ?? 0;
  const means = new Array<number>(width).fill(0);
  for (const row of rows) for (let column = 0; column < width; column += 1) means[column] += row[column] / rows.length;
  const squares = new Array<number>(width).fill(0);
  for (const row of rows) for (let column = 0; column < width; column += 1) squares[column] += (row[column] - means[column]) ** 2;
  const deviations = squares.map((sum) => Math.sqrt(sum / rows.length) || 1);
  return { means, deviations, rows: rows.map((row) => standardiseRow(row, means, deviations)) };
}

export function standardiseRow(row: readonly number[], means: readonly number[], deviations: readonly number[]): number[] {
  return row.map((value, column) => (value - means[column]) / deviations[column]);
}

function squaredDistance(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let column = 0; column < a.length; column += 1) sum += (a[column] - b[column]) ** 2;
  return sum;
}

/** The nearest centroid's index; on a tie, the lowest index, so the result never depends on float noise in order. */
function nearestIndex(row: readonly number[], centroids: Rows): number {
  let best = 0;
  let bestDistance = Infinity;
  centroids.forEach((centroid, index) => {
    const distance = squaredDistance(row, centroid);
    if (distance < bestDistance) [best, bestDistance] = [index, distance];
  });
  return best;
}

function distinctRowCount(rows: Rows): number {
  return new Set(rows.map((row) => row.join(","))).size;
}

/** k-means++: the first seed uniformly, each next one with probability proportional to its squared distance to the nearest seed. */
function seedCentroids(rows: Rows, k: number, random: () => number): number[][] {
  const centroids = [[...rows[Math.floor(random() * rows.length)]]];
  const distances = Float64Array.from(rows, (row) => squaredDistance(row, centroids[0]));
  while (centroids.length < k) {
    const total = distances.reduce((sum, distance) => sum + distance, 0);
    let target = random() * total;
    // The last row still away from every seed: where float rounding leaves a sliver of the target unspent.
    let chosen = distances.findLastIndex((distance) => distance > 0);
    for (let index = 0; index < rows.length; index += 1) {
      target -= distances[index];
      if (target < 0 && distances[index] > 0) {
        chosen = index;
        break;
      }
    }
    centroids.push([...rows[chosen]]);
    rows.forEach((row, index) => (distances[index] = Math.min(distances[index], squaredDistance(row, centroids[centroids.length - 1]))));
  }
  return centroids;
}

/** The mean of each cluster's rows; a cluster left empty keeps its centroid. */
function meansOf(rows: Rows, assignment: Int32Array, previous: Rows): number[][] {
  const sums = previous.map((centroid) => new Array<number>(centroid.length).fill(0));
  const counts = new Array<number>(previous.length).fill(0);
  rows.forEach((row, index) => {
    const cluster = assignment[index];
    counts[cluster] += 1;
    row.forEach((value, column) => (sums[cluster][column] += value));
  });
  return sums.map((sum, cluster) => (counts[cluster] === 0 ? [...previous[cluster]] : sum.map((value) => value / counts[cluster])));
}

/**
 * Lloyd's algorithm from k-means++ seeds, until no row changes cluster or maxIterations rounds. k is clamped to the
 * number of distinct rows (at least 1): more centroids than distinct points would leave some empty. The assignment
 * is always each row's nearest returned centroid.
 */
export function kMeans(rows: Rows, k: number, random: () => number, maxIterations = 50): { centroids: number[][]; assignment: Int32Array; iterations: number } {
  if (rows.length === 0) throw new Error("K-means needs at least one row.");
  const clusters = Math.max(1, Math.min(Math.floor(k), distinctRowCount(rows)));
  let centroids = seedCentroids(rows, clusters, random);
  const assignment = Int32Array.from(rows, (row) => nearestIndex(row, centroids));
  let iterations = 0;
  while (iterations < maxIterations) {
    iterations += 1;
    centroids = meansOf(rows, assignment, centroids);
    let changed = false;
    rows.forEach((row, index) => {
      const nearest = nearestIndex(row, centroids);
      if (nearest !== assignment[index]) [assignment[index], changed] = [nearest, true];
    });
    if (!changed) break;
  }
  return { centroids, assignment, iterations };
}

/** The within-cluster sum of squared distances: what Lloyd's algorithm lowers, and how restarts are compared. */
export function inertia(rows: Rows, centroids: Rows, assignment: ArrayLike<number>): number {
  let total = 0;
  rows.forEach((row, index) => (total += squaredDistance(row, centroids[assignment[index]])));
  return total;
}

/**
 * The best of several K-means runs (lowest inertia). One run from k-means++ seeds can still settle in a local
 * optimum, merging two real clusters and splitting another; a few restarts make that unlikely (scikit-learn's
 * n_init does the same).
 */
export function bestKMeans(rows: Rows, k: number, random: () => number, attempts = 4): ReturnType<typeof kMeans> {
  let best = kMeans(rows, k, random);
  let bestInertia = inertia(rows, best.centroids, best.assignment);
  for (let attempt = 1; attempt < attempts; attempt += 1) {
    const candidate = kMeans(rows, k, random);
    const candidateInertia = inertia(rows, candidate.centroids, candidate.assignment);
    if (candidateInertia < bestInertia) [best, bestInertia] = [candidate, candidateInertia];
  }
  return best;
}

/**
 * The mean silhouette, -1 to 1: for each row, how much nearer it is to its own cluster than to the next nearest.
 * A row alone in its cluster scores 0 (Rousseeuw's convention); fewer than two non-empty clusters score 0.
 * O(n²): callers pass a sample.
 */
export function silhouetteScore(rows: Rows, assignment: ArrayLike<number>, k: number): number {
  const size = rows.length;
  const clusterSizes = new Array<number>(k).fill(0);
  for (let index = 0; index < size; index += 1) clusterSizes[assignment[index]] += 1;
  if (clusterSizes.filter((count) => count > 0).length < 2) return 0;
  // Sum of distances from each row to each cluster's rows, filled for both rows of every pair at once.
  const sums = new Float64Array(size * k);
  for (let first = 0; first < size; first += 1) {
    for (let second = first + 1; second < size; second += 1) {
      const distance = Math.sqrt(squaredDistance(rows[first], rows[second]));
      sums[first * k + assignment[second]] += distance;
      sums[second * k + assignment[first]] += distance;
    }
  }
  let total = 0;
  for (let index = 0; index < size; index += 1) {
    const own = assignment[index];
    if (clusterSizes[own] === 1) continue;
    const within = sums[index * k + own] / (clusterSizes[own] - 1);
    let nearestOther = Infinity;
    for (let cluster = 0; cluster < k; cluster += 1) {
      if (cluster !== own && clusterSizes[cluster] > 0) nearestOther = Math.min(nearestOther, sums[index * k + cluster] / clusterSizes[cluster]);
    }
    const larger = Math.max(within, nearestOther);
    if (larger > 0) total += (nearestOther - within) / larger;
  }
  return total / size;
}

/** Up to `size` rows drawn without replacement (a partial Fisher-Yates shuffle of the indices); all rows when fewer. */
function sampleOf(rows: Rows, size: number, random: () => number): Rows {
  if (rows.length <= size) return rows;
  const indices = Int32Array.from(rows, (_, index) => index);
  for (let position = 0; position < size; position += 1) {
    const swap = position + Math.floor(random() * (rows.length - position));
    [indices[position], indices[swap]] = [indices[swap], indices[position]];
  }
  return Array.from(indices.subarray(0, size), (index) => rows[index]);
}

export interface ClusterOptions {
  /** A fixed k; otherwise the k in kRange with the best silhouette on the sample. */
  k?: number;
  /** Inclusive; default [2, 8]. */
  kRange?: [number, number];
  /** Rows the silhouettes are measured on (they cost O(n²)); default 2,000. */
  sampleSize?: number;
  /** Names of the columns; default clusterFeatureNames. */
  features?: readonly string[];
}

/** The k with the best silhouette on the sample; the smaller k on a tie. Fewer distinct rows than k bound the range. */
function bestK(sample: Rows, [lowest, highest]: [number, number], random: () => number): number {
  const distinct = distinctRowCount(sample);
  let best = Math.max(1, Math.min(lowest, distinct));
  let bestScore = -Infinity;
  for (let k = Math.max(2, lowest); k <= Math.min(highest, distinct); k += 1) {
    const fit = bestKMeans(sample, k, random);
    const score = silhouetteScore(sample, fit.assignment, fit.centroids.length);
    if (score > bestScore) [best, bestScore] = [k, score];
  }
  return best;
}

/**
 * Standardises the rows, picks k (unless given) by silhouette on a sample, fits on all rows, and measures the
 * fitted model's silhouette on the sample (null with a single cluster).
 */
export function fitClusterModel(rows: Rows, random: () => number, options: ClusterOptions = {}): ClusterModel {
  if (rows.length === 0) throw new Error("Clustering needs at least one row.");
  const features = options.features ?? clusterFeatureNames;
  if (features.length !== rows[0].length) throw new Error(`The rows have ${rows[0].length} columns but ${features.length} feature names: pass options.features.`);
  const standardised = standardise(rows);
  const sample = sampleOf(standardised.rows, options.sampleSize ?? 2_000, random);
  const k = options.k ?? bestK(sample, options.kRange ?? [2, 8], random);
  const { centroids } = bestKMeans(standardised.rows, k, random);
  const sampleAssignment = sample.map((row) => nearestIndex(row, centroids));
  return {
    features: [...features],
    means: standardised.means,
    deviations: standardised.deviations,
    centroids,
    silhouette: centroids.length < 2 ? null : silhouetteScore(sample, sampleAssignment, centroids.length),
  };
}

/** The cluster of a member's raw features: standardised with the model's own means and deviations first. */
export function nearestCentroid(features: readonly number[], model: ClusterModel): number {
  return nearestIndex(standardiseRow(features, model.means, model.deviations), model.centroids);
}
