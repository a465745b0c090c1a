// The RFM segment map: the widely used grid over the recency and frequency scores (monetary refines the code,
// not the segment). Kept as data so the docs and the tests can list every cell.
import type { RfmSegment } from "./types";

/** The segments inside the R x F grid: every member with an order in the RFM window lands in one. */
export type RfmGridSegment = Exclude<RfmSegment, "NO_RECENT_PURCHASE">;

export interface RfmMapEntry {
  segment: RfmGridSegment;
  /** Inclusive score ranges, 1-5. */
  recency: readonly [number, number];
  frequency: readonly [number, number];
}

/** Every one of the 25 R x F cells is in exactly one entry (a test enumerates them). */
export const rfmSegmentMap: readonly RfmMapEntry[] = [
  { segment: "CHAMPIONS", recency: [5, 5], frequency: [4, 5] },
  { segment: "LOYAL_CUSTOMERS", recency: [3, 4], frequency: [4, 5] },
  { segment: "POTENTIAL_LOYALISTS", recency: [4, 5], frequency: [2, 3] },
  { segment: "NEW_CUSTOMERS", recency: [5, 5], frequency: [1, 1] },
  { segment: "PROMISING", recency: [4, 4], frequency: [1, 1] },
  { segment: "NEED_ATTENTION", recency: [3, 3], frequency: [3, 3] },
  { segment: "ABOUT_TO_SLEEP", recency: [3, 3], frequency: [1, 2] },
  { segment: "AT_RISK", recency: [1, 2], frequency: [3, 4] },
  { segment: "CANT_LOSE_THEM", recency: [1, 2], frequency: [5, 5] },
  // Hibernating is R1-2 x F1-2 except R1 F1, which is lost: two entries keep the ranges disjoint.
  { segment: "HIBERNATING", recency: [2, 2], frequency: [1, 2] },
  { segment: "HIBERNATING", recency: [1, 1], frequency: [2, 2] },
  { segment: "LOST", recency: [1, 1], frequency: [1, 1] },
];

export const rfmSegmentNamesZh: Readonly<Record<RfmSegment, string>> = {
  CHAMPIONS: "冠军客户",
  LOYAL_CUSTOMERS: "忠诚客户",
  POTENTIAL_LOYALISTS: "潜力客户",
  NEW_CUSTOMERS: "新客户",
  PROMISING: "有望客户",
  NEED_ATTENTION: "需要关注",
  ABOUT_TO_SLEEP: "即将沉睡",
  AT_RISK: "流失风险",
  CANT_LOSE_THEM: "不能失去",
  HIBERNATING: "休眠客户",
  LOST: "已流失",
  NO_RECENT_PURCHASE: "近期未购买",
};

const within = (score: number, [lowest, highest]: readonly [number, number]) => score >= lowest && score <= highest;

/** The segment of a recency and a frequency score (integers 1-5). */
export function rfmSegmentOf(recency: number, frequency: number): RfmGridSegment {
  const entry = rfmSegmentMap.find((candidate) => within(recency, candidate.recency) && within(frequency, candidate.frequency));
  if (!entry) throw new Error(`No RFM segment for R${recency} F${frequency}: scores are integers from 1 to 5.`);
  return entry.segment;
}

/** "545": recency, frequency and monetary scores. */
export function rfmCodeOf(recency: number, frequency: number, monetary: number): string {
  return `${recency}${frequency}${monetary}`;
}
