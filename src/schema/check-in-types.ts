import { Field, InputType, Int, ObjectType } from "type-graphql";

@ObjectType({ description: "A day's check-in (签到)." })
export class CheckIn {
  @Field({ description: "The local date, YYYY-MM-DD in the programme's time zone." })
  date: string;

  @Field(() => Int, { description: "Consecutive days including this one." })
  streak: number;

  @Field(() => Int)
  points: number;

  @Field(() => Int, { description: "Extra points for reaching a streak milestone today." })
  bonusPoints: number;

  @Field(() => Date)
  checkedInAt: Date;
}

@ObjectType()
export class CheckInPayload {
  @Field(() => CheckIn)
  checkIn: CheckIn;

  @Field({ description: "True when the member had already checked in today: this tap earned nothing." })
  alreadyCheckedIn: boolean;

  @Field(() => Int, { description: "The points balance after the check-in." })
  balance: number;
}

@ObjectType()
export class CheckInMilestone {
  @Field(() => Int)
  streakDays: number;

  @Field(() => Int)
  bonusPoints: number;
}

@ObjectType()
export class NextCheckInMilestone extends CheckInMilestone {
  @Field(() => Int, { description: "Check-ins still needed, one a day without a gap." })
  checkInsToGo: number;
}

@ObjectType({ description: "The member's check-in streak (连续签到)." })
export class CheckInStreak {
  @Field(() => Int, { description: "Alive while the last check-in was today or yesterday; 0 after a missed day." })
  current: number;

  @Field(() => Int)
  longest: number;

  @Field(() => Int)
  total: number;

  @Field()
  checkedInToday: boolean;

  @Field(() => CheckIn, { nullable: true })
  lastCheckIn: CheckIn | null;

  @Field(() => [Int], { description: "Days of this local month with a check-in (1-31), for the calendar." })
  daysThisMonth: number[];

  @Field(() => NextCheckInMilestone, { nullable: true })
  nextMilestone: NextCheckInMilestone | null;
}

@ObjectType({ description: "Points per check-in and the streak bonuses." })
export class CheckInRule {
  @Field(() => Int)
  basePoints: number;

  @Field(() => [CheckInMilestone])
  milestones: readonly CheckInMilestone[];
}

@InputType()
export class CheckInMilestoneInput {
  @Field(() => Int)
  streakDays: number;

  @Field(() => Int)
  bonusPoints: number;
}

@InputType()
export class CheckInRuleInput {
  @Field(() => Int)
  basePoints: number;

  @Field(() => [CheckInMilestoneInput])
  milestones: CheckInMilestoneInput[];
}
