import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import type { StaffRole } from "../auth/permissions";
import { integerAsBoolean } from "./column-types";

/** An employee of the brand who uses the admin console. */
@Entity({ name: "staff_users" })
export class StaffUserRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "varchar", length: 255, unique: true })
  email: string;

  @Column({ name: "display_name", type: "varchar", length: 64 })
  displayName: string;

  @Column({ type: "varchar", length: 16 })
  role: StaffRole;

  /** scrypt hash (salt and parameters included); null for accounts that sign in only through tokens issued by ops. */
  @Column({ name: "password_hash", type: "varchar", length: 255, nullable: true })
  passwordHash: string | null;

  @Column({ type: "boolean", default: true, transformer: integerAsBoolean })
  active: boolean;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;
}
