import { MemberConnectionResolver, MemberResolver } from "./member-resolver";
import { MemberSubscriptionResolver } from "./member-subscription-resolver";
import { NodeResolver } from "./node-resolver";
import { PartnerResolver } from "./partner-resolver";
import { SignInResolver } from "./sign-in-resolver";
import { StaffResolver } from "./staff-resolver";
import { TierResolver } from "./tier-resolver";

export const resolvers = [MemberResolver, MemberConnectionResolver, MemberSubscriptionResolver, NodeResolver, PartnerResolver, SignInResolver, StaffResolver, TierResolver] as const;
