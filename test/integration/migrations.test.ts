import { migrations } from "../../migrations";
import { openDatabase, type Database } from "../../src/database/data-source";
import { testDatabaseKinds, type ScratchDatabase } from "../support/databases";

const coreTables = [
  "tiers", "members", "staff_users", "partners", "partner_api_keys", "idempotency_records", "audit_log", "sign_in_codes",
  "point_accounts", "point_entries", "orders", "point_lots", "rewards", "reward_redemptions", "bonus_rules", "tier_changes", "member_benefits",
  "behaviour_events", "member_daily_activity", "member_aggregates", "scoring_runs", "member_scores", "member_score_snapshots",
  "segment_schemes", "segments", "segment_memberships", "segment_moves", "webhook_endpoints", "webhook_deliveries", "segment_evaluation_runs",
  "campaigns", "campaign_assignments", "campaign_sends", "coupons",
  "partner_agreements", "member_partner_grants", "partner_member_links", "partner_benefits", "partner_benefit_redemptions", "settlement_statements", "settlement_lines",
  "check_ins", "check_in_rules", "member_code_uses",
  "referrers", "referrals", "referral_rewards", "member_devices",
  "lotteries", "lottery_prizes", "lottery_draws",
  "kpi_facts", "kpi_fact_changes", "kpi_fold_state",
  "badges", "member_badges", "member_displayed_titles", "badge_rule_activities", "challenges", "challenge_progress", "challenge_activities", "challenge_point_grants",
  "leaderboard_boards", "leaderboard_entries", "leaderboard_preferences",
  "kpi_points_changes", "kpi_points_daily",
  "kpi_daily_changes", "kpi_daily_sums",
  "marketing_spend",
  "kpi_points_regroups",
];

describe.each(testDatabaseKinds())("migrations on $name", (kind) => {
  let scratch: ScratchDatabase;
  let database: Database;

  beforeAll(async () => {
    scratch = await kind.create();
    database = await openDatabase(scratch.config, { runMigrations: false });
  });

  afterAll(async () => {
    await database?.dataSource.destroy();
    await scratch?.drop();
  });

  async function existingTables(): Promise<string[]> {
    const queryRunner = database.dataSource.createQueryRunner();
    try {
      const present: string[] = [];
      for (const table of coreTables) if (await queryRunner.hasTable(table)) present.push(table);
      return present;
    } finally {
      await queryRunner.release();
    }
  }

  it("runs every migration up, down and up again", async () => {
    expect(await existingTables()).toEqual([]);

    const applied = await database.dataSource.runMigrations({ transaction: "each" });
    expect(applied.map((migration) => migration.name)).toEqual(migrations.map((migration) => new migration().name));
    expect(await existingTables()).toEqual(coreTables);
    expect(await database.dataSource.showMigrations()).toBe(false);

    for (let step = 0; step < migrations.length; step += 1) {
      await database.dataSource.undoLastMigration({ transaction: "each" });
    }
    expect(await existingTables()).toEqual([]);
    expect(await database.dataSource.showMigrations()).toBe(true);

    await database.dataSource.runMigrations({ transaction: "each" });
    expect(await existingTables()).toEqual(coreTables);
  });

  it("accepts a row through the entities after migrating, with UTC times and booleans intact", async () => {
    const joinedAt = new Date("2026-01-02T03:04:05.678Z");
    const tiers = database.dataSource.getRepository("TierRecord");
    const tier = await tiers.save({ code: "REGULAR", nameZh: "普通", nameEn: "Regular", rank: 0, qualifyingSpend: 0, pointsMultiplierPercent: 100, baseBenefits: ["BIRTHDAY_GIFT"], createdAt: joinedAt, updatedAt: joinedAt });
    const members = database.dataSource.getRepository("MemberRecord");
    const saved = await members.save({
      name: "王小明", phoneEncrypted: "x", phoneHash: "h".repeat(64), phoneMasked: "138****5678", birthday: "1990-03-14",
      joinChannel: "APP", joinedAt, tierId: tier.id, consentSms: true, consentAppPush: false, consentEmail: false, consentWechat: true,
      createdAt: joinedAt, updatedAt: joinedAt,
    });
    const loaded = await members.findOneByOrFail({ id: saved.id });
    expect(loaded.joinedAt.toISOString()).toBe("2026-01-02T03:04:05.678Z");
    expect(loaded.birthday).toBe("1990-03-14");
    expect(loaded.consentSms).toBe(true);
    expect(loaded.consentAppPush).toBe(false);
    expect(loaded.name).toBe("王小明");
    expect((await tiers.findOneByOrFail({ id: tier.id })).baseBenefits).toEqual(["BIRTHDAY_GIFT"]);
  });

  it("fills the behaviour aggregates from the orders recorded before the behaviour migration", async () => {
    const { dataSource } = database;
    // Back to just before the behaviour migration, whatever came after it.
    const latest = async () => (await dataSource.query("SELECT name FROM migrations ORDER BY id DESC LIMIT 1"))[0].name;
    while ((await latest()) !== "PointsAndTiers1763942400000") await dataSource.undoLastMigration({ transaction: "each" });
    const [{ id: memberId }] = await dataSource.query("SELECT id FROM members ORDER BY id LIMIT 1");
    const insertOrder = (externalId: string, amount: number, refunded: number, placedAt: string) =>
      dataSource.query(
        "INSERT INTO orders (member_id, external_id, store_code, channel, category, amount, refunded_amount, points_earned, points_clawed_back, placed_at, created_at) VALUES (?, ?, 'SH-001', 'APP', 'FOOD', ?, ?, 0, 0, ?, ?)",
        [memberId, externalId, amount, refunded, placedAt, placedAt],
      );
    // 17:30 UTC is 01:30 the next day in China: the two orders fall on the same local day.
    await insertOrder("OLD-1", 10_000, 2_500, "2026-01-02 17:30:00.000");
    await insertOrder("OLD-2", 4_000, 0, "2026-01-03 08:00:00.000");
    await insertOrder("OLD-3", 6_000, 0, "2026-02-10 03:00:00.000");
    await dataSource.runMigrations({ transaction: "each" });

    const days = await dataSource.query("SELECT day, orders, spend FROM member_daily_activity WHERE member_id = ? ORDER BY day", [memberId]);
    const jan3 = Math.floor((Date.parse("2026-01-03T00:00:00Z")) / 86_400_000);
    expect(days.map((row: Record<string, unknown>) => [Number(row.day), Number(row.orders), Number(row.spend)])).toEqual([
      [jan3, 2, 11_500],
      [jan3 + 38, 1, 6_000],
    ]);
    const [aggregates] = await dataSource.query("SELECT orders_total, spend_total, windows_day FROM member_aggregates WHERE member_id = ?", [memberId]);
    expect([Number(aggregates.orders_total), Number(aggregates.spend_total), Number(aggregates.windows_day)]).toEqual([3, 17_500, 0]);
    const [moments] = await dataSource.getRepository("MemberAggregateRecord").find({ where: { memberId: Number(memberId) } });
    expect((moments as { firstOrderAt: Date }).firstOrderAt.toISOString()).toBe("2026-01-02T17:30:00.000Z");
    expect((moments as { lastOrderAt: Date }).lastOrderAt.toISOString()).toBe("2026-02-10T03:00:00.000Z");
  });
});
