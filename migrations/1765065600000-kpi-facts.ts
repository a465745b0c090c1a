import { type MigrationInterface, type QueryRunner, Table, TableColumn } from "typeorm";
import { big, id, integer, text, time } from "./column-helpers";

// Programme-wide KPI facts (docs/kpis.md): per local day, ISO week and local month, sums and distinct-member counts
// by the groups members were in. Events add their differences to `kpi_fact_changes` (insert only, so concurrent
// events never wait on one another's counters); a fold adds them into `kpi_facts`. Each daily activity row keeps
// the member's groups when it was written, the groups its facts were counted in. Existing rows get theirs, and the
// facts are built, by the rebuild the server runs at start when the 'rebuild' row asks for it.

const keyColumns = () => [
  text("granularity", 5),
  integer("period_first_day"),
  integer("scheme_id"),
  text("channel", 32),
  integer("city_tier"),
  integer("tier_id"),
  integer("segment_id"),
];

const counterColumns = () => ["logins", "interactions", "orders", "spend", "login_days", "login_members", "active_members", "order_members", "repeat_members", "retained"].map((name) => big(name));

export class KpiFacts1765065600000 implements MigrationInterface {
  name = "KpiFacts1765065600000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns("member_daily_activity", [
      new TableColumn(text("group_channel", 32, true)),
      new TableColumn(integer("group_city_tier", true)),
      new TableColumn(integer("group_tier_id", true)),
      new TableColumn(text("group_segments", 1000, true)),
    ]);
    await queryRunner.createTable(new Table({ name: "kpi_facts", columns: [...keyColumns().map((column) => ({ ...column, isPrimary: true })), ...counterColumns()] }));
    await queryRunner.createTable(new Table({ name: "kpi_fact_changes", columns: [id, ...keyColumns(), ...counterColumns()] }));
    await queryRunner.createTable(new Table({ name: "kpi_fold_state", columns: [{ ...text("name", 32), isPrimary: true }, time("folded_at", true)] }));
    await queryRunner.query("INSERT INTO kpi_fold_state (name, folded_at) VALUES ('activity', NULL)");
    // Activity already recorded has no facts yet: the 'rebuild' row asks the server to build them at start (whatever
    // writes facts before then, an import or a seed, is rebuilt with them).
    const [activity] = await queryRunner.query("SELECT COUNT(*) AS n FROM (SELECT 1 FROM member_daily_activity LIMIT 1) a");
    if (Number(activity.n) > 0) await queryRunner.query("INSERT INTO kpi_fold_state (name, folded_at) VALUES ('rebuild', NULL)");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("kpi_fold_state");
    await queryRunner.dropTable("kpi_fact_changes");
    await queryRunner.dropTable("kpi_facts");
    for (const column of ["group_segments", "group_tier_id", "group_city_tier", "group_channel"]) await queryRunner.dropColumn("member_daily_activity", column);
  }
}
