import { Field, InputType, ObjectType } from "type-graphql";
import type { PartnerScope } from "../auth/permissions";
import type { PartnerApiKeyRecord, PartnerRecord } from "../entities";
import { PartnerScopeEnum } from "./enums";
import { toGlobalId } from "./global-id";
import { Node } from "./node";

@ObjectType({ description: "A partner API key; the key itself is shown only once, when issued." })
export class PartnerApiKey {
  @Field({ description: "Public part of the key, safe to show and log." })
  keyId: string;

  @Field(() => [PartnerScopeEnum])
  scopes: PartnerScope[];

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  revokedAt: Date | null;

  static fromRecord(record: PartnerApiKeyRecord): PartnerApiKey {
    return Object.assign(new PartnerApiKey(), { keyId: record.keyId, scopes: record.scopes, createdAt: record.createdAt, revokedAt: record.revokedAt });
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
  contactEmail: string | null;

  @Field()
  status: string;

  @Field(() => Date)
  createdAt: Date;

  static fromRecord(record: PartnerRecord): Partner {
    return Object.assign(new Partner(), {
      partnerId: record.id,
      id: toGlobalId("Partner", record.id),
      code: record.code,
      name: record.name,
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

  @Field(() => String, { nullable: true })
  contactEmail?: string | null;
}
