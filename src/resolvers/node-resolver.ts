import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import { requireCanReadMember, requirePermission } from "../auth/policies";
import { Member } from "../schema/member-type";
import { fromGlobalId } from "../schema/global-id";
import { Node } from "../schema/node";
import { Partner } from "../schema/partner-types";
import { StaffUser } from "../schema/staff-user-type";
import { PointsEntry } from "../schema/points-types";
import { Reward } from "../schema/reward-types";
import { Tier } from "../schema/tier-type";
import { unauthenticated } from "../errors";
import type { RequestContext } from "../server/request-context";

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: "Any object by its global id, under the same access rules as its own query; null when it does not exist." })
  async node(@Arg("id", () => ID) id: string, @Ctx() context: RequestContext): Promise<Node | null> {
    const parsed = fromGlobalId(id);
    if (!parsed) return null;
    const { services } = context;
    switch (parsed.type) {
      case "Member": {
        requireCanReadMember(context.identity, parsed.id);
        const record = await services.members.findById(parsed.id);
        return record && Member.fromRecord(record);
      }
      case "Tier": {
        const record = await services.tiers.findById(parsed.id);
        return record && Tier.fromRecord(record);
      }
      case "Partner": {
        requirePermission(context.identity, "partners:manage");
        const record = await services.partners.findById(parsed.id);
        return record && Partner.fromRecord(record);
      }
      case "Reward": {
        if (context.identity.kind === "anonymous") throw unauthenticated();
        const record = await services.rewards.findById(parsed.id);
        return record && Reward.fromRecord(record);
      }
      case "PointsEntry": {
        if (context.identity.kind === "anonymous") throw unauthenticated();
        const [record] = await services.pointsReader.findEntries([parsed.id]);
        if (!record) return null;
        requireCanReadMember(context.identity, record.memberId);
        return PointsEntry.fromRecord(record);
      }
      case "StaffUser": {
        requirePermission(context.identity, "staff:manage");
        const [record] = await services.staff.findByIds([parsed.id]);
        return record ? StaffUser.fromRecord(record) : null;
      }
    }
  }
}
