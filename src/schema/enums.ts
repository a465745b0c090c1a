// GraphQL enums over the engine's vocabularies, so the API and scoring speak the same words.
import { registerEnumType } from "type-graphql";
import { partnerScopes, staffRoles } from "../auth/permissions";
import { ageBands, educationLevels, genders, incomeLevels, joinChannels, occupations } from "../engine";

function enumObject<T extends string>(values: readonly T[]): { [K in T]: K } {
  return Object.fromEntries(values.map((value) => [value, value])) as { [K in T]: K };
}

export const GenderEnum = enumObject(genders);
export const EducationLevelEnum = enumObject(educationLevels);
export const OccupationEnum = enumObject(occupations);
export const IncomeLevelEnum = enumObject(incomeLevels);
export const JoinChannelEnum = enumObject(joinChannels);
export const AgeBandEnum = enumObject(ageBands);
export const StaffRoleEnum = enumObject(staffRoles.map((role) => role.toUpperCase() as Uppercase<typeof role>));
export const PartnerScopeEnum = {
  MEMBERS_LOOKUP: "members:lookup",
  BENEFITS_READ: "benefits:read",
  BENEFITS_REDEEM: "benefits:redeem",
  POINTS_EARN: "points:earn",
  POINTS_REDEEM: "points:redeem",
  SETTLEMENT_READ: "settlement:read",
} as const satisfies Record<string, (typeof partnerScopes)[number]>;

registerEnumType(GenderEnum, { name: "Gender" });
registerEnumType(EducationLevelEnum, { name: "EducationLevel", description: "Education: low, middle or high, as the brief bands it." });
registerEnumType(OccupationEnum, { name: "Occupation" });
registerEnumType(IncomeLevelEnum, { name: "IncomeLevel" });
registerEnumType(JoinChannelEnum, { name: "JoinChannel", description: "Where the member joined: offline store, online shop, app or WeChat mini-program (小程序)." });
registerEnumType(AgeBandEnum, { name: "AgeBand", description: "Age bands of the brief: 18-25, 26-35, 36-45, 46-55, 56+." });
registerEnumType(StaffRoleEnum, { name: "StaffRole", description: "ADMIN: everything. OPERATOR: marketing, personal data masked. ANALYST: read-only, masked." });
registerEnumType(PartnerScopeEnum, { name: "PartnerScope", description: "What a partner's API key may do." });
