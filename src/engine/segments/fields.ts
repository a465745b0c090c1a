// The fields a segment rule may test: profile, demographics, tier, consent, behaviour aggregates and scores.
// Kept as data, so validation, evaluation, the SQL translation and the docs all read one list.
import { educationLevels, genders, incomeLevels, joinChannels, occupations } from "../member-attributes";
import { ageBands } from "../age-band";
import { lifecycleStages, rfmSegments } from "../scoring/types";

export type FieldType = "number" | "text" | "boolean" | "date";

export interface RuleField {
  type: FieldType;
  /** For text fields with a closed vocabulary: the values a rule may name. */
  values?: readonly string[];
  description: string;
}

const number = (description: string): RuleField => ({ type: "number", description });
const vocabulary = (values: readonly string[], description: string): RuleField => ({ type: "text", values, description });
const date = (description: string): RuleField => ({ type: "date", description });
const flag = (description: string): RuleField => ({ type: "boolean", description });

export const ruleFields = {
  gender: vocabulary(genders, "profile"),
  education: vocabulary(educationLevels, "profile"),
  occupation: vocabulary(occupations, "profile"),
  incomeLevel: vocabulary(incomeLevels, "profile"),
  joinChannel: vocabulary(joinChannels, "where the member joined"),
  city: { type: "text", description: "city name, e.g. 上海" } as RuleField,
  cityTier: number("1-3"),
  ageBand: vocabulary(ageBands, "from the birthday, as of the last scoring"),
  joinedAt: date("when the member joined"),
  tierCode: { type: "text", description: "the tier's code, e.g. GOLD" } as RuleField,
  tierRank: number("0 for the entry tier, higher up the ladder"),
  permanent: flag("permanent member (永久会员)"),
  consentSms: flag("consent"),
  consentAppPush: flag("consent"),
  consentEmail: flag("consent"),
  consentWechat: flag("consent"),
  lastOrderAt: date("behaviour"),
  lastLoginAt: date("behaviour"),
  ordersTotal: number("behaviour, lifetime"),
  spendTotal: number("behaviour, lifetime net spend in fen"),
  ordersInWindow: number("behaviour, RFM window"),
  spendInWindow: number("behaviour, RFM window, fen"),
  orders30: number("behaviour, 30 days"),
  orders90: number("behaviour, 90 days"),
  logins30: number("behaviour, 30 days"),
  logins90: number("behaviour, 90 days"),
  interactions30: number("behaviour, 30 days"),
  interactions90: number("behaviour, 90 days"),
  complaints90: number("behaviour, 90 days"),
  refunds90: number("behaviour, 90 days"),
  recency: number("score 1-5, null without an order in the RFM window"),
  frequency: number("score 1-5"),
  monetary: number("score 1-5"),
  rfmSegment: vocabulary(rfmSegments, "score"),
  lifecycleStage: vocabulary(lifecycleStages, "score"),
  churnRisk: number("score 0-1"),
  activity: number("score 0-100"),
  loyalty: number("score 0-100"),
  value: number("score 0-100"),
  clv: number("score, fen"),
  cluster: number("K-means cluster of the latest run"),
} satisfies Record<string, RuleField>;

export type RuleFieldName = keyof typeof ruleFields;
export const ruleFieldNames = Object.keys(ruleFields) as RuleFieldName[];

/** One member's values of every rule field; null where unknown (no birthday, not yet scored, ...). */
export type FactValue = number | string | boolean | Date | null;
export type MemberFacts = Record<RuleFieldName, FactValue>;
