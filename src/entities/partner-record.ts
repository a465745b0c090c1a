import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

/** A suspended partner's keys are refused until it is active again. */
export const partnerStatuses = ["ACTIVE", "SUSPENDED"] as const;
export type PartnerStatus = (typeof partnerStatuses)[number];

/** A brand of the coalition (跨品牌联盟) that shares members and benefits. */
@Entity({ name: "partners" })
export class PartnerRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "varchar", length: 32, unique: true })
  code: string;

  @Column({ type: "varchar", length: 128 })
  name: string;

  @Column({ name: "contact_email", type: "varchar", length: 255, nullable: true })
  contactEmail: string | null;

  @Column({ name: "contact_name", type: "varchar", length: 64, nullable: true })
  contactName: string | null;

  @Column({ type: "varchar", length: 16, default: "ACTIVE" })
  status: PartnerStatus;

  @Column({ name: "created_at", type: "datetime", precision: 3 })
  createdAt: Date;
}
