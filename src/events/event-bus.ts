// The event bus behind subscriptions. Services publish only after their transaction commits. In one process the
// events travel through an in-memory EventTarget; with Redis (src/events/redis-event-target.ts) every process's
// subscribers receive every process's events.
import { setMaxListeners } from "node:events";
import type { PointEntryType, TierChangeReason } from "../entities";

export interface MemberChangedEvent {
  memberId: number;
  changedFields: string[];
  at: string;
}

export interface PointsChangedEvent {
  memberId: number;
  entryTypes: PointEntryType[];
  /** Sum of the entries' amounts: positive when points came in. */
  change: number;
  balance: number;
  at: string;
}

/** For later issues too (campaigns, segments): a member moved on the tier ladder or became permanent. */
export interface TierChangedEvent {
  memberId: number;
  fromTierId: number | null;
  toTierId: number;
  reason: TierChangeReason;
  at: string;
}

/** A member's segment in a scheme changed (fromSegmentId null: first placement). Published after commit. */
export interface SegmentMovedEvent {
  memberId: number;
  schemeId: number;
  fromSegmentId: number | null;
  toSegmentId: number;
  reason: string;
  at: string;
}

/** Sends a delivery batch made, skipped or postponed for one campaign. Published after commit. */
export interface CampaignProgressEvent {
  campaignId: number;
  sent: number;
  skipped: number;
  postponed: number;
  at: string;
}

export const topics = {
  memberChanged: "MEMBER_CHANGED",
  pointsChanged: "POINTS_CHANGED",
  tierChanged: "TIER_CHANGED",
  segmentMoved: "SEGMENT_MOVED",
  campaignProgress: "CAMPAIGN_PROGRESS",
} as const;

/** Every payload is plain JSON (times as ISO strings), so that it survives Redis unchanged. */
export interface EventPayloads {
  [topics.memberChanged]: MemberChangedEvent;
  [topics.pointsChanged]: PointsChangedEvent;
  [topics.tierChanged]: TierChangedEvent;
  [topics.segmentMoved]: SegmentMovedEvent;
  [topics.campaignProgress]: CampaignProgressEvent;
}

export type Topic = keyof EventPayloads;

/** Where events travel: an in-memory EventTarget, or one backed by Redis pub/sub. Events carry their payload in `detail`. */
export interface BusTarget {
  addEventListener(topic: string, listener: (event: Event) => void): void;
  removeEventListener(topic: string, listener: (event: Event) => void): void;
  dispatchEvent(event: Event): boolean;
}

/** The class of error a subscription ends with when its subscriber cannot keep up. */
export class SubscriberFellBehind extends Error {
  readonly extensions = { code: "SUBSCRIBER_FELL_BEHIND" };
  constructor(capacity: number) {
    super(`This subscription fell more than ${capacity} events behind and was ended. Subscribe again, or register a webhook for bulk feeds.`);
    this.name = "SubscriberFellBehind";
  }
}

/** How many matching events a subscriber may have waiting before its subscription is ended. */
export const defaultSubscriberCapacity = 10_000;

export class EventBus {
  constructor(
    private readonly target: BusTarget,
    private readonly subscriberCapacity = defaultSubscriberCapacity,
  ) {}

  publish<T extends Topic>(topic: T, payload: EventPayloads[T]): void {
    this.target.dispatchEvent(new CustomEvent(topic, { detail: payload }));
  }

  /**
   * The events of a topic that `accept` lets through, from now on. Filtering happens before queueing, so a
   * subscriber holds only its own events; one that falls too far behind (a full re-evaluation moves thousands of
   * members at once) is ended with SUBSCRIBER_FELL_BEHIND rather than holding memory without bound.
   */
  subscribe<T extends Topic>(topic: T, accept: (payload: EventPayloads[T]) => boolean = () => true): AsyncIterableIterator<EventPayloads[T]> {
    return new Subscription<EventPayloads[T]>(this.target, topic, accept, this.subscriberCapacity);
  }
}

/** An event queue that listens from the moment it is made (not from the first `next`) until it is returned. */
class Subscription<T> implements AsyncIterableIterator<T> {
  private readonly queue: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | null = null;
  private failure: Error | null = null;
  private ended = false;
  private readonly listener = (event: Event) => this.receive((event as CustomEvent<T>).detail);

  constructor(
    private readonly target: BusTarget,
    private readonly topic: string,
    private readonly accept: (payload: T) => boolean,
    private readonly capacity: number,
  ) {
    target.addEventListener(topic, this.listener);
  }

  private receive(payload: T): void {
    if (this.ended || !this.accept(payload)) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: payload, done: false });
    } else if (this.queue.length < this.capacity) {
      this.queue.push(payload);
    } else {
      // What is queued is still delivered; then the subscription ends with this error.
      this.failure = new SubscriberFellBehind(this.capacity);
      this.stopListening();
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.queue.length > 0) return Promise.resolve({ value: this.queue.shift() as T, done: false });
    if (this.failure) {
      const failure = this.failure;
      this.failure = null;
      return Promise.reject(failure);
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    // Only an empty queue waits, and a failure needs a full one: a waiting `next` never has to reject.
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.stopListening();
    this.queue.length = 0;
    this.failure = null;
    this.waiting?.({ value: undefined, done: true });
    this.waiting = null;
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    return this.return().then(() => Promise.reject(error));
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  private stopListening(): void {
    if (this.ended) return;
    this.ended = true;
    this.target.removeEventListener(this.topic, this.listener);
  }
}

/** The in-process bus: for one server, the command-line tools without Redis, and tests. */
export function createEventBus(capacity?: number): EventBus {
  const target = new EventTarget();
  // Every subscription is a listener: hundreds are normal, not the leak Node warns about past ten.
  setMaxListeners(0, target);
  return new EventBus(target, capacity);
}
