import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from "typeorm";
import { big, id, integer, text, time } from "./column-helpers";

// Lotteries (抽奖): the lottery with its committed seed, its published prize table (whose stock rows draws lock), and
// one row per draw with what recomputing it needs. Coupons won in a draw go into the coupons table like campaigns'
// coupons, so the member's coupons list shows them: its campaign becomes optional and it may name a lottery instead.

const foreignKey = (table: string, column: string, referenced: string) =>
  new TableForeignKey({ name: `fk_${table}_${column.replace(/_id$/, "")}`, columnNames: [column], referencedTableName: referenced, referencedColumnNames: ["id"], onDelete: "RESTRICT" });

export class Lotteries1764979200000 implements MigrationInterface {
  name = "Lotteries1764979200000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "lotteries",
        columns: [
          id,
          text("code", 32),
          text("title", 64),
          text("description", 500, true),
          integer("cost_points"),
          integer("daily_limit"),
          time("starts_at"),
          time("ends_at"),
          text("seed_encrypted", 255),
          text("seed_commitment", 64),
          text("created_by", 64, true),
          time("created_at"),
          time("updated_at"),
        ],
        indices: [new TableIndex({ name: "uq_lotteries_code", columnNames: ["code"], isUnique: true }), new TableIndex({ name: "idx_lotteries_ends", columnNames: ["ends_at", "id"] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "lottery_prizes",
        columns: [id, integer("lottery_id"), integer("position"), text("name", 64), text("kind", 16), big("value"), text("benefit_code", 64, true), integer("valid_days", true), integer("weight"), integer("stock", true), integer("awarded")],
        indices: [new TableIndex({ name: "uq_lottery_prizes_position", columnNames: ["lottery_id", "position"], isUnique: true })],
        foreignKeys: [foreignKey("lottery_prizes", "lottery_id", "lotteries")],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "lottery_draws",
        columns: [
          id,
          integer("lottery_id"),
          integer("member_id"),
          integer("draw_number"),
          integer("local_day"),
          big("random_bits"),
          integer("drawn_prize_id"),
          integer("prize_id"),
          integer("stock_before", true),
          integer("cost_points"),
          integer("cost_entry_id", true),
          integer("prize_entry_id", true),
          integer("coupon_id", true),
          integer("member_benefit_id", true),
          time("drawn_at"),
        ],
        indices: [
          new TableIndex({ name: "uq_lottery_draws_number", columnNames: ["lottery_id", "member_id", "draw_number"], isUnique: true }),
          new TableIndex({ name: "idx_lottery_draws_member", columnNames: ["member_id", "id"] }),
          new TableIndex({ name: "idx_lottery_draws_lottery", columnNames: ["lottery_id", "id"] }),
        ],
        foreignKeys: [
          foreignKey("lottery_draws", "lottery_id", "lotteries"),
          foreignKey("lottery_draws", "member_id", "members"),
          foreignKey("lottery_draws", "drawn_prize_id", "lottery_prizes"),
          foreignKey("lottery_draws", "prize_id", "lottery_prizes"),
        ],
      }),
    );
    // Another branch may have made campaign_id optional already; it only needs doing once.
    const coupons = await queryRunner.getTable("coupons");
    const campaignColumn = coupons!.findColumnByName("campaign_id")!;
    if (!campaignColumn.isNullable) {
      // The column as the database reports it, with only NULL allowed: any other difference would make TypeORM drop
      // and re-add the column, which MySQL refuses while the foreign key to campaigns needs it.
      const optional = campaignColumn.clone();
      optional.isNullable = true;
      await queryRunner.changeColumn("coupons", campaignColumn, optional);
    }
    await queryRunner.addColumn("coupons", new TableColumn(integer("lottery_id", true)));
    await queryRunner.createForeignKey("coupons", foreignKey("coupons", "lottery_id", "lotteries"));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // coupons.campaign_id stays optional: a later migration of another feature may rely on it, and nothing breaks.
    await queryRunner.query("DELETE FROM coupons WHERE lottery_id IS NOT NULL");
    const coupons = await queryRunner.getTable("coupons");
    const lotteryKey = coupons!.foreignKeys.find((key) => key.columnNames.includes("lottery_id"));
    if (lotteryKey) await queryRunner.dropForeignKey("coupons", lotteryKey);
    await queryRunner.dropColumn("coupons", "lottery_id");
    await queryRunner.dropTable("lottery_draws");
    await queryRunner.dropTable("lottery_prizes");
    await queryRunner.dropTable("lotteries");
  }
}
