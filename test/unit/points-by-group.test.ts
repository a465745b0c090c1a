// Points by group (POINTS_LIABILITY by a breakdown): whatever the order of ledger entries, tier and city tier changes
// (their points move with them, in the same transaction) and segment moves (their points follow when the member is
// regrouped), the daily sums of the days before any day equal the balances of the members whose points sit in each
// group then; never a point lost or counted twice, and once regrouped every member's points sit in their groups.
import fc from "fast-check";
import {
  entryPointsChanges, memberPointsChanges, pointsAtEnds, pointsGroupKeys, pointsGroupsFromText, pointsGroupsText, regroupPointsChanges, sameGroups, sumPointsChanges,
  type KpiGroups, type PointsChange,
} from "../../src/engine/analytics";

const schemes = [7, 9];

type Operation =
  | { kind: "entry"; member: number; amount: number }
  | { kind: "tier"; member: number; tierId: number }
  | { kind: "city"; member: number; cityTier: number }
  | { kind: "segment"; member: number; schemeId: number; segmentId: number | null }
  | { kind: "regroup"; member: number }
  | { kind: "nextDay" };

const member = fc.integer({ min: 0, max: 2 });
const operation: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("entry" as const), member, amount: fc.integer({ min: -400, max: 600 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("tier" as const), member, tierId: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("city" as const), member, cityTier: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("segment" as const), member, schemeId: fc.constantFrom(...schemes), segmentId: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("regroup" as const), member }) },
  { weight: 2, arbitrary: fc.constant({ kind: "nextDay" as const }) },
);

interface ModelMember {
  /** The member's groups now (members row, segment memberships). */
  actual: KpiGroups;
  /** Where their points sit (point_accounts.kpi_groups). */
  account: KpiGroups;
  balance: number;
}

const withTier = (groups: KpiGroups, tierId: number): KpiGroups => ({ ...groups, tierId });
const withCity = (groups: KpiGroups, cityTier: number): KpiGroups => ({ ...groups, cityTier });
function withSegment(groups: KpiGroups, schemeId: number, segmentId: number | null): KpiGroups {
  const segments = new Map(groups.segments);
  if (segmentId === null) segments.delete(schemeId);
  else segments.set(schemeId, segmentId);
  return { ...groups, segments };
}

/** What each group should hold: the balances of the members whose points sit there, and each scheme's unplaced. */
function expectedHoldings(members: readonly ModelMember[]): Map<string, number> {
  const held = new Map<string, number>();
  for (const each of members) for (const key of pointsGroupKeys(each.account)) held.set(key, (held.get(key) ?? 0) + each.balance);
  return new Map([...held].filter(([, points]) => points !== 0));
}

function holdingsAt(sums: PointsChange[], endDay: number): Map<string, number> {
  return new Map([...pointsAtEnds(sums, [endDay])].map(([key, [points]]) => [key, points] as [string, number]).filter(([, points]) => points !== 0));
}

describe("points by group", () => {
  it("writes and reads the groups text a point account keeps, segments in any order", () => {
    const groups: KpiGroups = { channel: "MINI_PROGRAM", cityTier: 0, tierId: 3, segments: new Map([[9, 91], [2, 20]]) };
    expect(pointsGroupsText(groups)).toBe("MINI_PROGRAM|0|3|2:20;9:91");
    expect(sameGroups(pointsGroupsFromText("MINI_PROGRAM|0|3|9:91;2:20"), groups)).toBe(true);
    expect(pointsGroupKeys(pointsGroupsFromText("APP|2|1|"))).toEqual(["channel:APP", "city:2", "tier:1"]);
    expect(pointsGroupKeys(groups)).toEqual(["channel:MINI_PROGRAM", "city:0", "tier:3", "segment:2:20", "segment:9:91"]);
  });

  it("moves a balance only between the groups that differ", () => {
    const before: KpiGroups = { channel: "APP", cityTier: 1, tierId: 1, segments: new Map([[7, 1]]) };
    const after: KpiGroups = { channel: "APP", cityTier: 1, tierId: 2, segments: new Map([[9, 3]]) };
    expect(regroupPointsChanges(before, after, 50, 100)).toEqual([
      { groupKey: "tier:1", day: 100, amount: -50 },
      { groupKey: "segment:7:1", day: 100, amount: -50 },
      { groupKey: "tier:2", day: 100, amount: 50 },
      { groupKey: "segment:9:3", day: 100, amount: 50 },
    ]);
    expect(regroupPointsChanges(before, before, 50, 100)).toEqual([]);
    expect(regroupPointsChanges(before, after, 0, 100)).toEqual([]);
  });

  it("keeps every group's sums equal to the balances sitting in it at the end of every day, whatever the order of entries, moves and regroups", () => {
    fc.assert(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 80 }), (operations) => {
        const initial = (index: number): KpiGroups => ({ channel: index === 1 ? "ONLINE" : "APP", cityTier: index, tierId: 1, segments: new Map() });
        const members: ModelMember[] = [0, 1, 2].map((index) => ({ actual: initial(index), account: initial(index), balance: 0 }));
        const sums: PointsChange[] = [];
        let day = 20_000;
        const endOfDay = () => {
          // The start of the next day: every group holds exactly what the members' balances put there.
          expect(holdingsAt(sums, day + 1)).toEqual(expectedHoldings(members));
          const channels = [...holdingsAt(sums, day + 1)].filter(([key]) => key.startsWith("channel:")).reduce((total, [, points]) => total + points, 0);
          expect(channels).toBe(members.reduce((total, each) => total + each.balance, 0));
        };
        for (const step of operations) {
          if (step.kind === "nextDay") {
            endOfDay();
            day += 1;
            continue;
          }
          const each = members[step.member];
          switch (step.kind) {
            case "entry": {
              const amount = Math.max(step.amount, -each.balance);
              sums.push(...entryPointsChanges(each.account, day, amount));
              each.balance += amount;
              break;
            }
            // Tier and city tier changes hold the point account: the points move in the same transaction.
            case "tier":
            case "city": {
              each.actual = step.kind === "tier" ? withTier(each.actual, step.tierId) : withCity(each.actual, step.cityTier);
              const after = step.kind === "tier" ? withTier(each.account, step.tierId) : withCity(each.account, step.cityTier);
              sums.push(...regroupPointsChanges(each.account, after, each.balance, day));
              each.account = after;
              break;
            }
            // Segment moves change the membership only; the member's points follow at their regroup.
            case "segment":
              each.actual = withSegment(each.actual, step.schemeId, step.segmentId);
              break;
            case "regroup":
              sums.push(...regroupPointsChanges(each.account, each.actual, each.balance, day));
              each.account = each.actual;
              break;
          }
        }
        endOfDay();
        for (const each of members) {
          sums.push(...regroupPointsChanges(each.account, each.actual, each.balance, day));
          each.account = each.actual;
        }
        endOfDay();
        // Folding (adding changes of a day and group together) changes no holding.
        expect(holdingsAt(sumPointsChanges(sums), day + 1)).toEqual(expectedHoldings(members));
        for (const schemeId of schemes) {
          const held = holdingsAt(sums, day + 1);
          const total = [...held].filter(([key]) => key.startsWith("channel:")).reduce((sum, [, points]) => sum + points, 0);
          const placed = [...held].filter(([key]) => key.startsWith(`segment:${schemeId}:`)).reduce((sum, [, points]) => sum + points, 0);
          const unplaced = members.filter((each) => !each.actual.segments.has(schemeId)).reduce((sum, each) => sum + each.balance, 0);
          expect(total - placed).toBe(unplaced);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("walks a member's history into the same holdings: each day's balance in the groups held at its end", () => {
    const dayLength = 86_400_000;
    const timeline = fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant("entry" as const), at: fc.integer({ min: 0, max: 20 * dayLength }), amount: fc.integer({ min: -300, max: 500 }) }),
        fc.record({ kind: fc.constant("regroup" as const), at: fc.integer({ min: 0, max: 20 * dayLength }), tierId: fc.integer({ min: 1, max: 3 }), segmentId: fc.option(fc.integer({ min: 1, max: 2 }), { nil: null }) }),
      ),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(timeline, (events) => {
        const initial: KpiGroups = { channel: "APP", cityTier: 2, tierId: 1, segments: new Map() };
        const entries = events.flatMap((event) => (event.kind === "entry" ? [{ at: event.at, amount: event.amount }] : []));
        const regroups = events.flatMap((event) => (event.kind === "regroup" ? [{ at: event.at, groups: withSegment(withTier(initial, event.tierId), 7, event.segmentId) }] : []));
        const dayOf = (at: number) => Math.floor(at / dayLength);
        const { changes, final } = memberPointsChanges(initial, entries, regroups, dayOf);
        for (let endDay = 0; endDay <= 21; endDay += 1) {
          // The reference: the balance before the day, in the groups of the last regroup before it.
          const balance = entries.filter((entry) => dayOf(entry.at) < endDay).reduce((sum, entry) => sum + entry.amount, 0);
          const before = regroups.map((regroup, index) => ({ regroup, index })).filter(({ regroup }) => dayOf(regroup.at) < endDay).sort((first, second) => first.regroup.at - second.regroup.at || first.index - second.index);
          const groups = before.length > 0 ? before[before.length - 1].regroup.groups : initial;
          const expected = new Map(balance === 0 ? [] : pointsGroupKeys(groups).map((key) => [key, balance] as [string, number]));
          expect(holdingsAt(changes, endDay)).toEqual(expected);
        }
        const last = [...regroups.entries()].sort(([firstIndex, first], [secondIndex, second]) => first.at - second.at || firstIndex - secondIndex).at(-1);
        expect(sameGroups(final, last ? last[1].groups : initial)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
