// Things members do that engagement features count (challenge progress, badges), handed on inside the transaction
// that records them: a challenge's progress and its reward commit with the order, check-in or referral that made
// them, or not at all. Listeners register once at start-up.
import type { EntityManager } from "typeorm";
import type { BehaviourEventKind } from "../../entities";

/** Behaviour events as they are recorded, plus what the engagement features themselves produce. */
export type EngagementActivityKind = BehaviourEventKind | "CHECK_IN" | "REFERRAL_QUALIFIED";

export interface EngagementActivity {
  memberId: number;
  kind: EngagementActivityKind;
  /** When it happened (an order's placed time, a check-in's time). */
  occurredAt: Date;
  /** Fen for orders and refunds; null otherwise. */
  amount: number | null;
  /** Unique per activity of a kind (the behaviour event's source and id, the check-in's day): makes counting idempotent. */
  reference: string;
}

export type EngagementListener = (manager: EntityManager, activity: EngagementActivity) => Promise<void>;

export class EngagementHub {
  private readonly listeners: EngagementListener[] = [];

  subscribe(listener: EngagementListener): void {
    this.listeners.push(listener);
  }

  /** In the caller's transaction; a listener's failure rolls the activity back with it. */
  async publish(manager: EntityManager, activity: EngagementActivity): Promise<void> {
    for (const listener of this.listeners) await listener(manager, activity);
  }
}
