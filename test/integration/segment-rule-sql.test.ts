import fc from "fast-check";
import type { DataSource } from "typeorm";
import { ManualClock } from "../../src/clock";
import { loadConfig } from "../../src/config";
import { openDatabase } from "../../src/database/data-source";
import { evaluateRule, ruleFieldNames, ruleFields, type MemberFacts, type RuleFieldName, type SegmentRule } from "../../src/engine";
import { createEventBus } from "../../src/events/event-bus";
import { PersonalDataCipher } from "../../src/privacy/personal-data-cipher";
import { seedDemoData } from "../../src/seed/demo-data";
import { createServices } from "../../src/services";
import { matchingMemberIds, readMemberFacts } from "../../src/services/segments/member-facts";
import { testDatabaseKinds, type ScratchDatabase } from "../support/databases";

const now = new Date("2026-11-23T08:00:00.000Z");
const day = 86_400_000;

describe.each(testDatabaseKinds())("segment rules: the SQL filter and the evaluator agree on $name", (kind) => {
  let scratch: ScratchDatabase;
  let dataSource: DataSource;
  let members: (MemberFacts & { memberId: number })[];

  beforeAll(async () => {
    scratch = await kind.create();
    ({ dataSource } = await openDatabase(scratch.config, { runMigrations: true }));
    const clock = new ManualClock(now);
    const config = { ...loadConfig({ NODE_ENV: "test" }), database: scratch.config };
    await seedDemoData(dataSource, { members: 250, seed: 5, clock, cipher: new PersonalDataCipher(config.personalDataKey), withDemoStaff: false });
    const services = createServices({ dataSource, clock, config, events: createEventBus(), signInCodeSender: { send: async () => undefined } });
    await services.scoring.runFull("COMMAND_LINE", "test");
    members = await readMemberFacts(dataSource.manager, 0, 1_000);
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await scratch?.drop();
  });

  /** Values the members really have, so random conditions split the population instead of matching no one. */
  function seenValues(field: RuleFieldName): (number | string | boolean | Date)[] {
    return [...new Set(members.map((member) => member[field]).filter((value) => value !== null))] as (number | string | boolean | Date)[];
  }

  function conditionOf(field: RuleFieldName): fc.Arbitrary<SegmentRule> {
    const definition = ruleFields[field];
    const seen = seenValues(field);
    const nullChecks = fc.constantFrom<SegmentRule>({ field, op: "isNull" }, { field, op: "isNotNull" });
    if (definition.type === "boolean") return fc.boolean().map((value): SegmentRule => ({ field, op: "eq", value }));
    if (definition.type === "date") {
      const instants = seen.length > 0 ? fc.constantFrom(...(seen as Date[])) : fc.constant(now);
      return fc.oneof(
        nullChecks,
        fc.tuple(fc.constantFrom("before" as const, "after" as const), instants).map(([op, value]): SegmentRule => ({ field, op, value })),
        fc.tuple(fc.constantFrom("withinLastDays" as const, "notWithinLastDays" as const), fc.integer({ min: 1, max: 400 })).map(([op, value]): SegmentRule => ({ field, op, value })),
      );
    }
    const values = (definition.type === "text" ? [...(definition.values ?? []), ...seen] : [...seen, 0, 1, 3]) as (number | string)[];
    const value = fc.constantFrom(...(values.length > 0 ? values : ["NONE"]));
    const comparisons = definition.type === "number" ? (["eq", "ne", "lt", "lte", "gt", "gte"] as const) : (["eq", "ne"] as const);
    const options: fc.Arbitrary<SegmentRule>[] = [
      nullChecks,
      fc.tuple(fc.constantFrom(...comparisons), value).map(([op, single]): SegmentRule => ({ field, op, value: single })),
      fc.tuple(fc.constantFrom("in" as const, "notIn" as const), fc.uniqueArray(value, { minLength: 1, maxLength: 3 })).map(([op, list]): SegmentRule => ({ field, op, value: list })),
    ];
    if (definition.type === "number") {
      options.push(fc.tuple(value, value).map(([first, second]): SegmentRule => ({ field, op: "between", value: [Math.min(+first, +second), Math.max(+first, +second)] })));
    }
    return fc.oneof(...options);
  }

  const rules: fc.Arbitrary<SegmentRule> = fc.letrec<{ rule: SegmentRule }>((tie) => ({
    rule: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.constantFrom(...ruleFieldNames).chain(conditionOf),
      fc.array(tie("rule"), { minLength: 1, maxLength: 3 }).map((all): SegmentRule => ({ all })),
      fc.array(tie("rule"), { minLength: 1, maxLength: 3 }).map((any): SegmentRule => ({ any })),
      tie("rule").map((not): SegmentRule => ({ not })),
    ),
  })).rule;

  it("matches the same members by SQL as by evaluating each member's facts, for random rules over every field", async () => {
    expect(members.length).toBe(250);
    await fc.assert(
      fc.asyncProperty(rules, async (rule) => {
        const bySql = await matchingMemberIds(dataSource, rule, now);
        const byEvaluation = members.filter((member) => evaluateRule(rule, member, now)).map((member) => member.memberId);
        expect(bySql).toEqual(byEvaluation);
      }),
      { numRuns: 150, seed: 20261123 },
    );
  });

  it("finds the brief's churn warning: no login for 3 months, and members who never logged in", async () => {
    const rule: SegmentRule = { field: "lastLoginAt", op: "notWithinLastDays", value: 90 };
    const matched = await matchingMemberIds(dataSource, rule, now);
    const expected = members.filter((member) => member.lastLoginAt === null || (member.lastLoginAt as Date).getTime() < now.getTime() - 90 * day);
    expect(matched).toEqual(expected.map((member) => member.memberId));
    expect(matched.length).toBeGreaterThan(0);
    expect(matched.length).toBeLessThan(members.length);
  });
});
