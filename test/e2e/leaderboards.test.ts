// Leaderboards over HTTP: ranks and ties, scopes, period boundaries in the programme's time zone, masking and the
// opt-in, neighbours, and reading while the boards are rebuilt. Each test works in a period of its own (the clock moves
// on between them), so the ALL boards hold only that test's members.
import { randomUUID } from "node:crypto";
import { AuditLogRecord, LeaderboardBoardRecord, LeaderboardEntryRecord, MemberRecord, TierRecord } from "../../src/entities";
import { toGlobalId } from "../../src/schema/global-id";
import { systemContext } from "../../src/services/service-context";
import { testDatabaseKinds } from "../support/databases";
import { startTestApplication, type TestApplication } from "../support/test-application";

const board = `query ($period: LeaderboardPeriod!, $scope: LeaderboardScope, $previous: Boolean, $first: Int, $city: String, $tierCode: String, $count: Int) {
  leaderboard(period: $period, scope: $scope, previous: $previous, city: $city, tierCode: $tierCode) {
    period scope periodLabel periodStart periodEnd city tierCode refreshedAt final rankedMembers
    top(first: $first) { rank score displayName nameMasked isMe memberId city }
    me { rank score nameVisible neighbours(count: $count) { above { rank score displayName isMe } below { rank score displayName isMe } } }
  }
}`;
const setNameVisible = `mutation ($visible: Boolean!) { setLeaderboardNameVisible(visible: $visible) }`;

interface Entry {
  rank: number;
  score: number;
  displayName: string;
  nameMasked: boolean;
  isMe: boolean;
  memberId: string | null;
  city: string | null;
}

describe.each(testDatabaseKinds())("leaderboards on $name", (kind) => {
  let test: TestApplication;
  let admin: string;
  let analyst: string;
  let operator: string;

  beforeAll(async () => {
    test = await startTestApplication(kind);
    await moveTo(test.clock.now().toISOString());
  });
  afterAll(async () => {
    await test?.close();
  });

  /** Moves the clock forward to `instant` (never back) and signs staff in again. */
  async function moveTo(instant: string) {
    const target = new Date(instant).getTime();
    const now = test.clock.now().getTime();
    if (target < now) throw new Error(`the clock is already past ${instant}`);
    test.clock.advance(target - now);
    admin = await test.staffToken("admin");
    analyst = await test.staffToken("analyst");
    operator = await test.staffToken("operator");
  }

  async function member(name: string, city: string | null = null, tierCode = "REGULAR") {
    const record = await test.createMember({ name, city });
    if (tierCode !== "REGULAR") {
      const tier = await test.application.database.dataSource.getRepository(TierRecord).findOneByOrFail({ code: tierCode });
      await test.application.database.dataSource.getRepository(MemberRecord).update({ id: record.id }, { tierId: tier.id });
    }
    return { id: record.id, globalId: toGlobalId("Member", record.id), token: await test.memberToken(record.id) };
  }

  async function earn(memberId: number, points: number) {
    await test.application.services.points.earn(systemContext("test"), { memberId, points, source: "CAMPAIGN", reason: "leaderboard test" }, randomUUID());
  }

  async function refresh() {
    return test.application.services.leaderboardRefresh.refresh();
  }

  async function read(variables: Record<string, unknown>, authorization: string) {
    const response = await test.graphql(board, variables, authorization);
    expect(response.errors).toBeUndefined();
    return response.data!.leaderboard;
  }

  it("ranks members by points earned in the period: ties share a rank in member-id order, staff adjustments and members without points do not count", async () => {
    const a = await member("王芳");
    const b = await member("刘洋");
    const c = await member("陈静");
    const d = await member("杨磊");
    const none = await member("赵敏");
    const adjusted = await member("黄勇");
    await earn(a.id, 100);
    await earn(b.id, 300);
    await earn(c.id, 250);
    await earn(c.id, 50);
    await earn(d.id, 50);
    await earn(adjusted.id, 80);
    await test.application.services.points.adjust(systemContext("test"), { memberId: adjusted.id, points: 500, reason: "goodwill" }, randomUUID());

    const before = await read({ period: "WEEK" }, b.token);
    expect(before).toMatchObject({ periodLabel: "2026-W48", refreshedAt: null, final: false, rankedMembers: 0, top: [], me: { rank: null, score: 0 } });

    const summary = await refresh();
    expect(summary.built.map((built) => built.period).sort()).toEqual(["2026-10", "2026-11", "2026-W47", "2026-W48"]);
    const week = await read({ period: "WEEK", count: 1 }, b.token);
    expect(week).toMatchObject({
      period: "WEEK", scope: "ALL", periodLabel: "2026-W48", periodStart: "2026-11-22T16:00:00.000Z", periodEnd: "2026-11-29T16:00:00.000Z",
      refreshedAt: test.clock.now().toISOString(), final: false, rankedMembers: 5, city: null, tierCode: null,
    });
    expect(week.top.map((entry: Entry) => [entry.rank, entry.score, entry.isMe])).toEqual([[1, 300, true], [1, 300, false], [3, 100, false], [4, 80, false], [5, 50, false]]);
    expect(week.top[0]).toMatchObject({ displayName: "刘洋", nameMasked: false, memberId: b.globalId });
    expect(week.top[1]).toMatchObject({ displayName: "陈**", nameMasked: true, memberId: null, city: null });
    expect(week.me).toMatchObject({ rank: 1, score: 300, neighbours: { above: [], below: [{ rank: 1, score: 300, displayName: "陈**" }] } });

    const month = await read({ period: "MONTH" }, a.token);
    expect(month).toMatchObject({ periodLabel: "2026-11", periodStart: "2026-10-31T16:00:00.000Z", periodEnd: "2026-11-30T16:00:00.000Z", rankedMembers: 5, me: { rank: 3, score: 100 } });
    expect(month.me.neighbours).toEqual({ above: [{ rank: 1, score: 300, displayName: "刘**", isMe: false }, { rank: 1, score: 300, displayName: "陈**", isMe: false }], below: [{ rank: 4, score: 80, displayName: "黄**", isMe: false }, { rank: 5, score: 50, displayName: "杨**", isMe: false }] });

    // Not ranked: below everyone ranked, so the neighbours above are the last ones.
    const unranked = await read({ period: "MONTH", count: 3 }, none.token);
    expect(unranked.me).toMatchObject({ rank: null, score: 0, neighbours: { above: [{ rank: 3 }, { rank: 4 }, { rank: 5 }], below: [] } });
    const short = await read({ period: "MONTH", first: 2, count: 0 }, d.token);
    expect(short.top).toHaveLength(2);
    expect(short.me).toMatchObject({ rank: 5, neighbours: { above: [], below: [] } });
    // Last week had nobody; its board was built after it ended, so it is final.
    expect(await read({ period: "WEEK", previous: true }, a.token)).toMatchObject({ periodLabel: "2026-W47", rankedMembers: 0, top: [], final: true });

    for (const [variables, field] of [[{ period: "WEEK", first: 101 }, "first"], [{ period: "WEEK", count: 11 }, "count"], [{ period: "WEEK", first: -1 }, "first"]] as const) {
      const refused = await test.graphql(board, variables, a.token);
      expect(refused.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
    }
    expect((await test.graphql(board, { period: "WEEK" })).errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("takes periods in the programme's time zone: ISO weeks from Monday 00:00 and months by the local calendar, final once built after they end", async () => {
    const early = await member("周杰");
    const late = await member("吴霞");
    await moveTo("2026-12-31T15:59:59.999Z"); // 31 December 23:59:59.999 in China: still December, week 2026-W53
    await earn(early.id, 10);
    await moveTo("2026-12-31T16:00:00.000Z"); // 1 January 00:00: January, same ISO week
    await earn(early.id, 20);
    await moveTo("2027-01-03T15:59:59.999Z"); // Sunday 3 January 23:59:59.999: the last instant of 2026-W53
    await earn(late.id, 40);
    await refresh();
    await moveTo("2027-01-03T16:00:00.000Z"); // Monday 4 January 00:00: 2027-W01
    await earn(late.id, 5);
    const summary = await refresh();
    expect(summary.built.map((built) => built.period).sort()).toEqual(["2026-W53", "2027-01", "2027-W01"]);
    expect(summary.kept).toEqual(["POINTS_EARNED 2026-12"]);

    const token = await test.memberToken(late.id);
    const thisWeek = await read({ period: "WEEK" }, token);
    expect(thisWeek).toMatchObject({ periodLabel: "2027-W01", periodStart: "2027-01-03T16:00:00.000Z", final: false, rankedMembers: 1, me: { rank: 1, score: 5 } });
    const lastWeek = await read({ period: "WEEK", previous: true }, token);
    expect(lastWeek).toMatchObject({ periodLabel: "2026-W53", periodStart: "2026-12-27T16:00:00.000Z", periodEnd: "2027-01-03T16:00:00.000Z", final: true, rankedMembers: 2 });
    // Both of the early member's entries: 31 December and 1 January are in the same ISO week.
    expect(lastWeek.top.map((entry: Entry) => entry.score)).toEqual([40, 30]);
    const january = await read({ period: "MONTH" }, token);
    expect(january).toMatchObject({ periodLabel: "2027-01", periodStart: "2026-12-31T16:00:00.000Z", final: false });
    expect(january.top.map((entry: Entry) => entry.score)).toEqual([45, 20]);
    const december = await read({ period: "MONTH", previous: true }, token);
    expect(december).toMatchObject({ periodLabel: "2026-12", final: true, me: { rank: null } });
    expect(december.top.map((entry: Entry) => entry.score)).toEqual([10]);

    // Final boards are not rebuilt; an unchanged ledger leaves the current ones too.
    const again = await refresh();
    expect(again.built).toEqual([]);
    expect(again.kept.sort()).toEqual(["POINTS_EARNED 2026-12", "POINTS_EARNED 2026-W53", "POINTS_EARNED 2027-01", "POINTS_EARNED 2027-W01"]);
  });

  it("shows a member the board of their own city and tier, and lets staff choose one; the city is shown only on CITY boards", async () => {
    await moveTo("2027-03-10T04:00:00.000Z");
    const city = `杭州-${randomUUID().slice(0, 6)}`;
    const other = `苏州-${randomUUID().slice(0, 6)}`;
    const first = await member("钱多多", city, "GOLD");
    const second = await member("孙悟空", city);
    const third = await member("李白", other, "GOLD");
    const homeless = await member("杜甫", null, "GOLD");
    await earn(first.id, 70);
    await earn(second.id, 90);
    await earn(third.id, 200);
    await earn(homeless.id, 10);
    await refresh();

    const mine = await read({ period: "MONTH", scope: "CITY" }, first.token);
    expect(mine).toMatchObject({ scope: "CITY", city, tierCode: null, rankedMembers: 2, me: { rank: 2, score: 70 } });
    expect(mine.top).toMatchObject([{ rank: 1, score: 90, displayName: "孙**", city }, { rank: 2, score: 70, displayName: "钱多多", isMe: true, city }]);
    const byTier = await read({ period: "MONTH", scope: "TIER" }, first.token);
    expect(byTier).toMatchObject({ scope: "TIER", city: null, tierCode: "GOLD", rankedMembers: 3, me: { rank: 2 } });
    expect(byTier.top.map((entry: Entry) => [entry.score, entry.city])).toEqual([[200, null], [70, null], [10, null]]);
    const all = await read({ period: "MONTH" }, first.token);
    expect(all).toMatchObject({ rankedMembers: 4, me: { rank: 3 } });
    expect(all.top.every((entry: Entry) => entry.city === null)).toBe(true);
    // No city: no city board, but ranked everywhere else.
    expect(await read({ period: "MONTH", scope: "CITY" }, homeless.token)).toMatchObject({ city: null, rankedMembers: 0, top: [], me: { rank: null, score: 0 } });
    expect(await read({ period: "MONTH", scope: "TIER" }, homeless.token)).toMatchObject({ me: { rank: 3, score: 10 } });

    const staffView = await read({ period: "MONTH", scope: "CITY", city: other }, analyst);
    expect(staffView).toMatchObject({ city: other, rankedMembers: 1, me: null, top: [{ rank: 1, score: 200, displayName: "李**", nameMasked: true, memberId: third.globalId, isMe: false, city: other }] });
    const adminView = await read({ period: "MONTH", scope: "TIER", tierCode: "GOLD" }, admin);
    expect(adminView.top.map((entry: Entry) => [entry.displayName, entry.nameMasked])).toEqual([["李白", false], ["钱多多", false], ["杜甫", false]]);

    const refusals: [Record<string, unknown>, string, string, string?][] = [
      [{ period: "MONTH", scope: "CITY" }, analyst, "BAD_USER_INPUT", "city"],
      [{ period: "MONTH", scope: "TIER" }, analyst, "BAD_USER_INPUT", "tierCode"],
      [{ period: "MONTH", scope: "TIER", tierCode: "PLATINUM" }, analyst, "BAD_USER_INPUT", "tierCode"],
      [{ period: "MONTH", scope: "ALL", city }, analyst, "BAD_USER_INPUT", "city"],
      [{ period: "MONTH", scope: "CITY", city: other }, first.token, "BAD_USER_INPUT", "city"],
      [{ period: "MONTH", scope: "TIER", tierCode: "REGULAR" }, first.token, "BAD_USER_INPUT", "tierCode"],
    ];
    for (const [variables, authorization, code, field] of refusals) {
      const refused = await test.graphql(board, variables, authorization);
      expect(refused.errors?.[0].extensions).toMatchObject({ code, ...(field ? { field } : {}) });
    }
  });

  it("masks other members' names unless they opt in, at once and on every board, and never shows their phones", async () => {
    await moveTo("2027-05-12T04:00:00.000Z");
    const viewer = await member("张伟");
    const shy = await member("李娜");
    const proud = await member("Alice");
    await earn(viewer.id, 10);
    await earn(shy.id, 30);
    await earn(proud.id, 20);
    await refresh();
    const names = async (authorization: string) => (await read({ period: "WEEK" }, authorization)).top.map((entry: Entry) => entry.displayName);

    expect(await names(viewer.token)).toEqual(["李**", "A**", "张伟"]);
    const optIn = await test.graphql(setNameVisible, { visible: true }, proud.token);
    expect(optIn.data?.setLeaderboardNameVisible).toBe(true);
    // Live: no refresh in between.
    expect(await names(viewer.token)).toEqual(["李**", "Alice", "张伟"]);
    expect(await names(analyst)).toEqual(["李**", "Alice", "张**"]);
    expect(await names(admin)).toEqual(["李娜", "Alice", "张伟"]);
    const proudView = await read({ period: "WEEK" }, proud.token);
    expect(proudView.me).toMatchObject({ rank: 2, nameVisible: true });
    const profile = await test.graphql(`{ me { leaderboardNameVisible } }`, {}, proud.token);
    expect(profile.data?.me.leaderboardNameVisible).toBe(true);

    expect((await test.graphql(setNameVisible, { visible: false }, proud.token)).data?.setLeaderboardNameVisible).toBe(false);
    expect(await names(viewer.token)).toEqual(["李**", "A**", "张伟"]);
    const audit = await test.application.database.dataSource.getRepository(AuditLogRecord).find({ where: { action: "member.setLeaderboardNameVisible", targetId: String(proud.id) }, order: { id: "ASC" } });
    expect(audit.map((row) => row.details)).toEqual([{ nameVisible: true }, { nameVisible: false }]);

    const staffTry = await test.graphql(setNameVisible, { visible: true }, operator);
    expect(staffTry.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const othersProfile = await test.graphql(`query ($id: ID!) { member(id: $id) { leaderboardNameVisible } }`, { id: proud.globalId }, viewer.token);
    expect(othersProfile.errors?.[0].extensions?.code).toBe("FORBIDDEN");

    const raw = JSON.stringify((await test.graphql(board, { period: "WEEK" }, viewer.token)).data);
    for (const other of [shy, proud]) {
      const record = await test.application.database.dataSource.getRepository(MemberRecord).findOneByOrFail({ id: other.id });
      const phone = test.application.services.members.revealPhone(record);
      expect(raw).not.toContain(phone);
      expect(raw).not.toContain(record.phoneMasked);
      expect(raw).not.toContain(other.globalId);
    }
  });

  it("answers readers with a whole board while refreshes replace it, and deletes replaced boards after their grace period", async () => {
    await moveTo("2027-07-14T04:00:00.000Z");
    const members = [];
    for (let index = 0; index < 40; index += 1) members.push(await member(`会员${index}`));
    for (const [index, one] of members.entries()) await earn(one.id, 10 + (index % 7) * 5);
    await refresh();
    const reader = members[0];

    let reading = true;
    let reads = 0;
    const readers = Array.from({ length: 4 }, async () => {
      while (reading) {
        const view = await read({ period: "MONTH" }, reader.token);
        reads += 1;
        // Whole and consistent: every ranked member listed once, scores falling, ranks by score with ties shared.
        expect(view.top).toHaveLength(view.rankedMembers);
        expect(view.rankedMembers).toBe(40);
        view.top.forEach((entry: Entry, index: number) => {
          const higher = view.top.filter((other: Entry) => other.score > entry.score).length;
          expect(entry.rank).toBe(higher + 1);
          if (index > 0) expect(entry.score).toBeLessThanOrEqual(view.top[index - 1].score);
        });
        expect(view.top.filter((entry: Entry) => entry.isMe)).toHaveLength(1);
      }
    });
    for (let round = 0; round < 4; round += 1) {
      for (const one of members.slice(round * 10, round * 10 + 10)) await earn(one.id, 7 * (round + 1));
      const summary = await refresh();
      expect(summary.built.map((built) => built.period).sort()).toEqual(["2027-07", "2027-W28"]);
    }
    reading = false;
    await Promise.all(readers);
    expect(reads).toBeGreaterThan(4);

    const dataSource = test.application.database.dataSource;
    const boards = dataSource.getRepository(LeaderboardBoardRecord);
    expect(await boards.countBy({ status: "RETIRED", periodKey: "2027-07" })).toBe(4);
    await moveTo("2027-07-14T04:02:00.000Z");
    const cleaned = await refresh();
    expect(cleaned.removedBoards).toBeGreaterThanOrEqual(8);
    expect(await boards.countBy({ status: "RETIRED" })).toBe(0);
    expect(await boards.countBy({ status: "BUILDING" })).toBe(0);
    const currentIds = (await boards.findBy({ status: "CURRENT" })).map((current) => current.id);
    const [{ count }] = await dataSource.query(`SELECT COUNT(*) AS count FROM leaderboard_entries WHERE board_id NOT IN (${currentIds.join(", ")})`);
    expect(Number(count)).toBe(0);
    expect(await dataSource.getRepository(LeaderboardEntryRecord).countBy({ boardId: currentIds[currentIds.length - 1] })).toBeGreaterThan(0);

    const final = await read({ period: "MONTH" }, reader.token);
    // Member 0 earned 10 at first and 7 in the first round.
    expect(final.me).toMatchObject({ score: 17 });
  });

  it("nets refunds made in the period against points earned in it, never reaching into a period already over", async () => {
    await moveTo("2027-09-08T04:00:00.000Z"); // Wednesday of 2027-W36
    const purchase = async (memberId: number, orderId: string, yuan: number) =>
      test.application.services.points.earn(systemContext("test"), { memberId, purchase: { orderId, amount: yuan * 100, category: "APPAREL", channel: "OFFLINE_STORE", storeCode: "SH-001" } }, randomUUID());
    const refund = (orderId: string, yuan: number) => test.application.services.points.refund(systemContext("test"), { orderId, amount: yuan * 100 }, randomUUID());
    const partly = await member("退一半");
    const wholly = await member("全退");
    const later = await member("下周退");
    const order = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;
    const partlyOrder = order("PARTLY");
    const whollyOrder = order("WHOLLY");
    const laterOrder = order("LATER");
    await purchase(partly.id, partlyOrder, 200);
    await refund(partlyOrder, 50);
    await purchase(wholly.id, whollyOrder, 100);
    await refund(whollyOrder, 100);
    await purchase(later.id, laterOrder, 300);
    await refresh();
    const week = await read({ period: "WEEK" }, partly.token);
    expect(week.top.map((entry: Entry) => [entry.displayName, entry.score])).toEqual([["下**", 300], ["退一半", 150]]);
    expect((await read({ period: "WEEK" }, wholly.token)).me).toMatchObject({ rank: null, score: 0 });

    await moveTo("2027-09-14T04:00:00.000Z"); // Tuesday of 2027-W37
    await refund(laterOrder, 300);
    await earn(later.id, 40);
    await refresh();
    const token = await test.memberToken(later.id);
    expect(await read({ period: "WEEK", previous: true }, token)).toMatchObject({ final: true, me: { rank: 1, score: 300 } });
    expect((await read({ period: "WEEK" }, token)).me).toMatchObject({ rank: null, score: 0 });
    expect((await read({ period: "MONTH" }, token)).top.map((entry: Entry) => entry.score)).toEqual([150, 40]);
  });

  it("accepts the member app's full query within the query cost limit", async () => {
    const viewer = await member("查询");
    const full = `{ leaderboard(period: MONTH, scope: CITY) { periodLabel refreshedAt rankedMembers final city
      top(first: 100) { rank score displayName nameMasked isMe memberId city }
      me { rank score nameVisible neighbours(count: 10) { above { rank score displayName nameMasked isMe memberId city } below { rank score displayName nameMasked isMe memberId city } } } } }`;
    const response = await test.graphql(full, {}, viewer.token);
    expect(response.errors).toBeUndefined();
  });

  it("lets operators refresh on demand and refuses analysts", async () => {
    const mutation = `mutation { refreshLeaderboards { built { period rankedMembers seconds } kept } }`;
    const refused = await test.graphql(mutation, {}, analyst);
    expect(refused.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const done = await test.graphql(mutation, {}, operator);
    expect(done.errors).toBeUndefined();
    // Nothing changed since the last refresh: every board is kept.
    expect(done.data!.refreshLeaderboards).toEqual({ built: [], kept: ["POINTS_EARNED 2027-W37", "POINTS_EARNED 2027-W36", "POINTS_EARNED 2027-09", "POINTS_EARNED 2027-08"] });
  });
});
