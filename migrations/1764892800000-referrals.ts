import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from "typeorm";
import { flag, id, integer, text, time } from "./column-helpers";

// Referrals: each member's code and ambassador flag (referrers), each friend's sign-up with a code and what became
// of it (referrals, one per friend), the rewards a qualified referral owes (referral_rewards, an outbox paid after
// the friend's order commits, one per role), and the keyed hashes of the devices members sign in on.

const member = (table: string, column: string) =>
  new TableForeignKey({ name: `fk_${table}_${column.replace(/_id$/, "")}`, columnNames: [column], referencedTableName: "members", referencedColumnNames: ["id"], onDelete: "RESTRICT" });

export class Referrals1764892800000 implements MigrationInterface {
  name = "Referrals1764892800000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "referrers",
        columns: [{ ...integer("member_id"), isPrimary: true }, text("code", 8), flag("ambassador", false), text("ambassador_source", 16, true), time("ambassador_updated_at", true), time("created_at")],
        indices: [new TableIndex({ name: "uq_referrers_code", columnNames: ["code"], isUnique: true })],
        foreignKeys: [member("referrers", "member_id")],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "referrals",
        columns: [
          id,
          integer("referrer_id"),
          integer("friend_id"),
          text("status", 16),
          text("reason", 24, true),
          text("device_hash", 64, true),
          time("signed_up_at"),
          time("qualified_at", true),
          text("qualifying_reference", 100, true),
          text("approved_by", 64, true),
          time("approved_at", true),
        ],
        indices: [
          new TableIndex({ name: "uq_referrals_friend", columnNames: ["friend_id"], isUnique: true }),
          new TableIndex({ name: "idx_referrals_referrer", columnNames: ["referrer_id", "signed_up_at"] }),
          new TableIndex({ name: "idx_referrals_status", columnNames: ["status", "id"] }),
          new TableIndex({ name: "idx_referrals_qualified", columnNames: ["status", "qualified_at", "referrer_id"] }),
        ],
        foreignKeys: [member("referrals", "referrer_id"), member("referrals", "friend_id")],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "referral_rewards",
        columns: [id, integer("referral_id"), integer("member_id"), text("role", 16), integer("points"), time("created_at"), time("paid_at", true), integer("entry_id", true)],
        indices: [
          new TableIndex({ name: "uq_referral_rewards_role", columnNames: ["referral_id", "role"], isUnique: true }),
          new TableIndex({ name: "idx_referral_rewards_owed", columnNames: ["paid_at", "id"] }),
          new TableIndex({ name: "idx_referral_rewards_member", columnNames: ["member_id", "role"] }),
        ],
        foreignKeys: [
          new TableForeignKey({ name: "fk_referral_rewards_referral", columnNames: ["referral_id"], referencedTableName: "referrals", referencedColumnNames: ["id"], onDelete: "RESTRICT" }),
          member("referral_rewards", "member_id"),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: "member_devices",
        columns: [{ ...integer("member_id"), isPrimary: true }, { ...text("device_hash", 64), isPrimary: true }, time("first_seen_at")],
        indices: [new TableIndex({ name: "idx_member_devices_device", columnNames: ["device_hash"] })],
        foreignKeys: [member("member_devices", "member_id")],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("member_devices");
    await queryRunner.dropTable("referral_rewards");
    await queryRunner.dropTable("referrals");
    await queryRunner.dropTable("referrers");
  }
}
