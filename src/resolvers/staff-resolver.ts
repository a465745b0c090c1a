import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from "type-graphql";
import { forbidden, unauthenticated } from "../errors";
import { CreateStaffUserInput, StaffUser } from "../schema/staff-user-type";
import type { RequestContext } from "../server/request-context";
import type { StaffRole } from "../auth/permissions";

@Resolver(() => StaffUser)
export class StaffResolver {
  @Query(() => StaffUser, { description: "The signed-in staff user." })
  async currentStaffUser(@Ctx() context: RequestContext): Promise<StaffUser> {
    if (context.identity.kind === "anonymous") throw unauthenticated();
    if (context.identity.kind !== "staff") throw forbidden("Only staff have a staff account.");
    const [record] = await context.services.staff.findByIds([context.identity.staffUserId]);
    if (!record) throw unauthenticated("Your staff account no longer exists.");
    return StaffUser.fromRecord(record);
  }

  @Authorized("staff:manage")
  @Mutation(() => StaffUser)
  async createStaffUser(@Arg("input", () => CreateStaffUserInput) input: CreateStaffUserInput, @Ctx() context: RequestContext): Promise<StaffUser> {
    const record = await context.services.staff.create(context, { ...input, role: input.role.toLowerCase() as StaffRole });
    return StaffUser.fromRecord(record);
  }
}
