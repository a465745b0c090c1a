import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from "typeorm";
import { flag, id, text, time } from "./column-helpers";

// Written with the QueryRunner Table API so the same migration runs on SQLite and MySQL/MariaDB.

export class CoreSchema1763856000000 implements MigrationInterface {
  name = "CoreSchema1763856000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: "tiers",
        columns: [
          id,
          text("code", 32),
          text("name_zh", 64),
          text("name_en", 64),
          { name: "rank", type: "integer" },
          { name: "qualifying_spend", type: "bigint" },
          { name: "points_multiplier_percent", type: "integer" },
          { name: "base_benefits", type: "text" },
          time("created_at"),
          time("updated_at"),
        ],
        uniques: [
          { name: "uq_tiers_code", columnNames: ["code"] },
          { name: "uq_tiers_rank", columnNames: ["rank"] },
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "members",
        columns: [
          id,
          text("name", 64),
          text("phone_encrypted", 255),
          text("phone_hash", 64),
          text("phone_masked", 32),
          text("email_encrypted", 512, true),
          text("email_masked", 255, true),
          { name: "birthday", type: "date", isNullable: true },
          { ...text("gender", 16), default: "'UNDISCLOSED'" },
          text("education", 16, true),
          text("occupation", 16, true),
          text("income_level", 16, true),
          text("city", 64, true),
          { name: "city_tier", type: "integer", isNullable: true },
          text("region", 32, true),
          text("join_channel", 16),
          time("joined_at"),
          { name: "tier_id", type: "integer" },
          flag("consent_sms", false),
          flag("consent_app_push", false),
          flag("consent_email", false),
          flag("consent_wechat", false),
          time("consent_updated_at", true),
          time("created_at"),
          time("updated_at"),
        ],
        uniques: [{ name: "uq_members_phone_hash", columnNames: ["phone_hash"] }],
        indices: [
          new TableIndex({ name: "idx_members_tier", columnNames: ["tier_id", "id"] }),
          new TableIndex({ name: "idx_members_join_channel", columnNames: ["join_channel", "id"] }),
          new TableIndex({ name: "idx_members_joined_at", columnNames: ["joined_at"] }),
          new TableIndex({ name: "idx_members_name", columnNames: ["name"] }),
        ],
        foreignKeys: [
          new TableForeignKey({ name: "fk_members_tier", columnNames: ["tier_id"], referencedTableName: "tiers", referencedColumnNames: ["id"], onDelete: "RESTRICT" }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "staff_users",
        columns: [id, text("email", 255), text("display_name", 64), text("role", 16), text("password_hash", 255, true), flag("active", true), time("created_at")],
        uniques: [{ name: "uq_staff_users_email", columnNames: ["email"] }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "partners",
        columns: [id, text("code", 32), text("name", 128), text("contact_email", 255, true), { ...text("status", 16), default: "'ACTIVE'" }, time("created_at")],
        uniques: [{ name: "uq_partners_code", columnNames: ["code"] }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "partner_api_keys",
        columns: [id, { name: "partner_id", type: "integer" }, text("key_id", 32), text("secret_hash", 64), { name: "scopes", type: "text" }, time("created_at"), time("revoked_at", true)],
        uniques: [{ name: "uq_partner_api_keys_key_id", columnNames: ["key_id"] }],
        indices: [new TableIndex({ name: "idx_partner_api_keys_partner", columnNames: ["partner_id"] })],
        foreignKeys: [
          new TableForeignKey({ name: "fk_partner_api_keys_partner", columnNames: ["partner_id"], referencedTableName: "partners", referencedColumnNames: ["id"], onDelete: "CASCADE" }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "idempotency_records",
        columns: [id, text("scope", 128), text("key", 128), text("request_hash", 64), { name: "response", type: "text" }, time("created_at")],
        indices: [new TableIndex({ name: "uq_idempotency_scope_key", columnNames: ["scope", "key"], isUnique: true })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "audit_log",
        columns: [
          id,
          text("actor_type", 16),
          text("actor_id", 64, true),
          text("action", 64),
          text("target_type", 32),
          text("target_id", 64, true),
          { name: "details", type: "text", isNullable: true },
          text("request_id", 64, true),
          time("created_at"),
        ],
        indices: [
          new TableIndex({ name: "idx_audit_log_target", columnNames: ["target_type", "target_id"] }),
          new TableIndex({ name: "idx_audit_log_created_at", columnNames: ["created_at"] }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: "sign_in_codes",
        columns: [id, text("phone_hash", 64), text("code_hash", 64), { name: "failed_attempts", type: "integer", default: 0 }, time("created_at"), time("expires_at"), time("consumed_at", true)],
        indices: [new TableIndex({ name: "idx_sign_in_codes_phone", columnNames: ["phone_hash", "created_at"] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ["sign_in_codes", "audit_log", "idempotency_records", "partner_api_keys", "partners", "staff_users", "members", "tiers"]) {
      await queryRunner.dropTable(table);
    }
  }
}
