import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { describeActor } from "../auth/identity";
import { notFound } from "../errors";
import { expectNumberId } from "../schema/global-id";
import { connectionBody } from "../schema/connection";
import { decodeCursor, encodeCursor, validFirst } from "../schema/paging";
import { ScoringRun, ScoringRunConnection } from "../schema/score-types";
import type { RequestContext } from "../server/request-context";

const runCursorKind = "scoring-run";

@Resolver(() => ScoringRun)
export class ScoringRunResolver {
  @Authorized("members:read")
  @Query(() => ScoringRunConnection, { description: "Full rescoring runs, newest first, with their progress. Staff." })
  async scoringRuns(
    @Arg("first", () => Int, { defaultValue: 20 }) first: number,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() context: RequestContext,
  ): Promise<ScoringRunConnection> {
    const page = await context.services.scoringReader.runs(validFirst(first), decodeCursor(runCursorKind, after));
    return connectionBody(page.records.map(ScoringRun.fromRecord), (run) => encodeCursor(runCursorKind, Number(run.id)), page.hasNextPage);
  }

  @Authorized("members:read")
  @Query(() => ScoringRun, { nullable: true })
  async scoringRun(@Arg("id", () => ID) id: string, @Ctx() context: RequestContext): Promise<ScoringRun | null> {
    const runId = expectNumberId(id, "id", "scoring run", "ScoringRun");
    const record = await context.services.scoringReader.run(runId);
    if (!record) throw notFound(`No scoring run ${id}.`);
    return ScoringRun.fromRecord(record);
  }

  @Authorized("scores:run")
  @Mutation(() => ScoringRun, {
    description: "Starts a full rescoring of every member and returns at once; follow it with scoringRun(id). If one is already running, returns that one. Admin.",
  })
  async rescoreAll(@Ctx() context: RequestContext): Promise<ScoringRun> {
    const actor = describeActor(context.identity);
    const { run, completion } = await context.services.scoring.startFullRun("MANUAL", `${actor.actorType}:${actor.actorId ?? ""}`);
    // The caller polls for the outcome; a failure is recorded on the run and logged here.
    completion.catch((error: unknown) => context.logger.error({ err: error, runId: run.id }, "scoring run failed"));
    return ScoringRun.fromRecord(run);
  }
}
