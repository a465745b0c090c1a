// Badges awarded by rules. 社交达人 (social star, a title): the badges job gives it to the top share of members by
// interactions in the last 90 days plus qualified referrals in the same days (a referral weighing several
// interactions). The 7-day check-in streak: given in the transaction of the check-in that makes the seventh day in a
// row. Referrals and check-ins are counted from what the engagement hub hands over (kept in badge_rule_activities),
// so these rules need no other feature's tables. Awards are once per member and badge and never taken back by a rule.
import type { DataSource, EntityManager } from "typeorm";
import type { Clock } from "../../../clock";
import { insertRows } from "../../../database/bulk-insert";
import { timeToDatabase } from "../../../database/raw-values";
import { runInTransaction } from "../../../database/transactions";
import { localDayNumber } from "../../../engine";
import { streakEndingOn, topShareThreshold } from "../../../engine/engagement/badges/badge-rules";
import { BadgeRecord, BadgeRuleActivityRecord, badgeRuleActivityKinds, MemberBadgeRecord, type BadgeRuleActivityKind } from "../../../entities";
import type { EngagementActivity } from "../engagement-hub";
import type { BadgeService } from "./badge-service";

export interface BadgeRuleSettings {
  /** The share of all members, in per cent, that 社交达人 goes to. */
  socialStarTopPercent: number;
  /** How many interactions one qualified referral counts as. */
  socialStarReferralWeight: number;
  utcOffsetMinutes: number;
}

export const socialStarBadgeCode = "SOCIAL_STAR";
export const checkInStreakBadgeCode = "CHECK_IN_STREAK_7";
const streakDays = 7;
const socialWindowDays = 90;
const awardChunkSize = 1_000;

export interface SocialStarResult {
  population: number;
  /** The lowest score that made it; null when nobody did (no member has any score). */
  threshold: number | null;
  qualified: number;
  /** New awards of this run (qualified members who held it, or whose award staff revoked, are not counted). */
  awarded: number;
}

export class BadgeRules {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly badges: BadgeService,
    private readonly settings: BadgeRuleSettings,
  ) {}

  /** The engagement hub's listener: keeps referrals and check-ins, and gives the streak badge on its seventh day. */
  async onActivity(manager: EntityManager, activity: EngagementActivity): Promise<void> {
    if (!(badgeRuleActivityKinds as readonly string[]).includes(activity.kind)) return;
    const kind = activity.kind as BadgeRuleActivityKind;
    const day = localDayNumber(activity.occurredAt, this.settings.utcOffsetMinutes);
    await insertRows(manager, BadgeRuleActivityRecord, [{ memberId: activity.memberId, kind, reference: activity.reference.slice(0, 128), day, occurredAt: activity.occurredAt }], { ignoreDuplicates: true });
    if (kind === "CHECK_IN") await this.checkStreak(manager, activity.memberId, day);
  }

  private async checkStreak(manager: EntityManager, memberId: number, day: number): Promise<void> {
    const rows = await manager
      .getRepository(BadgeRuleActivityRecord)
      .createQueryBuilder("activity")
      .select("activity.day", "day")
      .where("activity.memberId = :memberId AND activity.kind = 'CHECK_IN' AND activity.day > :from AND activity.day <= :day", { memberId, from: day - streakDays, day })
      .getRawMany<{ day: number | string }>();
    if (streakEndingOn(rows.map((row) => Number(row.day)), day) < streakDays) return;
    const badge = await this.badges.byCode(manager, checkInStreakBadgeCode);
    if (!badge) return;
    await this.badges.awardInTransaction(manager, badge.id, [{ memberId, reason: `Checked in on ${streakDays} days in a row` }], `rule:${checkInStreakBadgeCode}`, this.clock.now());
  }

  /** The badges job: 社交达人 to the top members who do not hold it yet. Safe to run again: it awards nobody twice. */
  async awardSocialStars(): Promise<SocialStarResult> {
    const now = this.clock.now();
    const badge = await this.dataSource.getRepository(BadgeRecord).findOneBy({ code: socialStarBadgeCode });
    const population = await this.dataSource.query("SELECT COUNT(*) AS members FROM members").then((rows: { members: number | string }[]) => Number(rows[0].members));
    if (!badge) return { population, threshold: null, qualified: 0, awarded: 0 };
    const percent = this.settings.socialStarTopPercent;
    const quota = Math.max(1, Math.floor((population * percent) / 100));
    const since = timeToDatabase(this.dataSource, new Date(now.getTime() - socialWindowDays * 86_400_000));
    const weight = this.settings.socialStarReferralWeight;
    // Each member's score; the quota's best first, then everyone at or above the last one's score (ties are all in).
    const scores = `SELECT aggregates.member_id AS member_id, aggregates.interactions_90 + ? * COALESCE(referrals.qualified, 0) AS score
        FROM member_aggregates aggregates
        LEFT JOIN (SELECT member_id, COUNT(*) AS qualified FROM badge_rule_activities WHERE kind = 'REFERRAL_QUALIFIED' AND occurred_at >= ? GROUP BY member_id) referrals
          ON referrals.member_id = aggregates.member_id`;
    const best: { score: number | string }[] = await this.dataSource.query(`SELECT score FROM (${scores}) scored ORDER BY score DESC LIMIT ?`, [weight, since, quota]);
    const threshold = topShareThreshold(best.map((row) => Number(row.score)), population, percent);
    if (threshold === null) return { population, threshold, qualified: 0, awarded: 0 };
    const qualified: { member_id: number | string; score: number | string }[] = await this.dataSource.query(`SELECT member_id, score FROM (${scores}) scored WHERE score >= ? ORDER BY member_id`, [weight, since, threshold]);
    const holdersBefore = await this.dataSource.getRepository(MemberBadgeRecord).countBy({ badgeId: badge.id });
    for (let start = 0; start < qualified.length; start += awardChunkSize) {
      const chunk = qualified.slice(start, start + awardChunkSize);
      await runInTransaction(this.dataSource, (manager) =>
        this.badges.awardInTransaction(manager, badge.id, chunk.map((row) => ({ memberId: Number(row.member_id), reason: `Top ${percent}% of members by interactions and qualified referrals (score ${Number(row.score)})` })), `rule:${socialStarBadgeCode}`, now),
      );
    }
    const holdersAfter = await this.dataSource.getRepository(MemberBadgeRecord).countBy({ badgeId: badge.id });
    return { population, threshold, qualified: qualified.length, awarded: holdersAfter - holdersBefore };
  }
}
