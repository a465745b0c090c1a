import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { canSeePersonalData, requireCanReadMember, requireMember, requirePermission } from "../auth/policies";
import { ageBand, type AgeBand } from "../engine";
import { badUserInput, notFound, unauthenticated } from "../errors";
import { maskBirthday } from "../privacy/personal-data-format";
import { connectionBody } from "../schema/connection";
import { AgeBandEnum } from "../schema/enums";
import { expectGlobalId } from "../schema/global-id";
import { CreateMemberInput, MemberConsentInput, MemberFilterInput, MemberProfileInput } from "../schema/member-inputs";
import { Member, MemberConnection, MemberConsent } from "../schema/member-type";
import { decodeCursor, encodeCursor, validFirst } from "../schema/paging";
import { Tier } from "../schema/tier-type";
import type { MemberFilter } from "../services/member-service";
import type { RequestContext } from "../server/request-context";

const cursorKind = "member";

@Resolver(() => Member)
export class MemberResolver {
  @Query(() => Member, { nullable: true, description: "The signed-in member; null for staff and partners." })
  async me(@Ctx() context: RequestContext): Promise<Member | null> {
    if (context.identity.kind === "anonymous") throw unauthenticated();
    if (context.identity.kind !== "member") return null;
    const record = await context.services.members.findById(context.identity.memberId);
    return record ? Member.fromRecord(record) : null;
  }

  @Query(() => Member, { description: "A member by id: members may read only themself, staff need members:read." })
  async member(@Arg("id", () => ID) id: string, @Ctx() context: RequestContext): Promise<Member> {
    const memberId = expectGlobalId(id, "Member");
    requireCanReadMember(context.identity, memberId);
    const record = await context.services.members.findById(memberId);
    if (!record) throw notFound("No member has this id.");
    return Member.fromRecord(record);
  }

  @Query(() => MemberConnection, { description: "Members in id order, at most 100 a page. Staff with members:read." })
  async members(
    @Ctx() context: RequestContext,
    @Arg("first", () => Int, { defaultValue: 20 }) first: number,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
    @Arg("filter", () => MemberFilterInput, { nullable: true }) filterInput?: MemberFilterInput | null,
  ): Promise<MemberConnection> {
    requirePermission(context.identity, "members:read");
    const pageSize = validFirst(first);
    const afterId = decodeCursor(cursorKind, after);
    const filter = await this.memberFilter(context, filterInput ?? {});
    const page = await context.services.members.findPage(filter, pageSize, afterId);
    const body = connectionBody(page.records.map(Member.fromRecord), (member) => encodeCursor(cursorKind, member.record.id), page.hasNextPage);
    return Object.assign(new MemberConnection(), body, { filter });
  }

  private async memberFilter(context: RequestContext, input: MemberFilterInput): Promise<MemberFilter> {
    const filter: MemberFilter = { joinChannels: input.joinChannels, joinedFrom: input.joinedFrom, joinedBefore: input.joinedBefore };
    if (input.nameContains !== undefined && input.nameContains !== null) {
      const text = input.nameContains.trim();
      if (text.length > 64) throw badUserInput("filter.nameContains must be at most 64 characters.", "filter.nameContains");
      if (text !== "") filter.nameContains = text;
    }
    if (input.tierCodes?.length) {
      const tiers = await context.services.tiers.list();
      filter.tierIds = input.tierCodes.map((code) => {
        const tier = tiers.find((candidate) => candidate.code === code);
        if (!tier) throw badUserInput(`filter.tierCodes has an unknown tier "${code}": use one of ${tiers.map((known) => known.code).join(", ")}.`, "filter.tierCodes");
        return tier.id;
      });
    }
    return filter;
  }

  @FieldResolver(() => Tier)
  async tier(@Root() member: Member, @Ctx() context: RequestContext): Promise<Tier> {
    const record = await context.loaders.tierById.load(member.record.tierId);
    if (!record) throw new Error(`Member ${member.record.id} points at missing tier ${member.record.tierId}`);
    return Tier.fromRecord(record);
  }

  @FieldResolver(() => String, { description: "Masked as 138****5678 unless you are the member or hold pii:read." })
  phone(@Root() member: Member, @Ctx() context: RequestContext): string {
    return canSeePersonalData(context.identity, member.record.id) ? context.services.members.revealPhone(member.record) : member.record.phoneMasked;
  }

  @FieldResolver(() => String, { nullable: true, description: "Masked as z***@example.com unless you are the member or hold pii:read." })
  email(@Root() member: Member, @Ctx() context: RequestContext): string | null {
    return canSeePersonalData(context.identity, member.record.id) ? context.services.members.revealEmail(member.record) : member.record.emailMasked;
  }

  @FieldResolver(() => String, { nullable: true, description: "YYYY-MM-DD; masked as 1990-**-** unless you are the member or hold pii:read." })
  birthday(@Root() member: Member, @Ctx() context: RequestContext): string | null {
    const birthday = member.record.birthday;
    if (!birthday) return null;
    return canSeePersonalData(context.identity, member.record.id) ? birthday : maskBirthday(birthday);
  }

  @FieldResolver(() => Boolean, { description: "True when phone, email and birthday are shown masked to you." })
  personalDataMasked(@Root() member: Member, @Ctx() context: RequestContext): boolean {
    return !canSeePersonalData(context.identity, member.record.id);
  }

  @FieldResolver(() => AgeBandEnum, { nullable: true })
  ageBand(@Root() member: Member, @Ctx() context: RequestContext): AgeBand | null {
    return ageBand(member.record.birthday, context.clock.now());
  }

  @FieldResolver(() => MemberConsent)
  consent(@Root() member: Member): MemberConsent {
    const record = member.record;
    return { sms: record.consentSms, appPush: record.consentAppPush, email: record.consentEmail, wechat: record.consentWechat, updatedAt: record.consentUpdatedAt };
  }

  @Authorized("members:write")
  @Mutation(() => Member, { description: "Registers a member (e.g. at a store counter). Retrying with the same idempotencyKey returns the same member." })
  async createMember(
    @Arg("input", () => CreateMemberInput) input: CreateMemberInput,
    @Arg("idempotencyKey", { description: "A fresh UUID per new member; reuse it only to retry." }) idempotencyKey: string,
    @Ctx() context: RequestContext,
  ): Promise<Member> {
    return Member.fromRecord(await context.services.members.create(context, { ...input }, idempotencyKey));
  }

  @Authorized("members:write")
  @Mutation(() => Member, { description: "Staff correct a member's profile." })
  async updateMember(@Arg("id", () => ID) id: string, @Arg("input", () => MemberProfileInput) input: MemberProfileInput, @Ctx() context: RequestContext): Promise<Member> {
    return Member.fromRecord(await context.services.members.updateProfile(context, expectGlobalId(id, "Member"), { ...input }));
  }

  @Mutation(() => Member, { description: "The signed-in member changes their own profile." })
  async updateMyProfile(@Arg("input", () => MemberProfileInput) input: MemberProfileInput, @Ctx() context: RequestContext): Promise<Member> {
    return Member.fromRecord(await context.services.members.updateProfile(context, requireMember(context.identity), { ...input }));
  }

  @Mutation(() => Member, { description: "The signed-in member gives or withdraws consent per channel." })
  async updateMyConsent(@Arg("input", () => MemberConsentInput) input: MemberConsentInput, @Ctx() context: RequestContext): Promise<Member> {
    return Member.fromRecord(await context.services.members.updateConsent(context, requireMember(context.identity), { ...input }));
  }
}

@Resolver(() => MemberConnection)
export class MemberConnectionResolver {
  @FieldResolver(() => Int, { description: "Members matching the filter; costs a COUNT query, so ask only when shown." })
  totalCount(@Root() connection: MemberConnection, @Ctx() context: RequestContext): Promise<number> {
    return context.services.members.count(connection.filter);
  }
}
