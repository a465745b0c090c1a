// The engine's KPI facts of a member: kept by difference event after event (late ones included) they equal the
// facts computed from the member's whole history, and they count the member once per period.
import fc from "fast-check";
import {
  addToFacts, factDifference, factPeriodEndDay, factPeriodFirstDay, factPreviousPeriodFirstDay, kpiCounterNames, memberKpiFacts, periodsTouchedBy, programmeScheme, segmentsFromText, segmentsText,
  type KpiFact, type KpiGroups, type MemberKpiDay,
} from "../../src/engine/analytics";

const day = (text: string) => Date.UTC(Number(text.slice(0, 4)), Number(text.slice(5, 7)) - 1, Number(text.slice(8, 10))) / 86_400_000;

const groupChoices: KpiGroups[] = [
  { channel: "APP", cityTier: 1, tierId: 1, segments: new Map([[3, 30]]) },
  { channel: "APP", cityTier: 1, tierId: 2, segments: new Map([[3, 31]]) },
  { channel: "ONLINE", cityTier: 0, tierId: 2, segments: new Map([[3, 30], [4, 40]]) },
  { channel: "APP", cityTier: 1, tierId: 3, segments: new Map() },
];

interface Change {
  day: number;
  logins: number;
  orders: number;
  spend: number;
  interactions: number;
  /** The member's groups when the change is recorded: a row it creates keeps them. */
  groups: number;
}

const firstDay = day("2026-01-20");
const change = fc.record({
  day: fc.integer({ min: firstDay, max: firstDay + 80 }),
  logins: fc.integer({ min: 0, max: 2 }),
  orders: fc.integer({ min: 0, max: 2 }),
  spend: fc.integer({ min: -5_000, max: 20_000 }),
  interactions: fc.integer({ min: 0, max: 3 }),
  groups: fc.integer({ min: 0, max: groupChoices.length - 1 }),
});

function apply(rows: Map<number, MemberKpiDay>, each: Change): void {
  const row = rows.get(each.day) ?? { day: each.day, logins: 0, orders: 0, spend: 0, interactions: 0, groups: groupChoices[each.groups] };
  row.logins += each.logins;
  row.orders += each.orders;
  row.spend += each.spend;
  row.interactions += each.interactions;
  rows.set(each.day, row);
}

const sorted = (rows: Map<number, MemberKpiDay>) => [...rows.values()].map((row) => ({ ...row })).sort((first, second) => first.day - second.day);
const nonZero = (facts: Iterable<KpiFact>) =>
  [...facts].filter((fact) => kpiCounterNames.some((name) => fact.counters[name] !== 0)).map((fact) => JSON.stringify(fact)).sort();

describe("KPI facts of a member", () => {
  it("cuts days into days, ISO weeks from Monday and calendar months", () => {
    expect(factPeriodFirstDay(day("2026-03-18"), "WEEK")).toBe(day("2026-03-16"));
    expect(factPeriodFirstDay(day("2026-03-16"), "WEEK")).toBe(day("2026-03-16"));
    expect(factPeriodFirstDay(day("2026-03-15"), "WEEK")).toBe(day("2026-03-09"));
    expect(factPeriodFirstDay(day("2026-02-28"), "MONTH")).toBe(day("2026-02-01"));
    expect(factPeriodEndDay(day("2026-02-01"), "MONTH")).toBe(day("2026-03-01"));
    expect(factPeriodEndDay(day("2025-12-01"), "MONTH")).toBe(day("2026-01-01"));
    expect(factPreviousPeriodFirstDay(day("2026-01-01"), "MONTH")).toBe(day("2025-12-01"));
    expect(factPreviousPeriodFirstDay(day("2026-03-16"), "DAY")).toBe(day("2026-03-15"));
  });

  it("keeps segments as text and reads them back", () => {
    const segments = new Map([[12, 40], [3, 7]]);
    expect(segmentsText(segments)).toBe("3:7;12:40");
    expect(segmentsFromText("3:7;12:40")).toEqual(segments);
    expect(segmentsFromText("")).toEqual(new Map());
  });

  it("counts a member once a period, in the groups of their first row, and retention in the previous period's", () => {
    const rows: MemberKpiDay[] = [
      { day: day("2026-02-27"), logins: 1, orders: 0, spend: 0, interactions: 2, groups: groupChoices[0] },
      { day: day("2026-03-02"), logins: 0, orders: 1, spend: 9_000, interactions: 0, groups: groupChoices[1] },
      { day: day("2026-03-20"), logins: 2, orders: 1, spend: 1_000, interactions: 0, groups: groupChoices[2] },
    ];
    const facts = memberKpiFacts(rows, [{ granularity: "MONTH", firstDay: day("2026-03-01") }], null);
    const programme = [...facts.values()].filter((fact) => fact.key.schemeId === programmeScheme);
    // March counts in the groups of 2 March (tier 2); its retention in February's (tier 1).
    expect(programme.map((fact) => [fact.key.tierId, fact.counters])).toEqual([
      [2, { logins: 2, interactions: 0, orders: 2, spend: 10_000, loginDays: 1, loginMembers: 1, activeMembers: 1, orderMembers: 1, repeatMembers: 1, retained: 0 }],
      [1, { logins: 0, interactions: 0, orders: 0, spend: 0, loginDays: 0, loginMembers: 0, activeMembers: 0, orderMembers: 0, repeatMembers: 0, retained: 1 }],
    ]);
    const segments = [...facts.values()].filter((fact) => fact.key.schemeId === 3).map((fact) => [fact.key.segmentId, fact.counters.activeMembers, fact.counters.retained]);
    expect(segments).toEqual([[31, 1, 0], [30, 0, 1]]);
  });

  it("kept by difference through any order of changes equals the facts of the whole history", () => {
    fc.assert(
      fc.property(fc.array(fc.array(change, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 25 }), fc.option(fc.constant(day("2026-01-01")), { nil: null }), (events, joinMonth) => {
        const rows = new Map<number, MemberKpiDay>();
        const kept = new Map<string, KpiFact>();
        for (const event of events) {
          const periods = periodsTouchedBy(event.map((each) => each.day));
          const before = memberKpiFacts(sorted(rows), periods, joinMonth);
          for (const each of event) apply(rows, each);
          for (const fact of factDifference(before, memberKpiFacts(sorted(rows), periods, joinMonth))) addToFacts(kept, fact.key, fact.counters);
        }
        const history = sorted(rows);
        const whole = memberKpiFacts(history, periodsTouchedBy(history.map((row) => row.day)), joinMonth);
        expect(nonZero(kept.values())).toEqual(nonZero(whole.values()));
        for (const fact of kept.values()) {
          // Counts of members are 0 or 1 for one member; a member retained was active in the period before, in that group.
          for (const name of ["loginMembers", "activeMembers", "orderMembers", "repeatMembers", "retained"] as const) expect([0, 1]).toContain(fact.counters[name]);
          if (fact.counters.retained === 1) {
            const previous = kept.get([fact.key.granularity, factPreviousPeriodFirstDay(fact.key.periodFirstDay, fact.key.granularity), fact.key.schemeId, fact.key.channel, fact.key.cityTier, fact.key.tierId, fact.key.segmentId].join("|"));
            expect(previous?.counters.activeMembers).toBe(1);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
