// Property: whatever sequence of commands a member's points go through, the cached balance equals the sum of the
// ledger entries and of the lots, balance and debt never go negative, and a retried command changes nothing.
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { PointEntryRecord } from "../../src/entities";
import { ClientError } from "../../src/errors";
import { verifyLedger } from "../../src/services/points/ledger-verifier";
import type { ServiceContext } from "../../src/services/service-context";
import { testDatabaseKinds } from "../support/databases";
import { startTestApplication, type TestApplication } from "../support/test-application";

type Command =
  | { kind: "purchase"; amount: number }
  | { kind: "award"; points: number }
  | { kind: "redeem"; points: number }
  | { kind: "adjust"; points: number }
  | { kind: "refund"; orderIndex: number; percent: number }
  | { kind: "advance"; days: number }
  | { kind: "expireJob" }
  | { kind: "retryLast" };

// Weighted towards purchases, redemptions and refunds: together they make debt, the case most easily got wrong.
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("purchase" as const), amount: fc.integer({ min: 1, max: 400_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("award" as const), points: fc.integer({ min: 1, max: 2_000 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("redeem" as const), points: fc.integer({ min: 1, max: 1_500 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("adjust" as const), points: fc.integer({ min: -1_000, max: 1_000 }).filter((points) => points !== 0) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("refund" as const), orderIndex: fc.nat(), percent: fc.integer({ min: 1, max: 100 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("advance" as const), days: fc.integer({ min: 1, max: 400 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "expireJob" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "retryLast" as const }) },
);

/** The one refusal a generated command may meet by design; anything else fails the property. */
const expectedRefusals = ["INSUFFICIENT_POINTS"];

describe.each(testDatabaseKinds())("points ledger property on $name", (kind) => {
  let test: TestApplication;
  const staff: ServiceContext = { identity: { kind: "staff", staffUserId: 1, role: "admin" }, requestId: null };

  beforeAll(async () => {
    test = await startTestApplication(kind, { POINTS_EXPIRY: "months:6" });
  });
  afterAll(async () => {
    await test?.close();
  });

  it("keeps balance = sum of entries = sum of lots over random command sequences", async () => {
    const { services, database } = test.application;
    await fc.assert(
      fc.asyncProperty(fc.array(command, { maxLength: 18 }), async (commands) => {
        const memberId = (await test.createMember()).id;
        const orders: { id: string; amount: number; refunded: number }[] = [];
        let last: (() => Promise<unknown>) | null = null;
        let lastOutcome: unknown = null;
        for (const step of commands) {
          const key = randomUUID();
          let run: (() => Promise<unknown>) | null = null;
          switch (step.kind) {
            case "purchase": {
              const orderId = `P-${randomUUID()}`;
              orders.push({ id: orderId, amount: step.amount, refunded: 0 });
              const input = { memberId, purchase: { orderId, amount: step.amount, category: "FOOD", channel: "APP" as const, storeCode: "S-1" } };
              run = () => services.points.earn(staff, input, key);
              break;
            }
            case "award":
              run = () => services.points.earn(staff, { memberId, points: step.points, source: "CAMPAIGN", reason: "Property" }, key);
              break;
            case "redeem":
              run = () => services.points.redeem(staff, { memberId, points: step.points, reason: "Property" }, key);
              break;
            case "adjust":
              run = () => services.points.adjust(staff, { memberId, points: step.points, reason: "Property" }, key);
              break;
            case "refund": {
              if (orders.length === 0) break;
              const order = orders[step.orderIndex % orders.length];
              const amount = Math.max(1, Math.floor(((order.amount - order.refunded) * step.percent) / 100));
              if (order.refunded + amount > order.amount) break;
              order.refunded += amount;
              run = () => services.points.refund(staff, { orderId: order.id, amount }, key);
              break;
            }
            case "advance":
              test.clock.advance(step.days * 86_400_000);
              break;
            case "expireJob":
              await services.pointsExpiry.run();
              break;
            case "retryLast": {
              if (!last) break;
              const entriesBefore = await database.dataSource.getRepository(PointEntryRecord).countBy({ memberId });
              const again = await last().catch((error: unknown) => error);
              // A command that succeeded is only replayed: the same result, nothing written. One that was refused
              // stored nothing, so its retry runs again (and may now succeed).
              if (!(lastOutcome instanceof Error)) {
                expect(again).toEqual(lastOutcome);
                expect(await database.dataSource.getRepository(PointEntryRecord).countBy({ memberId })).toBe(entriesBefore);
              }
              break;
            }
          }
          if (run) {
            last = run;
            lastOutcome = await run().catch((error: unknown) => {
              if (!(error instanceof ClientError) || !expectedRefusals.includes(String(error.extensions.code))) throw error;
              return error;
            });
          }
        }
        const report = await verifyLedger(database.dataSource);
        expect(report.differences).toEqual([]);
        // Every entry, expiries included, also went into the programme's daily points facts (none folded here).
        const [sums] = await database.dataSource.query("SELECT (SELECT COALESCE(SUM(amount), 0) FROM point_entries) AS ledger, (SELECT COALESCE(SUM(points), 0) FROM kpi_points_changes) AS facts");
        expect(Number(sums.facts)).toBe(Number(sums.ledger));
      }),
      {
        numRuns: kind.name === "sqlite" ? 40 : 15,
        // Always tried first: spend most of an order's points, refund it (debt), earn again (repayment), let it expire.
        examples: [[[
          { kind: "purchase", amount: 100_000 },
          { kind: "redeem", points: 900 },
          { kind: "refund", orderIndex: 0, percent: 100 },
          { kind: "purchase", amount: 150_000 },
          { kind: "advance", days: 200 },
          { kind: "expireJob" },
        ]]],
      },
    );
  });
});
