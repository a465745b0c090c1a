import { Field, ID, Int, ObjectType } from "type-graphql";
import type { SegmentEvaluationRunRecord } from "../entities";

@ObjectType({ description: "A full re-evaluation of segment membership, of every scheme or one, with its progress." })
export class SegmentEvaluationRun {
  @Field(() => ID)
  id: string;

  @Field({ description: "RUNNING, COMPLETED or FAILED." })
  status: string;

  @Field({ description: "SCHEDULE (the cron), MANUAL (the console), COMMAND_LINE or RULE_CHANGE." })
  trigger: string;

  @Field(() => ID, { nullable: true, description: "The scheme evaluated; null: every scheme." })
  schemeId: string | null;

  @Field(() => Int, { description: "Members when the run started." })
  membersTotal: number;

  @Field(() => Int, { description: "Members evaluated so far." })
  membersDone: number;

  @Field(() => Int, { description: "Moves made so far." })
  moves: number;

  @Field(() => String, { nullable: true, description: "Why a FAILED run failed." })
  error: string | null;

  @Field(() => Date)
  startedAt: Date;

  @Field(() => Date, { nullable: true })
  finishedAt: Date | null;

  static fromRecord(record: SegmentEvaluationRunRecord): SegmentEvaluationRun {
    return Object.assign(new SegmentEvaluationRun(), {
      id: String(record.id),
      status: record.status,
      trigger: record.trigger,
      schemeId: record.schemeId === null ? null : String(record.schemeId),
      membersTotal: record.membersTotal,
      membersDone: record.membersDone,
      moves: record.moves,
      error: record.error,
      startedAt: record.startedAt,
      finishedAt: record.finishedAt,
    });
  }
}
