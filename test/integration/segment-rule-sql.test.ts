import fc from "fast-check";
import type { DataSource } from "typeorm";
import { ManualClock } from "../../src/clock";
import { loadConfig } from "../../src/config";
import { openDatabase } from "../../src/database/data-source";
import { evaluateRule, type MemberFacts, type SegmentRule } from "../../src/engine";
import { createEventBus } from "../../src/events/event-bus";
import { PersonalDataCipher } from "../../src/privacy/personal-data-cipher";
import { seedDemoData } from "../../src/seed/demo-data";
import { createServices } from "../../src/services";
import { matchingMemberIds, readMemberFacts } from "../../src/services/segments/member-facts";
import { testDatabaseKinds, type ScratchDatabase } from "../support/databases";
import { randomRules } from "../support/rule-arbitraries";

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

  it("matches the same members by SQL as by evaluating each member's facts, for random rules over every field", async () => {
    expect(members.length).toBe(250);
    await fc.assert(
      fc.asyncProperty(randomRules(members, now), async (rule) => {
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
