import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from "typeorm";
import { big, id, integer, text, time } from "./column-helpers";

// The partner coalition: each key's rate limit; the terms agreed with each partner (versioned, so past settlement
// lines keep the rates they were made at); what each member shares with each partner; the pseudonymous id each
// partner knows a member by; partners' benefits and their redemptions; settlement lines, written in the transaction
// of the ledger entry or redemption they settle; and closed statements, which never change.

const foreignKey = (table: string, column: string, referenced: string) =>
  new TableForeignKey({ name: `fk_${table}_${column.replace(/_id$/, "")}`, columnNames: [column], referencedTableName: referenced, referencedColumnNames: ["id"], onDelete: "RESTRICT" });

export class PartnerCoalition1764547200000 implements MigrationInterface {
  name = "PartnerCoalition1764547200000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("partner_api_keys", new TableColumn({ ...integer("requests_per_minute"), default: 600 }));
    await queryRunner.addColumn("partners", new TableColumn(text("contact_name", 64, true)));

    await queryRunner.createTable(
      new Table({
        name: "partner_agreements",
        columns: [
          id,
          integer("partner_id"),
          integer("earn_points_per_100_yuan"),
          integer("issued_point_value"),
          integer("redeemed_point_value"),
          integer("benefit_share_percent"),
          text("statement_period", 16),
          time("effective_from"),
          text("created_by", 64, true),
          time("created_at"),
        ],
        indices: [new TableIndex({ name: "idx_partner_agreements_partner", columnNames: ["partner_id", "effective_from"] })],
        foreignKeys: [foreignKey("partner_agreements", "partner_id", "partners")],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "member_partner_grants",
        columns: [{ ...integer("member_id"), isPrimary: true }, { ...integer("partner_id"), isPrimary: true }, { name: "fields", type: "text" }, time("granted_at"), time("updated_at")],
        indices: [new TableIndex({ name: "idx_member_partner_grants_partner", columnNames: ["partner_id", "member_id"] })],
        foreignKeys: [foreignKey("member_partner_grants", "member_id", "members"), foreignKey("member_partner_grants", "partner_id", "partners")],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "partner_member_links",
        columns: [{ ...integer("partner_id"), isPrimary: true }, { ...integer("member_id"), isPrimary: true }, text("pseudonym", 40), time("created_at")],
        indices: [new TableIndex({ name: "uq_partner_member_links_pseudonym", columnNames: ["partner_id", "pseudonym"], isUnique: true })],
        foreignKeys: [foreignKey("partner_member_links", "partner_id", "partners"), foreignKey("partner_member_links", "member_id", "members")],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "partner_benefits",
        columns: [
          id,
          integer("partner_id"),
          text("code", 32),
          text("title", 64),
          text("description", 255, true),
          text("kind", 16),
          big("value_fen"),
          integer("coalition_share_percent"),
          integer("stock", true),
          integer("redeemed_count"),
          integer("per_member_limit"),
          { name: "eligible_tier_codes", type: "text" },
          { name: "eligible_segment_ids", type: "text" },
          time("valid_from"),
          time("valid_until", true),
          text("status", 16),
          time("created_at"),
          time("updated_at"),
        ],
        indices: [new TableIndex({ name: "uq_partner_benefits_code", columnNames: ["partner_id", "code"], isUnique: true })],
        foreignKeys: [foreignKey("partner_benefits", "partner_id", "partners")],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "partner_benefit_redemptions",
        columns: [id, integer("benefit_id"), integer("partner_id"), integer("member_id"), text("store_code", 32, true), time("redeemed_at")],
        indices: [new TableIndex({ name: "idx_partner_benefit_redemptions_member", columnNames: ["benefit_id", "member_id"] })],
        foreignKeys: [
          foreignKey("partner_benefit_redemptions", "benefit_id", "partner_benefits"),
          foreignKey("partner_benefit_redemptions", "partner_id", "partners"),
          foreignKey("partner_benefit_redemptions", "member_id", "members"),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "settlement_statements",
        columns: [
          id,
          integer("partner_id"),
          time("period_start"),
          time("period_end"),
          big("points_issued"),
          big("points_redeemed"),
          integer("benefits_redeemed"),
          big("owed_by_partner"),
          big("owed_to_partner"),
          big("net_amount"),
          integer("line_count"),
          time("closed_at"),
          text("closed_by", 64),
        ],
        indices: [new TableIndex({ name: "uq_settlement_statements_period", columnNames: ["partner_id", "period_start"], isUnique: true })],
        foreignKeys: [foreignKey("settlement_statements", "partner_id", "partners")],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "settlement_lines",
        columns: [
          id,
          integer("partner_id"),
          text("kind", 24),
          big("points"),
          big("amount"),
          integer("rate", true),
          integer("point_entry_id", true),
          integer("benefit_redemption_id", true),
          text("reference", 64, true),
          text("note", 255, true),
          integer("statement_id", true),
          time("created_at"),
        ],
        indices: [
          new TableIndex({ name: "idx_settlement_lines_open", columnNames: ["partner_id", "statement_id", "created_at"] }),
          new TableIndex({ name: "uq_settlement_lines_entry", columnNames: ["point_entry_id"], isUnique: true }),
          new TableIndex({ name: "uq_settlement_lines_benefit", columnNames: ["benefit_redemption_id"], isUnique: true }),
        ],
        foreignKeys: [
          foreignKey("settlement_lines", "partner_id", "partners"),
          foreignKey("settlement_lines", "point_entry_id", "point_entries"),
          foreignKey("settlement_lines", "benefit_redemption_id", "partner_benefit_redemptions"),
          foreignKey("settlement_lines", "statement_id", "settlement_statements"),
        ],
      }),
    );
    // Partner orders are looked up by partner for refunds and reports.
    await queryRunner.createIndex("orders", new TableIndex({ name: "idx_orders_partner", columnNames: ["partner_id", "placed_at"] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("orders", "idx_orders_partner");
    for (const table of ["settlement_lines", "settlement_statements", "partner_benefit_redemptions", "partner_benefits", "partner_member_links", "member_partner_grants", "partner_agreements"]) {
      await queryRunner.dropTable(table);
    }
    await queryRunner.dropColumn("partners", "contact_name");
    await queryRunner.dropColumn("partner_api_keys", "requests_per_minute");
  }
}
