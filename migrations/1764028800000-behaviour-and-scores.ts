import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from "typeorm";
import { big, id, integer, text, time } from "./column-helpers";

// Behaviour events, the per-member daily facts and aggregates kept as they arrive, scores, their monthly
// snapshots and the scoring runs.

const memberForeignKey = (table: string) =>
  new TableForeignKey({ name: `fk_${table}_member`, columnNames: ["member_id"], referencedTableName: "members", referencedColumnNames: ["id"], onDelete: "RESTRICT" });

const counter = (name: string) => ({ ...integer(name), default: 0 });
const money = (name: string) => ({ ...big(name), default: 0 });

/**
 * Orders recorded before this migration (the points issue) become daily facts and order totals, so an upgraded
 * programme scores its members on their real purchases and a later refund of an old order nets out against it.
 * Days are counted in BUSINESS_UTC_OFFSET_MINUTES (default UTC+8), as the server counts them. Windows are left
 * stale (windows_day 0): the first full run, or the daily job, sums them. Refunds made before the migration net
 * the order's spend but are not counted as refund events (their dates were not kept).
 */
async function backfillOrders(queryRunner: QueryRunner): Promise<void> {
  const offsetMinutes = Number(process.env.BUSINESS_UTC_OFFSET_MINUTES || 480);
  const dayOf = (value: unknown) => {
    const instant = value instanceof Date ? value : new Date(`${String(value).replace(" ", "T")}Z`);
    return Math.floor((instant.getTime() + offsetMinutes * 60_000) / 86_400_000);
  };
  let afterId = 0;
  for (;;) {
    const orders: Record<string, unknown>[] = await queryRunner.query(
      "SELECT id, member_id, amount, refunded_amount, placed_at FROM orders WHERE id > ? ORDER BY id LIMIT 5000",
      [afterId],
    );
    if (orders.length === 0) break;
    afterId = Number(orders[orders.length - 1].id);
    for (const order of orders) {
      const memberId = Number(order.member_id);
      const spend = Number(order.amount) - Number(order.refunded_amount);
      const placedAt = order.placed_at;
      await queryRunner.query(
        queryRunner.connection.options.type === "better-sqlite3"
          ? "INSERT INTO member_daily_activity (member_id, day, orders, spend) VALUES (?, ?, 1, ?) ON CONFLICT (member_id, day) DO UPDATE SET orders = orders + 1, spend = spend + excluded.spend"
          : "INSERT INTO member_daily_activity (member_id, day, orders, spend) VALUES (?, ?, 1, ?) ON DUPLICATE KEY UPDATE orders = orders + 1, spend = spend + VALUES(spend)",
        [memberId, dayOf(placedAt), spend],
      );
    }
  }
  // Totals and first/last order per member, in SQL both databases speak.
  await queryRunner.query(`
    UPDATE member_aggregates SET
      orders_total = (SELECT COUNT(*) FROM orders o WHERE o.member_id = member_aggregates.member_id),
      spend_total = (SELECT COALESCE(SUM(o.amount - o.refunded_amount), 0) FROM orders o WHERE o.member_id = member_aggregates.member_id),
      first_order_at = (SELECT MIN(o.placed_at) FROM orders o WHERE o.member_id = member_aggregates.member_id),
      last_order_at = (SELECT MAX(o.placed_at) FROM orders o WHERE o.member_id = member_aggregates.member_id)
    WHERE member_id IN (SELECT DISTINCT member_id FROM orders)`);
}

export class BehaviourAndScores1764028800000 implements MigrationInterface {
  name = "BehaviourAndScores1764028800000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "behaviour_events",
        columns: [
          id,
          integer("member_id"),
          text("source", 32),
          text("external_id", 64),
          text("kind", 16),
          time("occurred_at"),
          time("received_at"),
          big("amount", true),
          text("channel", 16, true),
          text("store_code", 32, true),
          text("brand", 32, true),
          text("categories", 255, true),
          text("order_external_id", 64, true),
          text("target", 64, true),
          integer("duration_seconds", true),
          integer("csat", true),
          integer("nps", true),
        ],
        indices: [
          new TableIndex({ name: "uq_behaviour_events_source_external", columnNames: ["source", "external_id"], isUnique: true }),
          new TableIndex({ name: "idx_behaviour_events_member_time", columnNames: ["member_id", "occurred_at"] }),
        ],
        foreignKeys: [memberForeignKey("behaviour_events")],
      }),
    );

    // One row per member and local day with activity: windows are sums over a member's days, and the
    // KPIs of the analytics issue read the same facts.
    await queryRunner.createTable(
      new Table({
        name: "member_daily_activity",
        columns: [
          { ...integer("member_id"), isPrimary: true },
          { ...integer("day"), isPrimary: true },
          counter("orders"),
          money("spend"),
          counter("refunds"),
          money("refund_amount"),
          counter("logins"),
          counter("session_seconds"),
          counter("interactions"),
          counter("complaints"),
          counter("surveys"),
        ],
        indices: [new TableIndex({ name: "idx_member_daily_activity_day", columnNames: ["day"] })],
        foreignKeys: [memberForeignKey("member_daily_activity")],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "member_aggregates",
        columns: [
          { ...integer("member_id"), isPrimary: true },
          integer("windows_day"),
          time("first_order_at", true),
          time("last_order_at", true),
          time("last_login_at", true),
          time("last_survey_at", true),
          integer("last_csat", true),
          integer("last_nps", true),
          counter("orders_total"),
          money("spend_total"),
          counter("refunds_total"),
          money("refund_amount_total"),
          counter("logins_total"),
          counter("interactions_total"),
          counter("complaints_total"),
          counter("orders_window"),
          money("spend_window"),
          money("refund_amount_window"),
          counter("orders_30"),
          counter("orders_90"),
          counter("orders_previous_90"),
          counter("logins_30"),
          counter("logins_90"),
          counter("logins_previous_90"),
          counter("session_seconds_30"),
          counter("session_seconds_90"),
          counter("interactions_30"),
          counter("interactions_90"),
          counter("complaints_90"),
          counter("refunds_90"),
          time("updated_at"),
        ],
        indices: [new TableIndex({ name: "idx_member_aggregates_windows_day", columnNames: ["windows_day"] })],
        foreignKeys: [memberForeignKey("member_aggregates")],
      }),
    );
    // Every member gets an aggregates row, so events only ever lock an existing row.
    await queryRunner.query(
      "INSERT INTO member_aggregates (member_id, windows_day, updated_at) SELECT id, 0, created_at FROM members",
    );
    await backfillOrders(queryRunner);

    await queryRunner.createTable(
      new Table({
        name: "scoring_runs",
        columns: [
          id,
          text("status", 16),
          text("trigger_kind", 16),
          text("actor", 64, true),
          integer("members_total"),
          integer("members_scored"),
          { name: "breakpoints", type: "text", isNullable: true },
          { name: "cluster_model", type: "text", isNullable: true },
          text("error", 512, true),
          time("started_at"),
          time("finished_at", true),
        ],
        indices: [new TableIndex({ name: "idx_scoring_runs_status", columnNames: ["status", "id"] })],
      }),
    );

    const scoreColumns = [
      integer("recency_days", true),
      integer("recency", true),
      integer("frequency", true),
      integer("monetary", true),
      text("rfm_code", 3, true),
      text("rfm_segment", 24),
      text("lifecycle_stage", 16),
      integer("churn_risk_permille"),
      integer("activity"),
      integer("loyalty"),
      integer("value"),
      big("clv"),
    ];
    await queryRunner.createTable(
      new Table({
        name: "member_scores",
        columns: [
          { ...integer("member_id"), isPrimary: true },
          integer("run_id"),
          ...scoreColumns,
          text("churn_factors", 1024),
          text("age_band", 16, true),
          integer("city_tier", true),
          integer("cluster", true),
          time("computed_at"),
        ],
        indices: [
          new TableIndex({ name: "idx_member_scores_rfm_segment", columnNames: ["rfm_segment"] }),
          new TableIndex({ name: "idx_member_scores_lifecycle", columnNames: ["lifecycle_stage"] }),
        ],
        foreignKeys: [memberForeignKey("member_scores")],
      }),
    );

    // The last scores of each local month: trends without keeping every run.
    await queryRunner.createTable(
      new Table({
        name: "member_score_snapshots",
        columns: [
          { ...integer("member_id"), isPrimary: true },
          { ...text("month", 7), isPrimary: true },
          integer("run_id"),
          ...scoreColumns,
          time("computed_at"),
        ],
        foreignKeys: [memberForeignKey("member_score_snapshots")],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ["member_score_snapshots", "member_scores", "scoring_runs", "member_aggregates", "member_daily_activity", "behaviour_events"]) {
      await queryRunner.dropTable(table);
    }
  }
}
