import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from "typeorm";
import { big, flag, id, integer, text, time } from "./column-helpers";

// Challenges, badges and titles. A challenge is a goal over a fixed window with rewards; each member's progress is
// one row (locked to count and to complete once); the activities counted for it are rows of their own, keyed by
// the activity's reference, so the same activity never counts twice; a points reward waits in a small outbox until
// it is written to the ledger under the member's account lock. Badges are a catalogue; a member holds a badge once
// (revoked by staff, the row stays and a rule never gives it back). Coupons may now come from a challenge instead of
// a campaign. The built-in title 社交达人 (social star) and the check-in streak badge are rows of the catalogue
// from the start: their rules refer to them by code.

const foreignKey = (table: string, column: string, referenced: string) =>
  new TableForeignKey({ name: `fk_${table}_${column.replace(/_id$/, "")}`, columnNames: [column], referencedTableName: referenced, referencedColumnNames: ["id"], onDelete: "RESTRICT" });

const builtInAt = "2025-12-03 00:00:00.000";

/**
 * Changes only the nullability of coupons.campaign_id, from the column as the database reports it: described anew,
 * MySQL's driver would see "integer" against "int" and drop the column (and its foreign key's index) to add it again.
 */
async function setCampaignIdNullable(queryRunner: QueryRunner, isNullable: boolean): Promise<void> {
  const table = (await queryRunner.getTable("coupons"))!;
  const column = table.findColumnByName("campaign_id")!;
  const changed = column.clone();
  changed.isNullable = isNullable;
  // A nullable column reads back with DEFAULT NULL, which a NOT NULL column cannot keep.
  if (!isNullable) changed.default = undefined;
  await queryRunner.changeColumn(table, column, changed);
}

export class ChallengesAndBadges1764720000000 implements MigrationInterface {
  name = "ChallengesAndBadges1764720000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "badges",
        columns: [id, text("code", 32), text("name_zh", 64), text("name_en", 64), text("description_zh", 255, true), text("description_en", 255, true), flag("is_title", false), time("created_at"), time("updated_at")],
        indices: [new TableIndex({ name: "uq_badges_code", columnNames: ["code"], isUnique: true })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "member_badges",
        columns: [id, integer("member_id"), integer("badge_id"), text("reason", 255), text("awarded_by", 48), time("awarded_at"), time("revoked_at", true), text("revoked_by", 48, true), text("revoke_reason", 255, true)],
        indices: [
          new TableIndex({ name: "uq_member_badges_once", columnNames: ["member_id", "badge_id"], isUnique: true }),
          new TableIndex({ name: "idx_member_badges_badge", columnNames: ["badge_id", "member_id"] }),
        ],
        foreignKeys: [foreignKey("member_badges", "member_id", "members"), foreignKey("member_badges", "badge_id", "badges")],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "member_displayed_titles",
        columns: [{ ...integer("member_id"), isPrimary: true }, integer("badge_id"), time("chosen_at")],
        foreignKeys: [foreignKey("member_displayed_titles", "member_id", "members"), foreignKey("member_displayed_titles", "badge_id", "badges")],
      }),
    );
    // Activities the badge rules count that no table of this branch keeps: qualified referrals and check-ins, as
    // heard from the engagement hub.
    await queryRunner.createTable(
      new Table({
        name: "badge_rule_activities",
        columns: [{ ...integer("member_id"), isPrimary: true }, { ...text("kind", 24), isPrimary: true }, { ...text("reference", 128), isPrimary: true }, integer("day"), time("occurred_at")],
        indices: [
          new TableIndex({ name: "idx_badge_rule_activities_kind_time", columnNames: ["kind", "occurred_at", "member_id"] }),
          new TableIndex({ name: "idx_badge_rule_activities_member_day", columnNames: ["member_id", "kind", "day"] }),
        ],
        foreignKeys: [foreignKey("badge_rule_activities", "member_id", "members")],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "challenges",
        columns: [
          id,
          text("code", 32),
          text("title_zh", 64),
          text("title_en", 64),
          text("description_zh", 255, true),
          text("description_en", 255, true),
          text("goal_kind", 24),
          text("goal_measure", 16),
          big("goal_target"),
          time("starts_at"),
          time("ends_at"),
          { name: "eligible_tier_codes", type: "text" },
          { name: "eligible_segment_ids", type: "text" },
          integer("reward_points"),
          big("reward_coupon_value"),
          integer("reward_coupon_valid_days"),
          integer("reward_badge_id", true),
          flag("active", false),
          text("created_by", 64, true),
          time("created_at"),
          time("updated_at"),
        ],
        indices: [
          new TableIndex({ name: "uq_challenges_code", columnNames: ["code"], isUnique: true }),
          new TableIndex({ name: "idx_challenges_goal", columnNames: ["goal_kind", "active", "ends_at"] }),
        ],
        foreignKeys: [foreignKey("challenges", "reward_badge_id", "badges")],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "challenge_progress",
        columns: [{ ...integer("challenge_id"), isPrimary: true }, { ...integer("member_id"), isPrimary: true }, big("progress"), time("started_at"), time("completed_at", true), time("updated_at")],
        indices: [
          new TableIndex({ name: "idx_challenge_progress_member", columnNames: ["member_id", "challenge_id"] }),
          new TableIndex({ name: "idx_challenge_progress_completed", columnNames: ["challenge_id", "completed_at"] }),
        ],
        foreignKeys: [foreignKey("challenge_progress", "challenge_id", "challenges"), foreignKey("challenge_progress", "member_id", "members")],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "challenge_activities",
        columns: [{ ...integer("challenge_id"), isPrimary: true }, { ...integer("member_id"), isPrimary: true }, { ...text("reference", 128), isPrimary: true }, big("amount"), time("occurred_at"), time("counted_at")],
        foreignKeys: [foreignKey("challenge_activities", "challenge_id", "challenges"), foreignKey("challenge_activities", "member_id", "members")],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "challenge_point_grants",
        columns: [id, integer("challenge_id"), integer("member_id"), integer("points"), time("created_at"), time("granted_at", true), integer("entry_id", true)],
        indices: [
          new TableIndex({ name: "uq_challenge_point_grants_once", columnNames: ["challenge_id", "member_id"], isUnique: true }),
          new TableIndex({ name: "idx_challenge_point_grants_pending", columnNames: ["granted_at", "id"] }),
        ],
        foreignKeys: [foreignKey("challenge_point_grants", "challenge_id", "challenges"), foreignKey("challenge_point_grants", "member_id", "members")],
      }),
    );
    // A coupon comes from a campaign or, now, from a challenge.
    await setCampaignIdNullable(queryRunner, true);
    await queryRunner.addColumn("coupons", new TableColumn(integer("challenge_id", true)));
    await queryRunner.createForeignKey("coupons", foreignKey("coupons", "challenge_id", "challenges"));

    const builtIn = [
      ["SOCIAL_STAR", "社交达人", "Social star", "互动和成功邀请好友最多的会员", "Among the members with the most interactions and qualified referrals", true],
      ["CHECK_IN_STREAK_7", "连续签到7天", "7-day check-in streak", "连续7天签到", "Checked in on 7 days in a row", false],
    ] as const;
    for (const [code, nameZh, nameEn, descriptionZh, descriptionEn, isTitle] of builtIn) {
      await queryRunner.query(
        "INSERT INTO badges (code, name_zh, name_en, description_zh, description_en, is_title, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [code, nameZh, nameEn, descriptionZh, descriptionEn, isTitle ? 1 : 0, builtInAt, builtInAt],
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const coupons = await queryRunner.getTable("coupons");
    const challengeKey = coupons?.foreignKeys.find((key) => key.columnNames.includes("challenge_id"));
    if (challengeKey) await queryRunner.dropForeignKey("coupons", challengeKey);
    // Challenge coupons have no campaign: they go with the challenges.
    await queryRunner.query("DELETE FROM coupons WHERE campaign_id IS NULL");
    await queryRunner.dropColumn("coupons", "challenge_id");
    await setCampaignIdNullable(queryRunner, false);
    await queryRunner.dropTable("challenge_point_grants");
    await queryRunner.dropTable("challenge_activities");
    await queryRunner.dropTable("challenge_progress");
    await queryRunner.dropTable("challenges");
    await queryRunner.dropTable("badge_rule_activities");
    await queryRunner.dropTable("member_displayed_titles");
    await queryRunner.dropTable("member_badges");
    await queryRunner.dropTable("badges");
  }
}
