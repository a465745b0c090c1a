// Badges and titles in the graph: the catalogue, a member's badges, and staff's inputs.
import { Field, ID, InputType, ObjectType } from "type-graphql";
import type { BadgeRecord } from "../entities";
import type { HeldBadge } from "../services/engagement/badges/badge-service";

@ObjectType({ simpleResolvers: true, description: "A badge of the catalogue; a title (称号, e.g. 社交达人) when isTitle is true." })
export class Badge {
  @Field(() => ID)
  id: string;

  @Field()
  code: string;

  @Field({ description: "Name shown to members, in Chinese." })
  name: string;

  @Field()
  nameEnglish: string;

  @Field(() => String, { nullable: true })
  description: string | null;

  @Field(() => String, { nullable: true })
  descriptionEnglish: string | null;

  @Field({ description: "A title may be shown beside the member's name (member.title)." })
  isTitle: boolean;

  static fromRecord(record: BadgeRecord): Badge {
    return Object.assign(new Badge(), {
      id: String(record.id),
      code: record.code,
      name: record.nameZh,
      nameEnglish: record.nameEn,
      description: record.descriptionZh,
      descriptionEnglish: record.descriptionEn,
      isTitle: record.isTitle,
    });
  }
}

@ObjectType({ simpleResolvers: true, description: "A badge a member holds, and why." })
export class MemberBadge {
  @Field(() => Badge)
  badge: Badge;

  @Field()
  reason: string;

  @Field(() => Date)
  awardedAt: Date;

  @Field(() => Date, { nullable: true, description: "Set when staff took the badge back; revoked badges are not listed in member.badges." })
  revokedAt: Date | null;

  static fromHeld({ award, badge }: HeldBadge): MemberBadge {
    return Object.assign(new MemberBadge(), { badge: Badge.fromRecord(badge), reason: award.reason, awardedAt: award.awardedAt, revokedAt: award.revokedAt });
  }
}

@InputType()
export class CreateBadgeInput {
  @Field({ description: "Letters, digits, _ . : - (up to 32); stored in capitals." })
  code: string;

  @Field()
  nameZh: string;

  @Field()
  nameEn: string;

  @Field(() => String, { nullable: true })
  descriptionZh?: string | null;

  @Field(() => String, { nullable: true })
  descriptionEn?: string | null;

  @Field({ defaultValue: false, description: "True for a title members may show beside their name. Fixed once created." })
  isTitle: boolean;
}

@InputType({ description: "Only the fields given change; the code and isTitle are fixed." })
export class UpdateBadgeInput {
  @Field(() => String, { nullable: true })
  nameZh?: string | null;

  @Field(() => String, { nullable: true })
  nameEn?: string | null;

  @Field(() => String, { nullable: true, description: "An explicit null removes it." })
  descriptionZh?: string | null;

  @Field(() => String, { nullable: true, description: "An explicit null removes it." })
  descriptionEn?: string | null;
}
