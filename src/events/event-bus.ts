// The in-process event bus behind subscriptions. Services publish only after their transaction commits.
import { createPubSub } from "@graphql-yoga/subscription";

export interface MemberChangedEvent {
  memberId: number;
  changedFields: string[];
  at: string;
}

export const topics = {
  memberChanged: "MEMBER_CHANGED",
} as const;

export function createEventBus() {
  return createPubSub<{
    [topics.memberChanged]: [MemberChangedEvent];
  }>();
}

export type EventBus = ReturnType<typeof createEventBus>;
