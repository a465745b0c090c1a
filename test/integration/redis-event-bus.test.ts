// The Redis event bus against a real Redis (REDIS_URL, started by .ci/run); skipped without one.
import { randomUUID } from "node:crypto";
import { topics, type SegmentMovedEvent } from "../../src/events/event-bus";
import { connectRedisEventBus, type ConnectedEventBus } from "../../src/events/redis-event-bus";
import { freePort } from "../support/cli";

const redisUrl = process.env.REDIS_URL;
const describeWithRedis = redisUrl ? describe : describe.skip;

const move = (memberId: number): SegmentMovedEvent => ({ memberId, schemeId: 3, fromSegmentId: null, toSegmentId: 9, reason: "EVENT", at: "2026-11-23T08:00:00.000Z" });

async function nextWithin<T>(iterator: AsyncIterator<T>, milliseconds: number): Promise<T | "nothing"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"nothing">((resolve) => (timer = setTimeout(() => resolve("nothing"), milliseconds)));
  try {
    return await Promise.race([iterator.next().then((result) => result.value as T), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describeWithRedis("the event bus over Redis", () => {
  const buses: ConnectedEventBus[] = [];
  const connect = async (channelPrefix: string) => {
    const bus = await connectRedisEventBus(redisUrl!, { channelPrefix });
    buses.push(bus);
    return bus;
  };
  afterAll(async () => {
    await Promise.all(buses.map((bus) => bus.close()));
  });

  it("delivers an event published on one bus to the subscribers of every bus with the same prefix, and none other", async () => {
    const prefix = `test-${randomUUID()}:`;
    const [first, second, elsewhere] = await Promise.all([connect(prefix), connect(prefix), connect(`other-${randomUUID()}:`)]);
    const onFirst = first.events.subscribe(topics.segmentMoved);
    const onSecond = second.events.subscribe(topics.segmentMoved, (event) => event.memberId === 42);
    const onElsewhere = elsewhere.events.subscribe(topics.segmentMoved);

    first.events.publish(topics.segmentMoved, move(41));
    first.events.publish(topics.segmentMoved, move(42));
    // The payload arrives unchanged (it is plain JSON), in order, and filtered on the receiving side.
    expect(await nextWithin(onFirst, 2_000)).toEqual(move(41));
    expect(await nextWithin(onFirst, 2_000)).toEqual(move(42));
    expect(await nextWithin(onSecond, 2_000)).toEqual(move(42));
    expect(await nextWithin(onElsewhere, 300)).toBe("nothing");
    await Promise.all([onFirst.return?.(), onSecond.return?.(), onElsewhere.return?.()]);
  });

  it("still receives after every subscriber of a topic has left and a new one arrives", async () => {
    const prefix = `test-${randomUUID()}:`;
    const [publisher, receiver] = await Promise.all([connect(prefix), connect(prefix)]);
    const early = receiver.events.subscribe(topics.pointsChanged);
    await early.return?.();
    const late = receiver.events.subscribe(topics.pointsChanged);
    publisher.events.publish(topics.pointsChanged, { memberId: 1, entryTypes: ["EARN"], change: 10, balance: 10, at: "2026-11-23T08:00:00.000Z" });
    expect(await nextWithin(late, 2_000)).toMatchObject({ memberId: 1, change: 10 });
    await late.return?.();
  });

  it("fails at once with the address when Redis cannot be reached", async () => {
    const port = await freePort();
    await expect(connectRedisEventBus(`redis://127.0.0.1:${port}`, { channelPrefix: "x:" })).rejects.toThrow(`Cannot connect to Redis at redis://127.0.0.1:${port}`);
  });
});
