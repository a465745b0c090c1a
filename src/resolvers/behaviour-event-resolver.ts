import { Arg, Authorized, Ctx, Mutation, Resolver } from "type-graphql";
import { fromGlobalId } from "../schema/global-id";
import { BehaviourEventInput, RecordEventsResult } from "../schema/behaviour-event-types";
import type { RequestContext } from "../server/request-context";

@Resolver()
export class BehaviourEventResolver {
  @Authorized("events:write")
  @Mutation(() => RecordEventsResult, {
    description:
      "Records up to 1,000 behaviour events. Each gets its own result: one bad event is REJECTED with a reason and the rest are kept; " +
      "an event sent again (same source and externalId) is a DUPLICATE and writes nothing. Orders earn points and refunds claw them back " +
      "through the ledger. Touched members are rescored before this returns.",
  })
  async recordEvents(@Arg("events", () => [BehaviourEventInput]) events: BehaviourEventInput[], @Ctx() context: RequestContext): Promise<RecordEventsResult> {
    const inputs = events.map((event) => {
      const parsed = fromGlobalId(event.memberId);
      // A malformed id rejects only its own event (the service names the field), not the whole batch.
      return { ...event, memberId: parsed?.type === "Member" ? parsed.id : Number.NaN };
    });
    return context.services.behaviourEvents.recordEvents(context, inputs, { awardPoints: true });
  }
}
