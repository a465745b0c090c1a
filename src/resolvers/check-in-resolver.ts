import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import { requireCanReadMember, requireMember } from "../auth/policies";
import type { CheckInRecord } from "../entities";
import { CheckIn, CheckInPayload, CheckInRule, CheckInRuleInput, CheckInStreak } from "../schema/check-in-types";
import { Member } from "../schema/member-type";
import type { RequestContext } from "../server/request-context";

function checkInOf(context: RequestContext, record: CheckInRecord): CheckIn {
  return { date: context.services.checkIns.dateOf(record.localDay), streak: record.streak, points: record.points, bonusPoints: record.bonusPoints, checkedInAt: record.checkedInAt };
}

@Resolver()
export class CheckInResolver {
  @Mutation(() => CheckInPayload, { description: "Today's check-in for the signed-in member; tapping twice is harmless (the second tap returns the first check-in)." })
  async checkIn(@Ctx() context: RequestContext): Promise<CheckInPayload> {
    const outcome = await context.services.checkIns.checkIn(context, requireMember(context.identity));
    return { checkIn: checkInOf(context, outcome.checkIn), alreadyCheckedIn: outcome.alreadyCheckedIn, balance: outcome.balance };
  }

  @Query(() => CheckInRule, { description: "Points per check-in and the streak bonuses now in force." })
  checkInRule(@Ctx() context: RequestContext): Promise<CheckInRule> {
    if (context.identity.kind === "anonymous") requireMember(context.identity);
    return context.services.checkIns.rule();
  }

  @Authorized("engagement:write")
  @Mutation(() => CheckInRule, { description: "Sets the points per check-in and the streak bonuses, from the next check-in on." })
  setCheckInRule(@Arg("input", () => CheckInRuleInput) input: CheckInRuleInput, @Ctx() context: RequestContext): Promise<CheckInRule> {
    return context.services.checkIns.setRule(context, input);
  }
}

@Resolver(() => Member)
export class MemberCheckInResolver {
  @FieldResolver(() => CheckInStreak, { description: "The member's check-in streak and this month's calendar." })
  async checkInStreak(@Root() member: Member, @Ctx() context: RequestContext): Promise<CheckInStreak> {
    requireCanReadMember(context.identity, member.record.id);
    const streak = await context.services.checkIns.streak(member.record.id);
    return { ...streak, lastCheckIn: streak.lastCheckIn && checkInOf(context, streak.lastCheckIn) };
  }
}
