// Where each rule field lives in the database: one SQL expression per field over the members, their tier,
// their aggregates and their scores. The rule's SQL filter and the member facts loader both read this table, so
// the two evaluation paths see the same values.
import type { RuleFieldName } from "../../engine";

export const memberFactsFrom = `members m
  JOIN tiers t ON t.id = m.tier_id
  JOIN member_aggregates a ON a.member_id = m.id
  LEFT JOIN member_scores s ON s.member_id = m.id`;

export const ruleColumns: Record<RuleFieldName, string> = {
  gender: "m.gender",
  education: "m.education",
  occupation: "m.occupation",
  incomeLevel: "m.income_level",
  joinChannel: "m.join_channel",
  city: "m.city",
  cityTier: "m.city_tier",
  ageBand: "s.age_band",
  joinedAt: "m.joined_at",
  tierCode: "t.code",
  // Backticks: RANK is a reserved word in MySQL 8; SQLite accepts backticks too.
  tierRank: "t.`rank`",
  permanent: "(CASE WHEN m.permanent_since IS NULL THEN 0 ELSE 1 END)",
  consentSms: "m.consent_sms",
  consentAppPush: "m.consent_app_push",
  consentEmail: "m.consent_email",
  consentWechat: "m.consent_wechat",
  lastOrderAt: "a.last_order_at",
  lastLoginAt: "a.last_login_at",
  ordersTotal: "a.orders_total",
  spendTotal: "a.spend_total",
  ordersInWindow: "a.orders_window",
  spendInWindow: "a.spend_window",
  orders30: "a.orders_30",
  orders90: "a.orders_90",
  logins30: "a.logins_30",
  logins90: "a.logins_90",
  interactions30: "a.interactions_30",
  interactions90: "a.interactions_90",
  complaints90: "a.complaints_90",
  refunds90: "a.refunds_90",
  recency: "s.recency",
  frequency: "s.frequency",
  monetary: "s.monetary",
  rfmSegment: "s.rfm_segment",
  lifecycleStage: "s.lifecycle_stage",
  churnRisk: "(s.churn_risk_permille / 1000.0)",
  activity: "s.activity",
  loyalty: "s.loyalty",
  value: "s.value",
  clv: "s.clv",
  cluster: "s.cluster",
};
