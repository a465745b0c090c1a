import fc from "fast-check";
import type { DataSource } from "typeorm";
import { ManualClock } from "../../src/clock";
import { evaluateRule } from "../../src/engine";
import { topics, type EventBus, type SegmentMovedEvent } from "../../src/events/event-bus";
import type { Services } from "../../src/services";
import { systemContext } from "../../src/services/service-context";
import { matchingMemberIds, readMemberFacts } from "../../src/services/segments/member-facts";
import { segmentsVerify, verifySegments } from "../../src/services/segments/segment-verifier";
import { testDatabaseKinds } from "../support/databases";
import { scoredDemo, type ScoredDemo } from "../support/scored-demo";
import { randomRules } from "../support/rule-arbitraries";

const now = new Date("2026-11-23T08:00:00.000Z");

describe.each(testDatabaseKinds())("segment schemes on $name", (kind) => {
  let demo: ScoredDemo;
  let dataSource: DataSource;
  let services: Services;
  let events: EventBus;

  beforeAll(async () => {
    const clock = new ManualClock(now);
    demo = await scoredDemo(kind, { members: 200, seed: 11, clock });
    ({ dataSource, services, events } = demo);
  }, 90_000);

  afterAll(async () => {
    await demo?.close();
  });

  const membershipsOf = async (scheme: string) =>
    (await dataSource.query(
      "SELECT ms.member_id AS member_id, g.code AS code FROM segment_memberships ms JOIN segment_schemes s ON s.id = ms.scheme_id JOIN segments g ON g.id = ms.segment_id WHERE s.code = ? ORDER BY ms.member_id",
      [scheme],
    )) as { member_id: number | string; code: string }[];

  it("places every member in exactly one segment of every built-in scheme, the same one the SQL filters pick first", async () => {
    expect(segmentsVerify(await verifySegments(dataSource))).toBe(false);
    const placed = await services.segments.evaluateAll("SCHEDULE");
    expect(placed).toEqual({ members: 200, moves: 200 * 5 });
    const verification = await verifySegments(dataSource);
    expect(verification).toMatchObject({ members: 200, schemes: 5, missing: [], misplaced: 0 });
    expect(segmentsVerify(verification)).toBe(true);

    for (const scheme of await services.segments.schemes()) {
      const codeOf = new Map((await dataSource.query("SELECT id, code FROM segments WHERE scheme_id = ?", [scheme.id]) as { id: number; code: string }[]).map((row) => [Number(row.id), row.code]));
      // The SQL path: each segment's filter, first match wins, the catch-all takes the rest.
      const expected = new Map<number, string>();
      for (const segment of scheme.segments) {
        const ids = segment.rule === null ? (await dataSource.query("SELECT id FROM members")).map((row: { id: number }) => Number(row.id)) : await matchingMemberIds(dataSource, segment.rule, now);
        for (const id of ids) if (!expected.has(id)) expected.set(id, codeOf.get(segment.id)!);
      }
      const stored = await membershipsOf(scheme.code);
      expect(stored.map((row) => [Number(row.member_id), row.code])).toEqual([...expected.entries()].sort((a, b) => a[0] - b[0]));
      expect(new Set(stored.map((row) => row.code)).size).toBeGreaterThan(1);
    }
    // Evaluating again moves no one: nothing changed.
    expect(await services.segments.evaluateAll("SCHEDULE")).toEqual({ members: 200, moves: 0 });
  });

  it("moves a member when an event changes their facts, and records the move with its reason", async () => {
    const dormant = (await membershipsOf("ACTIVITY")).find((row) => row.code === "DORMANT");
    expect(dormant).toBeDefined();
    const memberId = Number(dormant!.member_id);
    const result = await services.behaviourEvents.recordEvents(
      systemContext("test"),
      [{ source: "app", externalId: `wake-${memberId}`, kind: "LOGIN", memberId, occurredAt: now }],
      { awardPoints: true },
    );
    expect(result.accepted).toBe(1);
    expect((await membershipsOf("ACTIVITY")).find((row) => Number(row.member_id) === memberId)?.code).toBe("ACTIVE");
    const moves = await dataSource.query(
      "SELECT f.code AS from_code, t.code AS to_code, mv.reason AS reason FROM segment_moves mv JOIN segments f ON f.id = mv.from_segment_id JOIN segments t ON t.id = mv.to_segment_id WHERE mv.member_id = ? ORDER BY mv.id",
      [memberId],
    );
    expect(moves).toContainEqual({ from_code: "DORMANT", to_code: "ACTIVE", reason: "EVENT" });
    expect(segmentsVerify(await verifySegments(dataSource))).toBe(true);
  });

  it("keeps exactly one segment per scheme for random members after random events (property)", async () => {
    const members: number[] = (await dataSource.query("SELECT id FROM members ORDER BY id")).map((row: { id: number }) => Number(row.id));
    let sequence = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom(...members), fc.constantFrom("LOGIN", "COMPLAINT", "BROWSE", "ORDER")), { minLength: 1, maxLength: 8 }), async (touches) => {
        const events = touches.map(([memberId, kind]) => {
          sequence += 1;
          const base = { source: "property", externalId: `p-${sequence}`, kind, memberId, occurredAt: now };
          return kind === "ORDER" ? { ...base, amount: 5_000 + sequence, channel: "APP", storeCode: "APP-1" } : base;
        });
        const result = await services.behaviourEvents.recordEvents(systemContext("test"), events, { awardPoints: true });
        expect(result.rejected).toBe(0);
        const verification = await verifySegments(dataSource);
        expect(verification.missing).toEqual([]);
        expect(verification.misplaced).toBe(0);
        const [{ memberships }] = await dataSource.query("SELECT COUNT(*) AS memberships FROM segment_memberships");
        expect(Number(memberships)).toBe(members.length * 5);
      }),
      { numRuns: 15, seed: 42 },
    );
  });

  it("puts every member in exactly one segment of random schemes: the first whose rule matches their facts (property)", async () => {
    const facts = await readMemberFacts(dataSource.manager, 0, 1_000);
    let sequence = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(randomRules(facts, now), { minLength: 1, maxLength: 4 }), async (rules) => {
        sequence += 1;
        const code = `RANDOM_${sequence}`;
        const { scheme } = await services.segmentDefinitions.createScheme(systemContext("test"), {
          code,
          name: `随机 ${sequence}`,
          nameEn: `Random ${sequence}`,
          segments: rules.map((rule, index) => ({ code: `S${index}`, name: `段 ${index}`, nameEn: `Segment ${index}`, rule })),
          catchAll: { code: "REST", name: "其他", nameEn: "Everyone else" },
        });
        const expected = facts.map((member) => [member.memberId, `S${rules.findIndex((rule) => evaluateRule(rule, member, now))}`.replace("S-1", "REST")]);
        const stored = (await membershipsOf(code)).map((row) => [Number(row.member_id), row.code]);
        expect(stored).toEqual(expected);
        const verification = await verifySegments(dataSource);
        expect(verification.missing).toEqual([]);
        expect(verification.misplaced).toBe(0);
        expect(scheme.code).toBe(code);
      }),
      { numRuns: 12, seed: 7 },
    );
  });

  it("publishes nothing and changes nothing when the transaction that moves a member rolls back", async () => {
    const dormant = (await membershipsOf("ACTIVITY")).find((row) => row.code === "DORMANT");
    const memberId = Number(dormant!.member_id);
    // The login is recorded without rescoring, so the move is left for the evaluation below.
    await services.behaviourEvents.recordEvents(systemContext("test"), [{ source: "app", externalId: `rollback-${memberId}`, kind: "LOGIN", memberId, occurredAt: now }], { awardPoints: false, rescore: false });
    const published: SegmentMovedEvent[] = [];
    const subscription = events.subscribe(topics.segmentMoved);
    const collecting = (async () => {
      for await (const move of subscription) published.push(move);
    })();
    const movesBefore = Number((await dataSource.query("SELECT COUNT(*) AS moves FROM segment_moves"))[0].moves);

    // The membership is written first, then the move fails to insert: the whole transaction rolls back.
    await dataSource.query("ALTER TABLE segment_moves RENAME TO segment_moves_away");
    try {
      await expect(services.segments.evaluateMembers([memberId], "EVENT")).rejects.toThrow();
    } finally {
      await dataSource.query("ALTER TABLE segment_moves_away RENAME TO segment_moves");
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(published).toEqual([]);
    expect((await membershipsOf("ACTIVITY")).find((row) => Number(row.member_id) === memberId)?.code).toBe("DORMANT");
    expect(Number((await dataSource.query("SELECT COUNT(*) AS moves FROM segment_moves"))[0].moves)).toBe(movesBefore);

    // The same evaluation, able to commit, moves the member and publishes the move once.
    await services.segments.evaluateMembers([memberId], "EVENT");
    await new Promise((resolve) => setTimeout(resolve, 50));
    await subscription.return?.();
    await collecting;
    expect(published.filter((move) => move.memberId === memberId && move.reason === "EVENT").length).toBeGreaterThanOrEqual(1);
    expect(published.every((move) => move.memberId === memberId)).toBe(true);
    expect((await membershipsOf("ACTIVITY")).find((row) => Number(row.member_id) === memberId)?.code).toBe("ACTIVE");
  });
});
