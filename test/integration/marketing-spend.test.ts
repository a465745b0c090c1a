// ACQUISITION_COST with marketing spend recorded outside campaigns beside campaign sends, against references written
// here in plain SQL, by NONE and CHANNEL and by month, week and day: spend recorded for one channel, for all channels
// (shared by new members), on the days either side of month and week boundaries, a cancelled record, and campaign
// sends a minute either side of local midnight. Members, orders and joins come from test/support/kpi-facts.ts.
import { CampaignRecord, CampaignSendRecord } from "../../src/entities";
import type { ServiceContext } from "../../src/services/service-context";
import { systemContext } from "../../src/services/service-context";
import { testDatabaseKinds } from "../support/databases";
import { buildKpiFacts, local, localDay, referencePeriods, sqlTime, type KpiFacts, type ReferencePeriod } from "../support/kpi-facts";

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

const channels = ["APP", "MINI_PROGRAM", "OFFLINE_STORE", "ONLINE"];

describe.each(testDatabaseKinds())("acquisition cost with recorded marketing spend on $name", (kind) => {
  let facts: KpiFacts;
  let staff: ServiceContext;

  beforeAll(async () => {
    facts = await buildKpiFacts(kind);
    const operator = await facts.services.staff.create(systemContext("test-setup"), { email: "marketing@test.loyalty", displayName: "Marketing", role: "operator" });
    staff = { identity: { kind: "staff", staffUserId: operator.id, role: "operator" }, requestId: null };
    await writeCampaignSends();
    await recordSpend();
  }, 240_000);

  afterAll(async () => {
    await facts?.close();
  });

  /**
   * One campaign; every third member gets a send a minute before or after a local midnight, another third one either
   * side of the midnight that starts March, and every fifth an hour after joining.
   */
  async function writeCampaignSends(): Promise<void> {
    const now = facts.clock.now();
    const campaign = await facts.dataSource.getRepository(CampaignRecord).save({
      code: "ACQUIRE", name: "ACQUIRE", state: "RUNNING", channel: "SMS", triggerKind: "ONE_SHOT", triggerSettings: JSON.stringify({ at: null, segmentId: null }),
      target: JSON.stringify({ segmentIds: [], excludeSegmentIds: [] }), variants: JSON.stringify({ variants: [{ code: "A", weight: 100, message: "m" }], followUps: [], conversionEvent: "ORDER" }),
      controlPercent: 0, sendTime: "IMMEDIATE", startsAt: null, endsAt: null, budget: 10_000_000, spent: 0, conversionWindowDays: 7,
      audienceEnqueuedAt: null, createdBy: "test", createdAt: now, updatedAt: now,
    });
    const members: { id: unknown; joined_at: unknown }[] = await facts.dataSource.query("SELECT id, joined_at FROM members ORDER BY id");
    for (const [position, member] of members.entries()) {
      const joinedAt = member.joined_at instanceof Date ? member.joined_at : new Date(`${String(member.joined_at).replace(" ", "T")}Z`);
      const sends: Date[] = [];
      // 16:00 UTC is local midnight: a minute before it is the day before.
      if (position % 3 === 0) sends.push(new Date(Math.floor(joinedAt.getTime() / day) * day + 16 * hour + (position % 2 === 0 ? -minute : minute) + 20 * day));
      if (position % 5 === 0) sends.push(new Date(joinedAt.getTime() + hour));
      // Either side of the local midnight between February and March (2026-02-28 16:00 UTC).
      if (position % 3 === 1) sends.push(new Date(Date.parse("2026-02-28T16:00:00Z") + (position % 2 === 0 ? -minute : minute)));
      for (const [step, sentAt] of sends.entries()) {
        await facts.dataSource.getRepository(CampaignSendRecord).insert({
          campaignId: campaign.id, memberId: Number(member.id), variant: "A", channel: "SMS", step, status: "SENT", skipReason: null,
          dueAt: sentAt, message: "m", cost: 250 + position * 11, couponId: null, sentAt, createdAt: sentAt,
        });
      }
    }
  }

  /** Spend for all channels and for one, on days either side of month and week boundaries, every day of the DAY range, one record cancelled. */
  async function recordSpend(): Promise<void> {
    let key = 0;
    const record = (dayText: string, amountFen: number, channel: string | null) =>
      facts.services.marketingSpend.record(staff, { day: dayText, amountFen, channel: channel as never, description: `spend ${dayText} ${channel ?? "all"}` }, `spend-${String((key += 1)).padStart(6, "0")}`);
    // 31 January / 1 February: the last day of one month and the first of the next. 1 March is a Sunday, 2 March a Monday.
    await record("2026-01-31", 100_001, null);
    await record("2026-02-01", 33_333, null);
    await record("2026-02-28", 70_000, "APP");
    await record("2026-03-01", 12_345, "ONLINE");
    await record("2026-03-01", 50_003, null);
    await record("2026-03-02", 20_000, "OFFLINE_STORE");
    await record("2026-04-30", 9_999, "MINI_PROGRAM");
    await record("2026-05-01", 77_777, null);
    for (const period of referencePeriods("DAY")) await record(period.label, 10_000 + localDay(period.start) % 97, null);
    const cancelled = await record("2026-03-15", 5_000_000, null);
    await facts.services.marketingSpend.cancel(staff, cancelled.id);
  }

  const time = (instant: Date) => sqlTime(facts.dataSource, instant);

  /** Per group (NONE: ALL; CHANNEL: the join channel) in one period, by plain SQL. */
  async function reference(period: ReferencePeriod, byChannel: boolean) {
    const group = byChannel ? "m.join_channel" : "'ALL'";
    const range = [time(period.start), time(period.end)];
    const days = [localDay(period.start), localDay(period.end)];
    const map = (rows: Record<string, unknown>[], column: string) => new Map(rows.map((row) => [String(row.group_value), Number(row[column])]));
    const campaign = map(await facts.dataSource.query(`SELECT ${group} AS group_value, SUM(s.cost) AS spend FROM campaign_sends s JOIN members m ON m.id = s.member_id WHERE s.status = 'SENT' AND s.sent_at >= ? AND s.sent_at < ? GROUP BY ${group}`, range), "spend");
    const joined = map(await facts.dataSource.query(`SELECT ${group} AS group_value, COUNT(*) AS n FROM members m WHERE m.joined_at >= ? AND m.joined_at < ? GROUP BY ${group}`, range), "n");
    const direct = map(await facts.dataSource.query(`SELECT ${byChannel ? "channel" : "'ALL'"} AS group_value, SUM(amount) AS spend FROM marketing_spend WHERE cancelled_at IS NULL AND channel IS NOT NULL AND day >= ? AND day < ? GROUP BY ${byChannel ? "channel" : "'ALL'"}`, days), "spend");
    const [{ spend: sharedSpend }] = await facts.dataSource.query("SELECT COALESCE(SUM(amount), 0) AS spend FROM marketing_spend WHERE cancelled_at IS NULL AND channel IS NULL AND day >= ? AND day < ?", days);
    return { campaign, joined, direct, shared: Number(sharedSpend) };
  }

  for (const granularity of ["MONTH", "WEEK", "DAY"] as const) {
    for (const breakdown of ["NONE", "CHANNEL"] as const) {
      it(`adds recorded spend to campaign spend by ${granularity} and ${breakdown}, matching the SQL reference`, async () => {
        const periods = referencePeriods(granularity);
        const points = await facts.services.kpis.series({ kpi: "ACQUISITION_COST", granularity, breakdown, from: periods[0].start, to: periods[periods.length - 1].end, schemeId: null });
        expect([...new Set(points.map((point) => point.periodLabel))]).toEqual(periods.map((period) => period.label));
        const seen = { campaign: 0, direct: 0, shared: 0, sharedWithoutJoins: 0, splitAcrossChannels: 0 };
        for (const period of periods) {
          const expected = await reference(period, breakdown === "CHANNEL");
          const actual = points.filter((point) => point.periodLabel === period.label);
          const groups = breakdown === "NONE" ? ["ALL"] : channels;
          expect(actual.map((point) => point.group)).toEqual(groups);
          const newMembersTotal = [...expected.joined.values()].reduce((sum, count) => sum + count, 0);
          // Shared spend is split by new members: each channel's part is its exact share rounded down or up, and the parts add up.
          const shares = new Map<string, number>();
          for (const point of actual) {
            const figure = (name: string) => point.figures.find((each) => each.name === name)!.value;
            const newMembers = expected.joined.get(point.group) ?? 0;
            const share = figure("sharedSpendFen");
            shares.set(point.group, share);
            if (breakdown === "NONE") expect(share).toBe(expected.shared);
            else if (newMembersTotal === 0 || newMembers === 0) expect(share).toBe(0);
            else {
              const exact = (expected.shared * newMembers) / newMembersTotal;
              expect([Math.floor(exact), Math.ceil(exact)]).toContain(share);
            }
            const campaignSpendFen = expected.campaign.get(point.group) ?? 0;
            const otherSpendFen = (expected.direct.get(point.group) ?? 0) + share;
            const marketingSpendFen = campaignSpendFen + otherSpendFen;
            const context = `${granularity} ${breakdown} ${period.label} ${point.group}`;
            expect({ context, value: point.value, figures: point.figures }).toEqual({
              context,
              value: newMembers === 0 ? null : marketingSpendFen / newMembers,
              figures: [
                { name: "marketingSpendFen", value: marketingSpendFen }, { name: "campaignSpendFen", value: campaignSpendFen }, { name: "otherSpendFen", value: otherSpendFen },
                { name: "sharedSpendFen", value: share }, { name: "newMembers", value: newMembers },
              ],
            });
            seen.campaign += campaignSpendFen;
            seen.direct += expected.direct.get(point.group) ?? 0;
          }
          const sharedOut = [...shares.values()].reduce((sum, share) => sum + share, 0);
          if (breakdown === "CHANNEL") expect({ context: period.label, sharedOut }).toEqual({ context: period.label, sharedOut: newMembersTotal === 0 ? 0 : expected.shared });
          seen.shared += expected.shared;
          if (expected.shared > 0 && newMembersTotal === 0) seen.sharedWithoutJoins += 1;
          if (breakdown === "CHANNEL" && [...shares.values()].filter((share) => share > 0).length > 1) seen.splitAcrossChannels += 1;
        }
        // The data exercise what is compared: spend of every kind, and (by month) shared spend split across channels.
        expect(seen.campaign).toBeGreaterThan(0);
        expect(seen.direct).toBeGreaterThan(0);
        expect(seen.shared).toBeGreaterThan(0);
        if (granularity === "DAY") expect(seen.sharedWithoutJoins).toBeGreaterThan(0);
        if (granularity !== "DAY" && breakdown === "CHANNEL") expect(seen.splitAcrossChannels).toBeGreaterThan(0);
      }, 120_000);
    }
  }

  it("adds up by channel to the total in every month that had new members, and leaves cancelled spend out", async () => {
    const request = { kpi: "ACQUISITION_COST" as const, granularity: "MONTH" as const, from: local("2026-01-01T00:00:00"), to: local("2026-06-01T00:00:00"), schemeId: null };
    const total = await facts.services.kpis.series({ ...request, breakdown: "NONE" });
    const byChannel = await facts.services.kpis.series({ ...request, breakdown: "CHANNEL" });
    for (const point of total) {
      const figure = (name: string) => point.figures.find((each) => each.name === name)!.value;
      const channelSum = (name: string) => byChannel.filter((each) => each.periodLabel === point.periodLabel).reduce((sum, each) => sum + each.figures.find((figure) => figure.name === name)!.value, 0);
      if (figure("newMembers") > 0) for (const name of ["marketingSpendFen", "campaignSpendFen", "otherSpendFen", "sharedSpendFen", "newMembers"]) expect([point.periodLabel, name, channelSum(name)]).toEqual([point.periodLabel, name, figure(name)]);
    }
    const march = total.find((point) => point.periodLabel === "2026-03")!;
    // The cancelled 5,000,000 fen of 15 March is not there.
    expect(march.figures.find((figure) => figure.name === "otherSpendFen")!.value).toBeLessThan(5_000_000);
  });
});
