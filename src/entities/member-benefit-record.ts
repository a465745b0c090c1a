import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

/** A custom benefit granted to one member (the "custom" of "base + custom"), valid for a period. */
@Entity({ name: "member_benefits" })
@Index("idx_member_benefits_member", ["memberId", "validFrom"])
export class MemberBenefitRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ name: "member_id", type: "integer" })
  memberId: number;

  @Column({ type: "varchar", length: 64 })
  code: string;

  @Column({ type: "varchar", length: 255 })
  reason: string;

  @Column({ name: "valid_from", type: "datetime", precision: 3 })
  validFrom: Date;

  /** Exclusive; null means no end. */
  @Column({ name: "valid_until", type: "datetime", precision: 3, nullable: true })
  validUntil: Date | null;

  /** `staff:3`, `reward:GIFT_CARD`, ... */
  @Column({ name: "granted_by", type: "varchar", length: 48 })
  grantedBy: string;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;
}
