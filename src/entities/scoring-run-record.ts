import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

export const scoringRunStatuses = ["RUNNING", "COMPLETED", "FAILED"] as const;
export type ScoringRunStatus = (typeof scoringRunStatuses)[number];
export const scoringRunTriggers = ["MANUAL", "SCHEDULE", "COMMAND_LINE", "DEMO_SEED"] as const;
export type ScoringRunTrigger = (typeof scoringRunTriggers)[number];

/** A full rescoring of every member: its progress, and the breakpoints and clusters it computed. */
@Entity({ name: "scoring_runs" })
@Index("idx_scoring_runs_status", ["status", "id"])
export class ScoringRunRecord {
  @PrimaryGeneratedColumn({ type: "integer" })
  id: number;

  @Column({ type: "varchar", length: 16 })
  status: ScoringRunStatus;

  @Column({ name: "trigger_kind", type: "varchar", length: 16 })
  trigger: ScoringRunTrigger;

  @Column({ type: "varchar", length: 64, nullable: true })
  actor: string | null;

  @Column({ name: "members_total", type: "integer" })
  membersTotal: number;

  @Column({ name: "members_scored", type: "integer" })
  membersScored: number;

  /** JSON of ScoringBreakpoints, set when the first pass ends. */
  @Column({ type: "text", nullable: true })
  breakpoints: string | null;

  /** JSON of ClusterModel. */
  @Column({ name: "cluster_model", type: "text", nullable: true })
  clusterModel: string | null;

  @Column({ type: "varchar", length: 512, nullable: true })
  error: string | null;

  @Column({ name: "started_at", type: "datetime", precision: 3 })
  startedAt: Date;

  @Column({ name: "finished_at", type: "datetime", precision: 3, nullable: true })
  finishedAt: Date | null;
}
