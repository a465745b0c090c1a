// The event bus a process uses: over Redis when REDIS_URL is set (so that moves made by one server, or by a
// command-line job, reach the subscribers of every server), otherwise in the process.
import type { Config } from "../config";
import { createEventBus } from "./event-bus";
import { connectRedisEventBus, type ConnectedEventBus } from "./redis-event-bus";

export async function openEventBus(config: Pick<Config, "redisUrl" | "redisChannelPrefix">, onError?: (error: Error) => void): Promise<ConnectedEventBus> {
  if (config.redisUrl === null) return { events: createEventBus(), close: async () => undefined };
  return connectRedisEventBus(config.redisUrl, { channelPrefix: config.redisChannelPrefix, onError });
}
