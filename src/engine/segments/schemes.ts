// Segment schemes: ordered segments, the last a catch-all, so every member lands in exactly one. The built-in
// schemes are data: RFM map, lifecycle stage, activity, value band and K-means clusters.
import { rfmSegmentNamesZh } from "../scoring/rfm";
import { lifecycleStages, rfmSegments } from "../scoring/types";
import type { MemberFacts } from "./fields";
import { evaluateRule } from "./evaluate";
import type { SegmentRule } from "./rule";

export interface SchemeSegment {
  id: number;
  /** Null for the catch-all, which matches everyone. */
  rule: SegmentRule | null;
}

/** The first segment whose rule matches; a scheme always ends in a catch-all, so there is always one. */
export function assignSegment(segments: readonly SchemeSegment[], facts: MemberFacts, now: Date): number {
  for (const segment of segments) if (segment.rule === null || evaluateRule(segment.rule, facts, now)) return segment.id;
  throw new Error("A segment scheme must end in a catch-all segment.");
}

export interface SegmentDefinition {
  code: string;
  name: string;
  nameEn: string;
  rule: SegmentRule | null;
}

export interface SchemeDefinition {
  code: string;
  name: string;
  nameEn: string;
  segments: SegmentDefinition[];
}

const english = (code: string) => code.charAt(0) + code.slice(1).toLowerCase().replace(/_/g, " ");
const lifecycleNamesZh: Record<string, string> = { NEW: "新会员", ACTIVE: "活跃", DECLINING: "活跃度下降", DORMANT: "沉睡", CHURNED: "流失" };
const notScored: SegmentDefinition = { code: "NOT_SCORED", name: "未评分", nameEn: "Not scored yet", rule: null };
const clusterCount = 8;

export const builtInSchemes: readonly SchemeDefinition[] = [
  {
    code: "RFM",
    name: "RFM 分群",
    nameEn: "RFM segments",
    segments: [...rfmSegments.map((segment) => ({ code: segment, name: rfmSegmentNamesZh[segment], nameEn: english(segment), rule: { field: "rfmSegment", op: "eq", value: segment } as SegmentRule })), notScored],
  },
  {
    code: "LIFECYCLE",
    name: "生命周期",
    nameEn: "Lifecycle stage",
    segments: [...lifecycleStages.map((stage) => ({ code: stage, name: lifecycleNamesZh[stage], nameEn: english(stage), rule: { field: "lifecycleStage", op: "eq", value: stage } as SegmentRule })), notScored],
  },
  {
    code: "ACTIVITY",
    name: "活跃度",
    nameEn: "Activity",
    segments: [
      { code: "ACTIVE", name: "活跃会员", nameEn: "Active", rule: { any: [{ field: "lastLoginAt", op: "withinLastDays", value: 90 }, { field: "lastOrderAt", op: "withinLastDays", value: 90 }] } },
      { code: "DORMANT", name: "沉睡会员", nameEn: "Dormant (no login or order for 90 days)", rule: null },
    ],
  },
  {
    code: "VALUE_BAND",
    name: "价值分层",
    nameEn: "Value band",
    segments: [
      { code: "HIGH", name: "高价值", nameEn: "High value (top 20%)", rule: { field: "value", op: "gte", value: 80 } },
      { code: "MEDIUM", name: "中价值", nameEn: "Medium value", rule: { field: "value", op: "gte", value: 40 } },
      { code: "LOW", name: "低价值", nameEn: "Low value or not scored", rule: null },
    ],
  },
  {
    code: "CLUSTER",
    name: "行为聚类",
    nameEn: "Behaviour clusters (K-means)",
    segments: [
      ...Array.from({ length: clusterCount }, (_, cluster) => ({ code: `CLUSTER_${cluster}`, name: `聚类 ${cluster}`, nameEn: `Cluster ${cluster}`, rule: { field: "cluster", op: "eq", value: cluster } as SegmentRule })),
      { code: "UNCLUSTERED", name: "未聚类", nameEn: "Not clustered yet", rule: null },
    ],
  },
];
