import { DateTimeISOResolver } from "graphql-scalars";
import type { GraphQLSchema } from "graphql";
import { buildSchema as buildTypeGraphqlSchema } from "type-graphql";
import { authChecker } from "../auth/auth-checker";
import type { EventBus } from "../events/event-bus";
import { resolvers } from "../resolvers";

/** Built once per process, around the event bus that subscriptions listen to. */
export function buildSchema(events: EventBus): Promise<GraphQLSchema> {
  return buildTypeGraphqlSchema({
    resolvers,
    pubSub: events,
    authChecker,
    // Every input is checked by the services, which name the field at fault.
    validate: false,
    scalarsMap: [{ type: Date, scalar: DateTimeISOResolver }],
  });
}
