import { GraphQLJSON } from "graphql-scalars";
import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import type { SegmentRecord, SegmentSchemeRecord } from "../entities";
import { connectionTypes } from "./connection";
import { Member } from "./member-type";
import { SegmentRuleInput } from "./segment-rule-input";

@ObjectType({ description: "A segment: in a scheme (members go to the first segment whose rule matches; the catch-all takes the rest)." })
export class Segment {
  @Field(() => ID)
  id: string;

  @Field()
  code: string;

  @Field({ description: "Chinese name, as the consoles show it." })
  name: string;

  @Field()
  nameEn: string;

  @Field(() => Int, { description: "Order in the scheme: rules are tried from 0 up." })
  position: number;

  @Field({ description: "Matches every member the segments before it did not." })
  catchAll: boolean;

  @Field(() => GraphQLJSON, { description: "The rule (docs/segments.md); {} for the catch-all." })
  rule: unknown;

  record: SegmentRecord;

  static fromRecord(record: SegmentRecord): Segment {
    return Object.assign(new Segment(), { record, id: String(record.id), code: record.code, name: record.name, nameEn: record.nameEn, position: record.position, catchAll: record.catchAll, rule: JSON.parse(record.rule) });
  }
}

@ObjectType({ description: "Ordered segments ending in a catch-all: every member is in exactly one segment of a scheme." })
export class SegmentScheme {
  @Field(() => ID)
  id: string;

  @Field()
  code: string;

  @Field()
  name: string;

  @Field()
  nameEn: string;

  @Field()
  builtIn: boolean;

  record: SegmentSchemeRecord;

  static fromRecord(record: SegmentSchemeRecord): SegmentScheme {
    return Object.assign(new SegmentScheme(), { record, id: String(record.id), code: record.code, name: record.name, nameEn: record.nameEn, builtIn: record.builtIn });
  }
}

@ObjectType({ simpleResolvers: true })
export class MemberSegment {
  @Field(() => SegmentScheme)
  scheme: SegmentScheme;

  @Field(() => Segment)
  segment: Segment;

  @Field(() => Date)
  enteredAt: Date;

  @Field({ description: "Placed by hand: re-evaluations leave it until the placement is released." })
  pinned: boolean;
}

@ObjectType({ simpleResolvers: true })
export class SegmentPreview {
  @Field(() => Int, { description: "Members the rule selects now." })
  size: number;

  @Field(() => [Member], { description: "The first of them by id." })
  sample: Member[];
}

@InputType({ description: "A segment's code and names; the catch-all of a scheme is just this." })
export class CatchAllSegmentInput {
  @Field()
  code: string;

  @Field()
  name: string;

  @Field()
  nameEn: string;
}

@InputType({ description: "A segment with its rule: in a new scheme, or ad hoc." })
export class SegmentDefinitionInput extends CatchAllSegmentInput {
  @Field(() => SegmentRuleInput, { description: "A rule (docs/segments.md)." })
  rule: SegmentRuleInput;
}

@InputType()
export class CreateSegmentSchemeInput {
  @Field()
  code: string;

  @Field()
  name: string;

  @Field()
  nameEn: string;

  @Field(() => [SegmentDefinitionInput], { description: "In order: a member goes to the first whose rule matches." })
  segments: SegmentDefinitionInput[];

  @Field(() => CatchAllSegmentInput, { description: "The last segment, for every member no rule matched." })
  catchAll: CatchAllSegmentInput;
}

@ObjectType({ simpleResolvers: true, description: "Members of a segment, in id order." })
export class SegmentMemberConnection extends connectionTypes(Member, "SegmentMember") {
  segment: SegmentRecord;
}

@ObjectType({ simpleResolvers: true })
export class TierCount {
  @Field()
  tierCode: string;

  @Field(() => Int)
  members: number;
}

@ObjectType({ simpleResolvers: true })
export class LifecycleCount {
  @Field({ description: "NEW, ACTIVE, DECLINING, DORMANT, CHURNED, or NOT_SCORED." })
  stage: string;

  @Field(() => Int)
  members: number;
}

@ObjectType({ simpleResolvers: true, description: "A segment's members now, by tier and by lifecycle stage, largest first." })
export class SegmentBreakdown {
  @Field(() => [TierCount])
  byTier: TierCount[];

  @Field(() => [LifecycleCount])
  byLifecycle: LifecycleCount[];
}

@ObjectType({ simpleResolvers: true, description: "How many members two segments share now." })
export class SegmentOverlap {
  @Field(() => Segment)
  first: Segment;

  @Field(() => Segment)
  second: Segment;

  @Field(() => Int)
  members: number;
}
