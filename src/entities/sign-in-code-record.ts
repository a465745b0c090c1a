import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

/** A one-time code sent to a phone for sign-up or sign-in; only a keyed hash of the code is kept. */
@Entity({ name: "sign_in_codes" })
@Index("idx_sign_in_codes_phone", ["phoneHash", "createdAt"])
export class SignInCodeRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "phone_hash", type: "varchar", length: 64 })
  phoneHash: string;

  @Column({ name: "code_hash", type: "varchar", length: 64 })
  codeHash: string;

  @Column({ name: "failed_attempts", type: "integer", default: 0 })
  failedAttempts: number;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;

  @Column({ name: "expires_at", type: "datetime", precision: 3 })
  expiresAt: Date;

  @Column({ name: "consumed_at", type: "datetime", precision: 3, nullable: true })
  consumedAt: Date | null;
}
