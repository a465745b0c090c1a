// The event bus over Redis pub/sub, for several server processes (and the command-line tools) behind one load
// balancer: an event published by any of them reaches the subscribers of all of them, its own included.
import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import { Redis } from "ioredis";
import { EventBus, topics, type BusTarget } from "./event-bus";

export interface RedisEventBusOptions {
  /** Channel names are the topics with this prefix, so that several deployments can share one Redis. */
  channelPrefix: string;
  subscriberCapacity?: number;
  onError?: (error: Error) => void;
}

export interface ConnectedEventBus {
  events: EventBus;
  close(): Promise<void>;
}

/** Renames topics to prefixed channels and back; the payload travels as JSON. */
function prefixedTarget(target: BusTarget, prefix: string): BusTarget {
  return {
    addEventListener: (topic, listener) => target.addEventListener(prefix + topic, listener),
    removeEventListener: (topic, listener) => target.removeEventListener(prefix + topic, listener),
    dispatchEvent: (event) => target.dispatchEvent(new CustomEvent(prefix + event.type, { detail: (event as CustomEvent).detail })),
  };
}

/**
 * Connects two clients (a connection in subscriber mode can do nothing else) and subscribes to every topic before
 * returning, so that no event published after start-up is missed while a SUBSCRIBE is in flight. A listener per
 * topic stays for the life of the bus: the library unsubscribes a channel when its last listener goes, and the
 * next subscriber would race its own SUBSCRIBE again. Fails when Redis cannot be reached.
 */
export async function connectRedisEventBus(url: string, options: RedisEventBusOptions): Promise<ConnectedEventBus> {
  // No retries until the first connection is made: a server that cannot reach Redis at start-up should say so
  // and stop; once connected, a lost connection is retried (up to 2 s apart) while events queue.
  let connected = false;
  const clientOptions = { lazyConnect: true, connectionName: "loyalty-graph-events", retryStrategy: (attempt: number) => (connected ? Math.min(attempt * 100, 2_000) : null) };
  const publishClient = new Redis(url, clientOptions);
  const subscribeClient = new Redis(url, clientOptions);
  const onError = options.onError ?? (() => undefined);
  // ioredis reconnects by itself; without a listener an 'error' event would crash the process.
  publishClient.on("error", onError);
  subscribeClient.on("error", onError);
  try {
    await Promise.all([publishClient.connect(), subscribeClient.connect()]);
    connected = true;
    const target = prefixedTarget(createRedisEventTarget({ publishClient, subscribeClient }) as unknown as BusTarget, options.channelPrefix);
    const keepSubscribed = () => undefined;
    for (const topic of Object.values(topics)) target.addEventListener(topic, keepSubscribed);
    await subscribeClient.subscribe(...Object.values(topics).map((topic) => options.channelPrefix + topic));
    return {
      events: new EventBus(target, options.subscriberCapacity),
      async close() {
        await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
      },
    };
  } catch (error) {
    // A client whose first connection failed has ended already; disconnecting it again leaves a 2 s timer behind.
    for (const client of [publishClient, subscribeClient]) if (client.status !== "end") client.disconnect();
    throw new Error(`Cannot connect to Redis at ${url} for the event bus: ${error instanceof Error ? error.message : String(error)}`);
  }
}
