import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { describeActor } from "../auth/identity";
import { badUserInput, notFound } from "../errors";
import { expectNumberId } from "../schema/global-id";
import { SegmentEvaluationRun } from "../schema/segment-evaluation-types";
import type { RequestContext } from "../server/request-context";

@Resolver(() => SegmentEvaluationRun)
export class SegmentEvaluationResolver {
  @Authorized("members:read")
  @Query(() => [SegmentEvaluationRun], { description: "Full segment re-evaluations, newest first, with their progress. Staff." })
  async segmentEvaluationRuns(@Arg("first", () => Int, { defaultValue: 20 }) first: number, @Ctx() context: RequestContext): Promise<SegmentEvaluationRun[]> {
    if (!Number.isInteger(first) || first < 1 || first > 100) throw badUserInput("first must be 1 to 100.", "first");
    return (await context.services.segmentReader.evaluationRuns(first)).map(SegmentEvaluationRun.fromRecord);
  }

  @Authorized("members:read")
  @Query(() => SegmentEvaluationRun, { description: "One re-evaluation: poll it for progress." })
  async segmentEvaluationRun(@Arg("id", () => ID) id: string, @Ctx() context: RequestContext): Promise<SegmentEvaluationRun> {
    const record = await context.services.segmentReader.evaluationRun(expectNumberId(id, "id", "segment evaluation run", "SegmentEvaluationRun"));
    if (!record) throw notFound(`No segment evaluation run ${id}.`);
    return SegmentEvaluationRun.fromRecord(record);
  }

  @Authorized("rules:write")
  @Mutation(() => SegmentEvaluationRun, {
    description: "Re-evaluates every member against every scheme (or one) now, in the background; follow it with segmentEvaluationRun(id). If one of the same scope is running on this server, returns that one.",
  })
  async reevaluateSegments(@Arg("schemeId", () => ID, { nullable: true }) schemeId: string | null, @Ctx() context: RequestContext): Promise<SegmentEvaluationRun> {
    const scheme = schemeId ? expectNumberId(schemeId, "schemeId", "segment scheme", "SegmentScheme") : null;
    if (scheme !== null && !(await context.services.segmentReader.schemes()).some((candidate) => candidate.id === scheme)) throw notFound(`No segment scheme ${schemeId}.`);
    const actor = describeActor(context.identity);
    const started = (await context.services.segmentEvaluations.start("MANUAL", `${actor.actorType}:${actor.actorId ?? ""}`, scheme))!;
    // The caller polls for the outcome; a failure is recorded on the run.
    started.completion.catch((error: unknown) => context.logger.error({ err: error, runId: started.run.id }, "segment evaluation failed"));
    return SegmentEvaluationRun.fromRecord(started.run);
  }
}
