import { Field, InputType, Int, ObjectType } from "type-graphql";
import type { PartnerScope } from "../auth/permissions";
import type { PartnerApiKeyRecord, PartnerRecord } from "../entities";
import type { PartnerStatus } from "../entities/partner-record";
import { PartnerScopeEnum, PartnerStatusEnum } from "./enums";
import { toGlobalId } from "./global-id";
import { Node } from "./node";

@ObjectType({ description: "A partner API key; the key itself is shown only once, when issued." })
export class PartnerApiKey {
  @Field({ description: "Public part of the key, safe to show and log." })
  keyId: string;

  @Field(() => [PartnerScopeEnum])
  scopes: PartnerScope[];

  @Field(() => Int, { description: "Requests the key may make in a minute; more are refused with RATE_LIMITED (HTTP 429)." })
  requestsPerMinute: number;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  revokedAt: Date | null;

  static fromRecord(record: PartnerApiKeyRecord): PartnerApiKey {
    return Object.assign(new PartnerApiKey(), {
      keyId: record.keyId,
      scopes: record.scopes,
      requestsPerMinute: record.requestsPerMinute,
      createdAt: record.createdAt,
      revokedAt: record.revokedAt,
    });
  }
}

@ObjectType({ implements: Node, description: "A brand of the coalition (跨品牌联盟)." })
export class Partner extends Node {
  /** Numeric id, for loading the partner's keys. */
  partnerId: number;

  @Field()
  code: string;

  @Field()
  name: string;

  @Field(() => String, { nullable: true })
  contactName: string | null;

  @Field(() => String, { nullable: true })
  contactEmail: string | null;

  @Field(() => PartnerStatusEnum)
  status: PartnerStatus;

  @Field(() => Date)
  createdAt: Date;

  static fromRecord(record: PartnerRecord): Partner {
    return Object.assign(new Partner(), {
      partnerId: record.id,
      id: toGlobalId("Partner", record.id),
      code: record.code,
      name: record.name,
      contactName: record.contactName,
      contactEmail: record.contactEmail,
      status: record.status,
      createdAt: record.createdAt,
    });
  }
}

@ObjectType()
export class IssuedPartnerApiKey {
  @Field({ description: "Send as `Authorization: ApiKey <key>`. Shown only now: store it safely." })
  key: string;

  @Field(() => PartnerApiKey)
  apiKey: PartnerApiKey;
}

@InputType()
export class CreatePartnerInput {
  @Field({ description: "2-32 letters, digits or underscores, e.g. COFFEE_CO." })
  code: string;

  @Field()
  name: string;

  @Field(() => String, { nullable: true, description: "Who to talk to at the partner, up to 64 characters." })
  contactName?: string | null;

  @Field(() => String, { nullable: true })
  contactEmail?: string | null;
}

@InputType({ description: "Partner fields to change; fields left out stay as they are, null clears a contact field." })
export class UpdatePartnerInput {
  @Field(() => String, { nullable: true, description: "1-128 characters." })
  name?: string | null;

  @Field(() => String, { nullable: true, description: "Up to 64 characters." })
  contactName?: string | null;

  @Field(() => String, { nullable: true })
  contactEmail?: string | null;

  @Field(() => PartnerStatusEnum, { nullable: true, description: "SUSPENDED refuses all the partner's keys at once; ACTIVE lets them work again." })
  status?: PartnerStatus | null;
}
