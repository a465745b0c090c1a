import { Arg, Authorized, Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import { Member } from "../schema/member-type";
import { MemberBehaviour, MemberScores, ScoreSnapshot } from "../schema/score-types";
import type { RequestContext } from "../server/request-context";

// Scores and behaviour are marketing's view of a member, for staff: a member's own app never shows "at risk".
@Resolver(() => Member)
export class MemberScoresResolver {
  @Authorized("members:read")
  @FieldResolver(() => MemberScores, { nullable: true, description: "Null until the member is first scored. Staff only." })
  async scores(@Root() member: Member, @Ctx() context: RequestContext): Promise<MemberScores | null> {
    const record = await context.loaders.scoresByMemberId.load(member.record.id);
    return record ? MemberScores.fromRecord(record) : null;
  }

  @Authorized("members:read")
  @FieldResolver(() => [ScoreSnapshot], { description: "Monthly snapshots of the scores, newest first. Staff only." })
  async scoreHistory(@Root() member: Member, @Arg("months", () => Int, { defaultValue: 12 }) months: number, @Ctx() context: RequestContext): Promise<ScoreSnapshot[]> {
    return (await context.services.scoringReader.snapshots(member.record.id, months)).map(ScoreSnapshot.fromRecord);
  }

  @Authorized("members:read")
  @FieldResolver(() => MemberBehaviour, { description: "Aggregates of the member's events. Staff only." })
  async behaviour(@Root() member: Member, @Ctx() context: RequestContext): Promise<MemberBehaviour> {
    return MemberBehaviour.fromRecord(await context.services.scoringReader.aggregates(member.record.id));
  }
}
