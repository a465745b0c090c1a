import { createEventBus, topics, type SegmentMovedEvent } from "../../src/events/event-bus";

const move = (memberId: number): SegmentMovedEvent => ({ memberId, schemeId: 1, fromSegmentId: 1, toSegmentId: 2, reason: "SCHEDULE", at: "2026-11-23T08:00:00.000Z" });

async function take<T>(iterator: AsyncIterator<T>, count: number): Promise<T[]> {
  const values: T[] = [];
  for (let index = 0; index < count; index += 1) values.push((await iterator.next()).value as T);
  return values;
}

describe("the in-process event bus", () => {
  it("delivers to each subscriber only the events its filter accepts, in order", async () => {
    const bus = createEventBus();
    const everything = bus.subscribe(topics.segmentMoved);
    const memberSeven = bus.subscribe(topics.segmentMoved, (event) => event.memberId === 7);
    for (const memberId of [1, 7, 2, 7]) bus.publish(topics.segmentMoved, move(memberId));
    expect((await take(everything, 4)).map((event) => event.memberId)).toEqual([1, 7, 2, 7]);
    expect((await take(memberSeven, 2)).map((event) => event.memberId)).toEqual([7, 7]);
    await everything.return?.();
    await memberSeven.return?.();
  });

  it("ends a subscriber that falls too far behind with SUBSCRIBER_FELL_BEHIND, without harming the publisher or others", async () => {
    const capacity = 100;
    const bus = createEventBus(capacity);
    const slow = bus.subscribe(topics.segmentMoved);
    const filtered = bus.subscribe(topics.segmentMoved, (event) => event.memberId === 0);
    // A burst far beyond what the slow subscriber may queue must not throw in the publisher.
    expect(() => {
      for (let index = 0; index < 5_000; index += 1) bus.publish(topics.segmentMoved, move(index));
    }).not.toThrow();
    const received: number[] = [];
    let failure: unknown = null;
    try {
      for (;;) {
        const next = await slow.next();
        if (next.done) break;
        received.push(next.value.memberId);
      }
    } catch (error) {
      failure = error;
    }
    expect(failure).toMatchObject({ name: "SubscriberFellBehind", extensions: { code: "SUBSCRIBER_FELL_BEHIND" } });
    // What it had buffered before it fell behind arrives first, in order.
    expect(received).toEqual([...Array(capacity).keys()]);
    // The filtered subscriber queued only its own event and still works.
    expect((await take(filtered, 1))[0].memberId).toBe(0);
    bus.publish(topics.segmentMoved, move(0));
    expect((await take(filtered, 1))[0].memberId).toBe(0);
    await filtered.return?.();
  });

  it("stops listening when a subscriber returns", async () => {
    const bus = createEventBus();
    const subscription = bus.subscribe(topics.segmentMoved);
    const first = subscription.next();
    bus.publish(topics.segmentMoved, move(1));
    expect((await first).value.memberId).toBe(1);
    await subscription.return?.();
    expect(() => bus.publish(topics.segmentMoved, move(2))).not.toThrow();
    expect((await subscription.next()).done).toBe(true);
  });
});
