import fc from "fast-check";
import {
  bestKMeans,
  clusterFeatureNames,
  clusterFeatures,
  type ClusterModel,
  computeBreakpoints,
  defaultScoringSettings,
  fitClusterModel,
  inertia,
  kMeans,
  type MemberActivity,
  nearestCentroid,
  rawFigures,
  scoreMember,
  silhouetteScore,
  standardise,
} from "../../src/engine";

/** mulberry32: a tiny seeded generator, so every run draws the same points and seeds. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const blobCentres = [
  [0, 0],
  [20, 20],
  [-20, 20],
];

/** `perBlob` points around each centre, within ±2 on each axis; blob i's points are rows i×perBlob onwards. */
function blobs(seed: number, perBlob = 50): number[][] {
  const random = mulberry32(seed);
  return blobCentres.flatMap(([x, y]) => Array.from({ length: perBlob }, () => [x + 4 * (random() - 0.5), y + 4 * (random() - 0.5)]));
}

const blobOf = (row: number, perBlob = 50) => Math.floor(row / perBlob);
const xy = { features: ["x", "y"] };

/** True when two labellings split the rows the same way, whatever number each gives a group. */
function samePartition(first: ArrayLike<number>, second: ArrayLike<number>): boolean {
  const firstToSecond = new Map<number, number>();
  const secondToFirst = new Map<number, number>();
  for (let index = 0; index < first.length; index += 1) {
    if ((firstToSecond.get(first[index]) ?? second[index]) !== second[index]) return false;
    if ((secondToFirst.get(second[index]) ?? first[index]) !== first[index]) return false;
    firstToSecond.set(first[index], second[index]);
    secondToFirst.set(second[index], first[index]);
  }
  return true;
}

const now = new Date("2026-11-23T08:00:00.000Z");
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);

/** A member who joined 400 days ago and has done nothing since, with the fields a case sets. */
function memberActivity(overrides: Partial<MemberActivity> = {}): MemberActivity {
  return {
    memberId: 1, joinedAt: daysAgo(400), birthday: null, city: null, cityTier: null, firstOrderAt: null, lastOrderAt: null, lastLoginAt: null,
    ordersTotal: 0, spendTotal: 0, ordersInWindow: 0, spendInWindow: 0, orders30: 0, orders90: 0, ordersPrevious90: 0,
    logins30: 0, logins90: 0, loginsPrevious90: 0, sessionSeconds30: 0, interactions30: 0, interactions90: 0,
    complaints90: 0, refunds90: 0, refundAmountInWindow: 0, lastCsat: null, lastNps: null,
    ...overrides,
  };
}

describe("standardise", () => {
  it("centres each column on 0 with deviation 1", () => {
    const result = standardise([
      [1, 10],
      [3, 30],
      [5, 50],
    ]);
    expect(result.means).toEqual([3, 30]);
    expect(result.deviations[0]).toBeCloseTo(Math.sqrt(8 / 3), 12);
    expect(result.rows[0][0]).toBeCloseTo(-2 / Math.sqrt(8 / 3), 12);
    expect(result.rows[1]).toEqual([0, 0]);
  });

  it("keeps deviation 1 for a constant column instead of dividing by zero", () => {
    expect(
      standardise([
        [1, 5],
        [3, 5],
      ]),
    ).toEqual({ means: [2, 5], deviations: [1, 1], rows: [[-1, 0], [1, 0]] });
  });
});

describe("kMeans", () => {
  it("recovers three well-separated blobs", () => {
    const rows = blobs(1);
    const { centroids, assignment } = kMeans(rows, 3, mulberry32(7));
    expect(centroids).toHaveLength(3);
    expect(samePartition(assignment, rows.map((_, index) => blobOf(index)))).toBe(true);
    for (const centroid of centroids) {
      const nearestCentre = Math.min(...blobCentres.map(([x, y]) => Math.hypot(centroid[0] - x, centroid[1] - y)));
      expect(nearestCentre).toBeLessThan(0.5);
    }
  });

  it("recovers them from any seed with a few restarts (one run alone can settle in a local optimum)", () => {
    const rows = blobs(2);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        expect(samePartition(bestKMeans(rows, 3, mulberry32(seed)).assignment, rows.map((_, index) => blobOf(index)))).toBe(true);
      }),
      // A fixed seed: the same 200 seeds of the generator on every run, so the suite is reproducible.
      { numRuns: 200, seed: 20261123 },
    );
  });

  it("keeps the restart with the lowest inertia", () => {
    const rows = blobs(6);
    const best = bestKMeans(rows, 3, mulberry32(5), 6);
    // The same six runs one by one, from the same generator.
    const random = mulberry32(5);
    const inertias = Array.from({ length: 6 }, () => {
      const fit = kMeans(rows, 3, random);
      return inertia(rows, fit.centroids, fit.assignment);
    });
    expect(inertia(rows, best.centroids, best.assignment)).toBe(Math.min(...inertias));
  });

  it("gives the same result for the same seed", () => {
    const rows = blobs(3);
    expect(kMeans(rows, 4, mulberry32(11))).toEqual(kMeans(rows, 4, mulberry32(11)));
  });

  it("assigns every row to its nearest returned centroid", () => {
    const rows = blobs(4);
    const { centroids, assignment } = kMeans(rows, 5, mulberry32(3), 2);
    rows.forEach((row, index) => {
      const distances = centroids.map((centroid) => Math.hypot(row[0] - centroid[0], row[1] - centroid[1]));
      expect(distances[assignment[index]]).toBe(Math.min(...distances));
    });
  });

  it("stops after maxIterations rounds, or sooner when nothing moves", () => {
    expect(kMeans(blobs(5), 3, mulberry32(1), 1).iterations).toBe(1);
    expect(kMeans(blobs(5), 3, mulberry32(1)).iterations).toBeLessThan(50);
  });

  it("handles a single row", () => {
    expect(kMeans([[3, 4]], 3, mulberry32(1))).toEqual({ centroids: [[3, 4]], assignment: Int32Array.from([0]), iterations: 1 });
  });

  it("clamps k to the number of distinct rows", () => {
    const { centroids, assignment } = kMeans([[1], [1], [2]], 5, mulberry32(1));
    expect(centroids.map((centroid) => centroid[0]).sort()).toEqual([1, 2]);
    expect(assignment[0]).toBe(assignment[1]);
    expect(assignment[0]).not.toBe(assignment[2]);
    expect(kMeans([[7, 7], [7, 7], [7, 7]], 3, mulberry32(1)).centroids).toEqual([[7, 7]]);
    expect(kMeans([[1], [2]], 0, mulberry32(1)).centroids).toHaveLength(1);
  });

  it("throws without rows", () => {
    expect(() => kMeans([], 2, mulberry32(1))).toThrow("at least one row");
  });
});

describe("silhouetteScore", () => {
  it.each([
    { name: "a perfect split of coincident points", rows: [[0], [0], [10], [10]], assignment: [0, 0, 1, 1], score: 1 },
    // a = 0.1 for every row; b = 10.05 for the outer rows, 9.95 for the inner ones.
    { name: "two tight, distant pairs", rows: [[0], [0.1], [10], [10.1]], assignment: [0, 0, 1, 1], score: (2 * (1 - 0.1 / 10.05) + 2 * (1 - 0.1 / 9.95)) / 4 },
    // Row 0: a = 2, b = 10: 0.8. Row 1: a = 2, b = 8: 0.75. Row 2 is alone: 0.
    { name: "a singleton cluster counts 0", rows: [[0], [2], [10]], assignment: [0, 0, 1], score: (0.8 + 0.75) / 3 },
    // Each row is 10 from its cluster mate and on average 5 from the other cluster: (5 − 10) / 10 each.
    { name: "the wrong split", rows: [[0], [0], [10], [10]], assignment: [0, 1, 0, 1], score: -0.5 },
    { name: "a single cluster", rows: [[0], [5], [10]], assignment: [0, 0, 0], score: 0 },
    { name: "a single row", rows: [[0]], assignment: [0], score: 0 },
  ])("scores $name at $score", ({ rows, assignment, score }) => {
    expect(silhouetteScore(rows, assignment, 2)).toBeCloseTo(score, 12);
  });

  it("is near 1 for the blobs split by kMeans", () => {
    const rows = blobs(6);
    expect(silhouetteScore(rows, kMeans(rows, 3, mulberry32(1)).assignment, 3)).toBeGreaterThan(0.85);
  });
});

describe("fitClusterModel", () => {
  it("picks k = 3 for three blobs by silhouette, from k in [2, 6]", () => {
    const rows = blobs(8);
    const model = fitClusterModel(rows, mulberry32(5), { ...xy, kRange: [2, 6] });
    expect(model.centroids).toHaveLength(3);
    expect(model.features).toEqual(["x", "y"]);
    expect(model.silhouette).toBeGreaterThan(0.85);
    expect(samePartition(rows.map((row) => nearestCentroid(row, model)), rows.map((_, index) => blobOf(index)))).toBe(true);
  });

  it("still picks 3 when the silhouettes are measured on a sample of 30", () => {
    expect(fitClusterModel(blobs(9), mulberry32(5), { ...xy, kRange: [2, 6], sampleSize: 30 }).centroids).toHaveLength(3);
  });

  it("keeps a fixed k", () => {
    expect(fitClusterModel(blobs(10), mulberry32(5), { ...xy, k: 2 }).centroids).toHaveLength(2);
    expect(fitClusterModel(blobs(10), mulberry32(5), { ...xy, k: 5 }).centroids).toHaveLength(5);
  });

  it("keeps its centroids in standardised units, with the means and deviations to get there", () => {
    const model = fitClusterModel(blobs(11), mulberry32(5), { ...xy, k: 3 });
    expect(model.means[0]).toBeCloseTo(0, 0);
    expect(model.means[1]).toBeCloseTo(40 / 3, 0);
    for (const centroid of model.centroids) {
      const raw = centroid.map((value, column) => value * model.deviations[column] + model.means[column]);
      expect(Math.min(...blobCentres.map(([x, y]) => Math.hypot(raw[0] - x, raw[1] - y)))).toBeLessThan(0.5);
    }
  });

  it("gives the same model for the same seed", () => {
    expect(fitClusterModel(blobs(12), mulberry32(9), xy)).toEqual(fitClusterModel(blobs(12), mulberry32(9), xy));
  });

  it("fits one cluster, without a silhouette, on a single row or identical rows", () => {
    expect(fitClusterModel([[3, 4]], mulberry32(1), xy)).toEqual({ features: ["x", "y"], means: [3, 4], deviations: [1, 1], centroids: [[0, 0]], silhouette: null });
    expect(fitClusterModel([[3, 4], [3, 4], [3, 4]], mulberry32(1), xy).centroids).toHaveLength(1);
  });

  it("fits two clusters on two distinct rows even when the range starts above 2", () => {
    const model = fitClusterModel([[0, 0], [1, 1]], mulberry32(1), { ...xy, kRange: [3, 6] });
    expect(model.centroids).toHaveLength(2);
    expect(model.silhouette).toBe(0);
  });

  it("names the columns clusterFeatureNames by default, and refuses rows of another width without names", () => {
    const rows = [[1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1], [1, 1, 1, 1, 1, 1]];
    expect(fitClusterModel(rows, mulberry32(1)).features).toEqual(clusterFeatureNames);
    expect(() => fitClusterModel(blobs(13), mulberry32(1))).toThrow("feature names");
    expect(() => fitClusterModel([], mulberry32(1), xy)).toThrow("at least one row");
  });
});

describe("nearestCentroid", () => {
  const model: ClusterModel = { features: ["x", "y"], means: [10, 100], deviations: [2, 50], centroids: [[0, 0], [1, 1], [-1, -1]], silhouette: null };

  it.each([
    { features: [10, 100], cluster: 0 },
    { features: [12, 150], cluster: 1 },
    { features: [8, 50], cluster: 2 },
    { features: [30, 1_000], cluster: 1 },
    // Standardised (0.5, 0.5): as near to 0 as to 1; the lower index wins a tie.
    { features: [11, 125], cluster: 0 },
  ])("puts $features in cluster $cluster after standardising", ({ features, cluster }) => {
    expect(nearestCentroid(features, model)).toBe(cluster);
  });
});

describe("clusters of members", () => {
  const settings = defaultScoringSettings;
  const random = mulberry32(21);
  const jitter = (value: number) => Math.round(value * (0.9 + 0.2 * random()));
  // Frequent big buyers, members who bought once long ago and stopped, and recent joiners who browse a lot.
  const groups = [
    { daysSinceOrder: 3, ordersInWindow: 24, spendInWindow: 2_400_000, logins90: 60, interactions90: 20, joinedDaysAgo: 1_500 },
    { daysSinceOrder: 300, ordersInWindow: 1, spendInWindow: 5_000, logins90: 0, interactions90: 0, joinedDaysAgo: 700 },
    { daysSinceOrder: null, ordersInWindow: 0, spendInWindow: 0, logins90: 20, interactions90: 150, joinedDaysAgo: 40 },
  ];
  const members = groups.flatMap((group, groupIndex) =>
    Array.from({ length: 40 }, (_, index) =>
      memberActivity({
        memberId: groupIndex * 40 + index + 1,
        joinedAt: daysAgo(jitter(group.joinedDaysAgo)),
        lastOrderAt: group.daysSinceOrder === null ? null : daysAgo(jitter(group.daysSinceOrder)),
        ordersTotal: group.ordersInWindow,
        ordersInWindow: group.ordersInWindow,
        spendInWindow: jitter(group.spendInWindow),
        logins90: jitter(group.logins90),
        interactions90: jitter(group.interactions90),
      }),
    ),
  );
  const raws = members.map((activity) => rawFigures(activity, now, settings));
  const model = fitClusterModel(members.map((activity, index) => clusterFeatures(activity, raws[index])), mulberry32(4), { kRange: [2, 6] });

  it("reads the features in the order of their names, with the window as the recency of a member without an order in it", () => {
    const activity = memberActivity({ lastOrderAt: daysAgo(10), ordersInWindow: 2, spendInWindow: 9_900, logins90: 7, interactions90: 5, joinedAt: daysAgo(200) });
    expect(clusterFeatures(activity, rawFigures(activity, now, settings))).toEqual([10, 2, Math.log1p(99), 7, 5, 200]);
    expect(clusterFeatures(memberActivity(), rawFigures(memberActivity(), now, settings))).toEqual([365, 0, 0, 0, 0, 400]);
    expect(clusterFeatureNames).toHaveLength(6);
  });

  it("finds the three kinds of members, and scoreMember puts each member in its kind's cluster", () => {
    expect(model.centroids).toHaveLength(3);
    const breakpoints = computeBreakpoints(raws);
    const clusters = members.map((activity, index) => scoreMember(activity, raws[index], breakpoints, now, settings, model).cluster);
    expect(samePartition(clusters as number[], members.map((_, index) => Math.floor(index / 40)))).toBe(true);
  });
});
