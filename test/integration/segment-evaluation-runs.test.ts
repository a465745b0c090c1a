import type { DataSource } from "typeorm";
import { ManualClock } from "../../src/clock";
import type { Services } from "../../src/services";
import { SegmentEvaluationRuns } from "../../src/services/segments/segment-evaluation-runs";
import { verifySegments } from "../../src/services/segments/segment-verifier";
import { testDatabaseKinds } from "../support/databases";
import { scoredDemo, type ScoredDemo } from "../support/scored-demo";

const now = new Date("2026-11-23T08:00:00.000Z");

describe.each(testDatabaseKinds())("segment evaluation runs on $name", (kind) => {
  let demo: ScoredDemo;
  let dataSource: DataSource;
  let services: Services;
  let clock: ManualClock;

  beforeAll(async () => {
    clock = new ManualClock(now);
    demo = await scoredDemo(kind, { members: 120, seed: 3, clock });
    ({ dataSource, services } = demo);
  }, 90_000);

  afterAll(async () => {
    await demo?.close();
  });

  const schemeId = async (code: string) => Number((await dataSource.query("SELECT id FROM segment_schemes WHERE code = ?", [code]))[0].id);

  it("runs one cron occurrence once when two server processes fire it together", async () => {
    // Two services over the same database stand for two server processes.
    const first = new SegmentEvaluationRuns(dataSource, clock, services.segments);
    const second = new SegmentEvaluationRuns(dataSource, clock, services.segments);
    const occurrence = new Date("2026-11-23T08:00:00.000Z");
    const outcomes = await Promise.all([first.runScheduled(occurrence), second.runScheduled(occurrence)]);
    const ran = outcomes.filter((run) => run !== null);
    expect(ran).toHaveLength(1);
    expect(ran[0]).toMatchObject({ status: "COMPLETED", trigger: "SCHEDULE", membersTotal: 120, membersDone: 120, moves: 120 * 5, scheduleSlot: occurrence.toISOString() });
    expect((await verifySegments(dataSource)).missing).toEqual([]);
    // The next occurrence runs again; nothing changed, so nothing moves.
    expect(await first.runScheduled(new Date("2026-11-23T09:00:00.000Z"))).toMatchObject({ status: "COMPLETED", moves: 0 });
  });

  it("re-evaluates only the scheme asked for", async () => {
    const [member] = (await dataSource.query("SELECT id FROM members ORDER BY id LIMIT 1")).map((row: { id: number }) => Number(row.id));
    const activity = await schemeId("ACTIVITY");
    const lifecycle = await schemeId("LIFECYCLE");
    await dataSource.query("DELETE FROM segment_memberships WHERE member_id = ? AND scheme_id IN (?, ?)", [member, activity, lifecycle]);

    const run = await services.segmentEvaluations.run("MANUAL", "staff:1", activity);
    expect(run).toMatchObject({ status: "COMPLETED", trigger: "MANUAL", schemeId: activity, membersDone: 120, moves: 1 });
    const schemes = (await dataSource.query("SELECT scheme_id FROM segment_memberships WHERE member_id = ?", [member])).map((row: { scheme_id: number }) => Number(row.scheme_id));
    expect(schemes).toContain(activity);
    expect(schemes).not.toContain(lifecycle);
    await services.segmentEvaluations.run("MANUAL", "staff:1");
    expect((await verifySegments(dataSource)).missing).toEqual([]);
  });

  it("records a failed run with its error and can run again afterwards", async () => {
    await dataSource.query("ALTER TABLE segment_memberships RENAME TO segment_memberships_away");
    let failed;
    try {
      failed = await services.segmentEvaluations.run("COMMAND_LINE", "system:test");
    } finally {
      await dataSource.query("ALTER TABLE segment_memberships_away RENAME TO segment_memberships");
    }
    expect(failed.status).toBe("FAILED");
    expect(failed.error).toMatch(/segment_memberships/);
    expect(failed.finishedAt).not.toBeNull();
    expect(await services.segmentEvaluations.run("COMMAND_LINE", "system:test")).toMatchObject({ status: "COMPLETED", membersDone: 120 });
  });

  it("returns the running run instead of starting a second of the same scope", async () => {
    // Asked for at the same moment, as two console users might.
    const [first, second] = await Promise.all([services.segmentEvaluations.start("MANUAL", "staff:1"), services.segmentEvaluations.start("MANUAL", "staff:2")]);
    expect(second!.run.id).toBe(first!.run.id);
    expect(await first!.completion).toMatchObject({ status: "COMPLETED" });
    const third = await services.segmentEvaluations.start("MANUAL", "staff:3");
    expect(third!.run.id).toBeGreaterThan(first!.run.id);
    await third!.completion;
  });
});
