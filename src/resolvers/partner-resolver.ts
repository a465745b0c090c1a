import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { PartnerScope } from "../auth/permissions";
import { PartnerScopeEnum } from "../schema/enums";
import { expectGlobalId } from "../schema/global-id";
import { CreatePartnerInput, IssuedPartnerApiKey, Partner, PartnerApiKey, UpdatePartnerInput } from "../schema/partner-types";
import type { RequestContext } from "../server/request-context";

@Resolver(() => Partner)
export class PartnerResolver {
  @Authorized("partners:manage")
  @Query(() => [Partner], { description: "Coalition partners, for admins." })
  async partners(@Ctx() context: RequestContext): Promise<Partner[]> {
    return (await context.services.partners.list()).map(Partner.fromRecord);
  }

  @Authorized("partners:manage")
  @FieldResolver(() => [PartnerApiKey])
  async apiKeys(@Root() partner: Partner, @Ctx() context: RequestContext): Promise<PartnerApiKey[]> {
    return (await context.loaders.apiKeysByPartnerId.load(partner.partnerId)).map(PartnerApiKey.fromRecord);
  }

  @Authorized("partners:manage")
  @Mutation(() => Partner)
  async createPartner(@Arg("input", () => CreatePartnerInput) input: CreatePartnerInput, @Ctx() context: RequestContext): Promise<Partner> {
    return Partner.fromRecord(await context.services.partners.create(context, { ...input }));
  }

  @Authorized("partners:manage")
  @Mutation(() => Partner, { description: "Changes a partner's name, contact or status; SUSPENDED stops all its keys at once." })
  async updatePartner(
    @Arg("partnerId", () => ID) partnerId: string,
    @Arg("input", () => UpdatePartnerInput) input: UpdatePartnerInput,
    @Ctx() context: RequestContext,
  ): Promise<Partner> {
    return Partner.fromRecord(await context.services.partners.update(context, expectGlobalId(partnerId, "Partner", "partnerId"), { ...input }));
  }

  @Authorized("partners:manage")
  @Mutation(() => IssuedPartnerApiKey, { description: "Issues a key with the scopes given; the key is shown only in this response." })
  async issuePartnerApiKey(
    @Arg("partnerId", () => ID) partnerId: string,
    @Arg("scopes", () => [PartnerScopeEnum]) scopes: PartnerScope[],
    @Arg("requestsPerMinute", () => Int, { nullable: true, defaultValue: null, description: "1-100000; the server's PARTNER_REQUESTS_PER_MINUTE when left out." })
    requestsPerMinute: number | null,
    @Ctx() context: RequestContext,
  ): Promise<IssuedPartnerApiKey> {
    const issued = await context.services.partners.issueApiKey(context, expectGlobalId(partnerId, "Partner", "partnerId"), scopes, requestsPerMinute);
    return { key: issued.key, apiKey: PartnerApiKey.fromRecord(issued.record) };
  }

  @Authorized("partners:manage")
  @Mutation(() => IssuedPartnerApiKey, { description: "Issues a new key with the same scopes and rate limit and revokes this one at once; the new key is shown only in this response." })
  async rotatePartnerApiKey(@Arg("keyId") keyId: string, @Ctx() context: RequestContext): Promise<IssuedPartnerApiKey> {
    const issued = await context.services.partners.rotateApiKey(context, keyId);
    return { key: issued.key, apiKey: PartnerApiKey.fromRecord(issued.record) };
  }

  @Authorized("partners:manage")
  @Mutation(() => PartnerApiKey, { description: "Sets the requests a key may make in a minute (1-100000), from its next request." })
  async setPartnerApiKeyRateLimit(@Arg("keyId") keyId: string, @Arg("requestsPerMinute", () => Int) requestsPerMinute: number, @Ctx() context: RequestContext): Promise<PartnerApiKey> {
    return PartnerApiKey.fromRecord(await context.services.partners.setApiKeyRateLimit(context, keyId, requestsPerMinute));
  }

  @Authorized("partners:manage")
  @Mutation(() => PartnerApiKey, { description: "Revokes a key at once; revoking twice is harmless." })
  async revokePartnerApiKey(@Arg("keyId") keyId: string, @Ctx() context: RequestContext): Promise<PartnerApiKey> {
    return PartnerApiKey.fromRecord(await context.services.partners.revokeApiKey(context, keyId));
  }
}
