// The campaign roll-up (ROI and ROAS across campaigns and periods) and the ACQUISITION_COST KPI against references
// written here in plain SQL, on the KPI facts (members and orders through the real services) plus two campaigns
// whose assignments and sends the test writes on known days: orders inside and outside the conversion windows,
// control members, a member in both campaigns, sends a minute either side of local midnight.
import type { KpiBreakdown } from "../../src/engine/analytics";
import { CampaignAssignmentRecord, CampaignRecord, CampaignSendRecord } from "../../src/entities";
import { CampaignResults } from "../../src/services/campaigns/campaign-results";
import { testDatabaseKinds } from "../support/databases";
import { buildKpiFacts, local, referencePeriods, sqlTime, type KpiFacts, type ReferencePeriod } from "../support/kpi-facts";

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

const asDate = (value: unknown) => (value instanceof Date ? value : new Date(`${String(value).replace(" ", "T")}Z`));

interface Reference {
  sends: number;
  costFen: number;
  conversions: number;
  revenueFen: number;
}

describe.each(testDatabaseKinds())("campaign roll-up and acquisition cost on $name", (kind) => {
  let facts: KpiFacts;
  const campaignIds = new Map<string, number>();

  beforeAll(async () => {
    facts = await buildKpiFacts(kind);
    await writeCampaigns();
  }, 240_000);

  afterAll(async () => {
    await facts?.close();
  });

  /**
   * SPRING (7-day window, control) and MAYDAY (3-day window): members with orders are assigned two days before their
   * first order (it converts), or a minute after it (it does not; a later one may), a third of them to control; every
   * fifth is in both campaigns. Each treated member gets a send an hour after assignment (some a minute either side
   * of local midnight), a skipped send, and a second send ten days later.
   */
  async function writeCampaigns(): Promise<void> {
    const now = facts.clock.now();
    for (const [code, windowDays] of [["SPRING", 7], ["MAYDAY", 3], ["NOSENDS", 7]] as const) {
      const record = await facts.dataSource.getRepository(CampaignRecord).save({
        code, name: code, state: "RUNNING", channel: "SMS", triggerKind: "ONE_SHOT", triggerSettings: JSON.stringify({ at: null, segmentId: null }),
        target: JSON.stringify({ segmentIds: [], excludeSegmentIds: [] }),
        variants: JSON.stringify({ variants: [{ code: "A", weight: 50, message: "m" }, { code: "B", weight: 50, message: "m" }], followUps: [], conversionEvent: "ORDER" }),
        controlPercent: 30, sendTime: "IMMEDIATE", startsAt: null, endsAt: null, budget: 10_000_000, spent: 0, conversionWindowDays: windowDays,
        audienceEnqueuedAt: null, createdBy: "test", createdAt: now, updatedAt: now,
      });
      campaignIds.set(code, record.id);
    }
    const orders: { member_id: unknown; placed_at: unknown }[] = await facts.dataSource.query("SELECT member_id, placed_at FROM orders ORDER BY member_id, placed_at, id");
    const firstOrders = new Map<number, Date>();
    for (const order of orders) if (!firstOrders.has(Number(order.member_id))) firstOrders.set(Number(order.member_id), asDate(order.placed_at));
    let position = 0;
    for (const [memberId, firstOrder] of firstOrders) {
      position += 1;
      const campaigns = position % 5 === 0 ? ["SPRING", "MAYDAY"] : [position % 2 === 0 ? "SPRING" : "MAYDAY"];
      const assignedAt = position % 4 === 1 ? new Date(firstOrder.getTime() + minute) : new Date(firstOrder.getTime() - 2 * day);
      const variant = position % 3 === 0 ? "CONTROL" : position % 2 === 0 ? "A" : "B";
      for (const code of campaigns) {
        const campaignId = campaignIds.get(code)!;
        await facts.dataSource.getRepository(CampaignAssignmentRecord).insert({ campaignId, memberId, variant, assignedAt });
        if (variant === "CONTROL") continue;
        // Around local midnight (16:00 UTC) for some members, so the send's local day matters.
        const firstSend = position % 6 === 1 ? new Date(Math.floor(assignedAt.getTime() / day) * day + 16 * hour + (position % 12 === 1 ? -minute : minute)) : new Date(assignedAt.getTime() + hour);
        const sends = [
          { step: 0, status: "SENT" as const, sentAt: firstSend, cost: 100 + position * 7 },
          { step: 1, status: "SKIPPED" as const, sentAt: null, cost: 0 },
          { step: 2, status: "SENT" as const, sentAt: new Date(firstSend.getTime() + 10 * day), cost: 35 },
        ];
        for (const send of sends) {
          await facts.dataSource.getRepository(CampaignSendRecord).insert({
            campaignId, memberId, variant, channel: "SMS", step: send.step, status: send.status, skipReason: send.status === "SKIPPED" ? "FREQUENCY_CAP" : null,
            dueAt: firstSend, message: "m", cost: send.cost, couponId: null, sentAt: send.sentAt, createdAt: assignedAt,
          });
        }
      }
    }
  }

  const time = (instant: Date) => sqlTime(facts.dataSource, instant);

  /** o.placed_at is inside the assignment's conversion window: written with each database's own difference of times. */
  const inWindow = () =>
    facts.dataSource.options.type === "mysql"
      ? "o.placed_at > a.assigned_at AND TIMESTAMPDIFF(MICROSECOND, a.assigned_at, o.placed_at) <= c.conversion_window_days * 86400000000"
      : "o.placed_at > a.assigned_at AND julianday(o.placed_at) - julianday(a.assigned_at) <= c.conversion_window_days";

  /** One period's figures per campaign code, by plain SQL. */
  async function reference(period: ReferencePeriod): Promise<Map<string, Reference>> {
    const result = new Map<string, Reference>();
    const put = (code: unknown, values: Partial<Reference>) => {
      const current = result.get(String(code)) ?? { sends: 0, costFen: 0, conversions: 0, revenueFen: 0 };
      result.set(String(code), { ...current, ...values });
    };
    const range = [time(period.start), time(period.end)];
    const sends: Record<string, unknown>[] = await facts.dataSource.query(
      "SELECT c.code, COUNT(*) AS sends, SUM(s.cost) AS cost FROM campaign_sends s JOIN campaigns c ON c.id = s.campaign_id WHERE s.status = 'SENT' AND s.sent_at >= ? AND s.sent_at < ? GROUP BY c.code",
      range,
    );
    for (const row of sends) put(row.code, { sends: Number(row.sends), costFen: Number(row.cost) });
    const revenue: Record<string, unknown>[] = await facts.dataSource.query(
      `SELECT c.code, SUM(o.amount - o.refunded_amount) AS revenue
         FROM orders o JOIN campaign_assignments a ON a.member_id = o.member_id JOIN campaigns c ON c.id = a.campaign_id
        WHERE a.variant <> 'CONTROL' AND o.partner_id IS NULL AND o.placed_at >= ? AND o.placed_at < ? AND ${inWindow()}
        GROUP BY c.code`,
      range,
    );
    for (const row of revenue) put(row.code, { revenueFen: Number(row.revenue) });
    // A member converts in the period when an attributed order falls in it and none came before it.
    const conversions: Record<string, unknown>[] = await facts.dataSource.query(
      `SELECT c.code, COUNT(*) AS conversions
         FROM campaign_assignments a JOIN campaigns c ON c.id = a.campaign_id
        WHERE a.variant <> 'CONTROL'
          AND EXISTS (SELECT 1 FROM orders o WHERE o.member_id = a.member_id AND o.partner_id IS NULL AND o.placed_at >= ? AND o.placed_at < ? AND ${inWindow()})
          AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.member_id = a.member_id AND o.partner_id IS NULL AND o.placed_at < ? AND ${inWindow()})
        GROUP BY c.code`,
      [...range, time(period.start)],
    );
    for (const row of conversions) put(row.code, { conversions: Number(row.conversions) });
    return result;
  }

  const ratios = (figures: Reference) => ({
    returnOnInvestment: figures.costFen === 0 ? null : (figures.revenueFen - figures.costFen) / figures.costFen,
    returnOnAdSpend: figures.costFen === 0 ? null : figures.revenueFen / figures.costFen,
  });

  it("builds campaigns that exercise every figure", async () => {
    const [counts] = await facts.dataSource.query(
      `SELECT SUM(CASE WHEN a.variant = 'CONTROL' THEN 1 ELSE 0 END) AS control_orders, SUM(CASE WHEN a.variant <> 'CONTROL' THEN 1 ELSE 0 END) AS treated_orders
         FROM orders o JOIN campaign_assignments a ON a.member_id = o.member_id JOIN campaigns c ON c.id = a.campaign_id WHERE ${inWindow()}`,
    );
    const [outside] = await facts.dataSource.query(
      `SELECT COUNT(*) AS n FROM orders o JOIN campaign_assignments a ON a.member_id = o.member_id JOIN campaigns c ON c.id = a.campaign_id WHERE a.variant <> 'CONTROL' AND NOT (${inWindow()})`,
    );
    const [both] = await facts.dataSource.query("SELECT COUNT(*) AS n FROM (SELECT member_id FROM campaign_assignments GROUP BY member_id HAVING COUNT(*) > 1) twice");
    expect(Number(counts.control_orders)).toBeGreaterThan(0);
    expect(Number(counts.treated_orders)).toBeGreaterThan(3);
    expect(Number(outside.n)).toBeGreaterThan(3);
    expect(Number(both.n)).toBeGreaterThan(0);
  });

  for (const granularity of ["MONTH", "WEEK", "DAY"] as const) {
    it(`rolls up all campaigns and each campaign by ${granularity}, matching the SQL reference`, async () => {
      const periods = referencePeriods(granularity);
      const request = { from: periods[0].start, to: periods[periods.length - 1].end, granularity };
      const all = await facts.services.campaignRollup.rollup({ ...request, byCampaign: false });
      const each = await facts.services.campaignRollup.rollup({ ...request, byCampaign: true });
      expect(all.map((point) => point.periodLabel)).toEqual(periods.map((period) => period.label));
      const campaignsSeen = new Set(each.map((point) => point.campaignCode));
      for (const period of periods) {
        const expected = await reference(period);
        const point = all.find((candidate) => candidate.periodLabel === period.label)!;
        expect([point.periodStart.getTime(), point.periodEnd.getTime(), point.campaignCode]).toEqual([period.start.getTime(), period.end.getTime(), null]);
        const totals = [...expected.values()].reduce((sum, figures) => ({ sends: sum.sends + figures.sends, costFen: sum.costFen + figures.costFen, conversions: sum.conversions + figures.conversions, revenueFen: sum.revenueFen + figures.revenueFen }), { sends: 0, costFen: 0, conversions: 0, revenueFen: 0 });
        const campaignsWithSends = [...expected.values()].filter((figures) => figures.sends > 0).length;
        const context = `${granularity} ${period.label}`;
        expect({ context, ...point }).toEqual({ context, ...point, campaignsWithSends, ...totals, ...ratios(totals) });
        for (const code of campaignsSeen) {
          const own = each.find((candidate) => candidate.periodLabel === period.label && candidate.campaignCode === code)!;
          const figures = expected.get(String(code)) ?? { sends: 0, costFen: 0, conversions: 0, revenueFen: 0 };
          expect({ context, code, ...own }).toEqual({ context, code, ...own, campaignsWithSends: figures.sends > 0 ? 1 : 0, ...figures, ...ratios(figures) });
        }
        for (const code of expected.keys()) expect(campaignsSeen).toContain(code);
      }
      // NOSENDS has no figure anywhere, so no points.
      expect(campaignsSeen.has("NOSENDS")).toBe(false);
    }, 120_000);
  }

  it("adds up, over the months, to each campaign's results for its treated members", async () => {
    const periods = referencePeriods("MONTH");
    // From January to June: every send and every order of the facts is in the range.
    const each = await facts.services.campaignRollup.rollup({ from: periods[0].start, to: new Date(periods[periods.length - 1].end.getTime() + 40 * day), granularity: "MONTH", byCampaign: true });
    for (const code of ["SPRING", "MAYDAY"]) {
      const campaign = await facts.dataSource.getRepository(CampaignRecord).findOneByOrFail({ code });
      const { total } = await new CampaignResults(facts.dataSource).of(campaign);
      const own = each.filter((point) => point.campaignCode === code);
      const sum = (pick: (point: (typeof own)[number]) => number) => own.reduce((total, point) => total + pick(point), 0);
      expect({ code, conversions: sum((point) => point.conversions), revenue: sum((point) => point.revenueFen), cost: sum((point) => point.costFen), sent: sum((point) => point.sends) })
        .toEqual({ code, conversions: total.conversions, revenue: total.revenue, cost: total.cost, sent: total.sent });
      expect(total.conversions).toBeGreaterThan(0);
    }
  });

  it("refuses a range that is empty or too long", async () => {
    await expect(facts.services.campaignRollup.rollup({ from: local("2026-03-01T00:00:00"), to: local("2026-03-01T00:00:00"), granularity: "MONTH", byCampaign: false }))
      .rejects.toMatchObject({ extensions: { code: "BAD_USER_INPUT", field: "to" } });
    await expect(facts.services.campaignRollup.rollup({ from: local("2025-01-01T00:00:00"), to: local("2026-03-01T00:00:00"), granularity: "DAY", byCampaign: false }))
      .rejects.toMatchObject({ extensions: { code: "BAD_USER_INPUT", field: "to" } });
  });

  const groupColumn: Partial<Record<KpiBreakdown, string>> = { NONE: "'ALL'", CHANNEL: "m.join_channel" };

  for (const [granularity, breakdown] of [["MONTH", "NONE"], ["MONTH", "CHANNEL"], ["WEEK", "NONE"], ["WEEK", "CHANNEL"], ["DAY", "CHANNEL"]] as const) {
    it(`gives ACQUISITION_COST by ${granularity} and ${breakdown}: spend on sends made in the period ÷ members who joined in it`, async () => {
      const periods = referencePeriods(granularity);
      const points = await facts.services.kpis.series({ kpi: "ACQUISITION_COST", granularity, breakdown, from: periods[0].start, to: periods[periods.length - 1].end, schemeId: null });
      expect([...new Set(points.map((point) => point.periodLabel))]).toEqual(periods.map((period) => period.label));
      let spendSeen = 0;
      for (const period of periods) {
        const range = [time(period.start), time(period.end)];
        const spendRows: Record<string, unknown>[] = await facts.dataSource.query(
          `SELECT ${groupColumn[breakdown]} AS group_value, SUM(s.cost) AS spend FROM campaign_sends s JOIN members m ON m.id = s.member_id WHERE s.status = 'SENT' AND s.sent_at >= ? AND s.sent_at < ? GROUP BY ${groupColumn[breakdown]}`,
          range,
        );
        const joinRows: Record<string, unknown>[] = await facts.dataSource.query(
          `SELECT ${groupColumn[breakdown]} AS group_value, COUNT(*) AS members FROM members m WHERE m.joined_at >= ? AND m.joined_at < ? GROUP BY ${groupColumn[breakdown]}`,
          range,
        );
        const spend = new Map(spendRows.map((row) => [String(row.group_value), Number(row.spend)]));
        const joined = new Map(joinRows.map((row) => [String(row.group_value), Number(row.members)]));
        const actual = points.filter((point) => point.periodLabel === period.label);
        for (const group of [...spend.keys(), ...joined.keys()]) expect(actual.map((point) => point.group)).toContain(group);
        for (const point of actual) {
          const marketingSpendFen = spend.get(point.group) ?? 0;
          const newMembers = joined.get(point.group) ?? 0;
          spendSeen += marketingSpendFen;
          const context = `${granularity} ${breakdown} ${period.label} ${point.group}`;
          expect({ context, value: point.value, figures: point.figures }).toEqual({
            context,
            value: newMembers === 0 ? null : marketingSpendFen / newMembers,
            // No spend is recorded outside campaigns here (test/integration/marketing-spend.test.ts records some).
            figures: [
              { name: "marketingSpendFen", value: marketingSpendFen }, { name: "campaignSpendFen", value: marketingSpendFen }, { name: "otherSpendFen", value: 0 },
              { name: "sharedSpendFen", value: 0 }, { name: "newMembers", value: newMembers },
            ],
          });
        }
      }
      expect(spendSeen).toBeGreaterThan(0);
    }, 120_000);
  }

  it("refuses ACQUISITION_COST by tier, city tier or segment: BAD_USER_INPUT on breakdown", async () => {
    for (const breakdown of ["TIER", "CITY_TIER", "SEGMENT"] as const) {
      await expect(facts.services.kpis.series({ kpi: "ACQUISITION_COST", granularity: "MONTH", breakdown, from: local("2026-01-01T00:00:00"), to: local("2026-06-01T00:00:00"), schemeId: breakdown === "SEGMENT" ? facts.schemeId : null }))
        .rejects.toMatchObject({ extensions: { code: "BAD_USER_INPUT", field: "breakdown" } });
    }
  });
});
