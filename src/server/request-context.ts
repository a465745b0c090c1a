import type { Logger } from "pino";
import type { Identity } from "../auth/identity";
import type { Clock } from "../clock";
import type { EventBus } from "../events/event-bus";
import type { Loaders } from "../loaders/create-loaders";
import type { Services } from "../services";
import type { ServiceContext } from "../services/service-context";

/** The GraphQL context: built once per HTTP request or per subscription operation. */
export interface RequestContext extends ServiceContext {
  identity: Identity;
  requestId: string;
  services: Services;
  loaders: Loaders;
  clock: Clock;
  events: EventBus;
  logger: Logger;
}
