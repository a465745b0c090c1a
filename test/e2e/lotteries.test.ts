import { createHash, createHmac, randomUUID } from "node:crypto";
import { systemContext } from "../../src/services/service-context";
import { verifyLedger } from "../../src/services/points/ledger-verifier";
import { testDatabaseKinds } from "../support/databases";
import { StaffSessions } from "../support/staff-sessions";
import { startTestApplication, type TestApplication } from "../support/test-application";

const createLottery = `mutation ($input: CreateLotteryInput!) { createLottery(input: $input) { id code seedCommitment revealedSeed status prizes { id name kind stock } } }`;
const updateLottery = `mutation ($id: ID!, $input: UpdateLotteryInput!) { updateLottery(id: $id, input: $input) { id costPoints prizes { id stock } } }`;
const endLottery = `mutation ($id: ID!) { endLottery(id: $id) { id status revealedSeed seedCommitment } }`;
const drawLottery = `mutation ($lotteryId: ID!, $key: String!) { drawLottery(lotteryId: $lotteryId, idempotencyKey: $key) {
  balance drawsLeftToday
  draw { id drawNumber hmacMessage randomHex randomValue stockBefore costPoints memberId drawnPrize { id name kind } prize { id name kind } coupon { code value } }
} }`;
const lotteryQuery = `query ($id: ID!) { lottery(id: $id) {
  id status costPoints dailyLimit seedCommitment revealedSeed drawsLeftToday drawCount
  prizes { id position name kind value weight odds currentOdds stock awarded }
} }`;
const lotteryDraws = `query ($id: ID!) { lottery(id: $id) { draws(first: 25) { edges { node {
  id memberId drawNumber hmacMessage randomHex randomValue stockBefore drawnPrize { id position } prize { id kind }
} } } } }`;
const verify = `query ($id: ID!) { verifyLotteryDraws(lotteryId: $id) { valid seedMatchesCommitment seedRevealed checkedDraws problems } }`;
const myDraws = `query { me { lotteryDraws(first: 100) { edges { node { id drawNumber prize { kind name } } } } points { balance } } }`;

const hour = 3_600_000;

interface PrizeLine {
  name: string;
  kind: "POINTS" | "COUPON" | "BENEFIT" | "NOTHING";
  weight: number;
  value?: number;
  stock?: number | null;
  benefitCode?: string;
  validDays?: number;
}

const thanks: PrizeLine = { name: "谢谢参与", kind: "NOTHING", weight: 0 };

describe.each(testDatabaseKinds())("lotteries on $name", (kind) => {
  let test: TestApplication;
  let staff: StaffSessions;

  beforeAll(async () => {
    test = await startTestApplication(kind);
    staff = new StaffSessions(test);
    await staff.signIn();
  });
  afterAll(async () => {
    await test?.close();
  });

  async function newLottery(prizes: PrizeLine[], settings: { costPoints?: number; dailyLimit?: number; endsInHours?: number } = {}) {
    const input = {
      code: `L-${randomUUID().slice(0, 8)}`,
      title: "幸运大转盘",
      costPoints: settings.costPoints ?? 10,
      dailyLimit: settings.dailyLimit ?? 5,
      endsAt: new Date(test.clock.now().getTime() + (settings.endsInHours ?? 24 * 30) * hour).toISOString(),
      prizes,
    };
    const response = await test.graphql(createLottery, { input }, staff.operator);
    expect(response.errors).toBeUndefined();
    return response.data!.createLottery;
  }

  /** A member with points to spend, and their token. */
  async function memberWithPoints(points: number) {
    const member = await test.createMember();
    if (points > 0) {
      await test.application.services.points.earn(systemContext("test-setup"), { memberId: member.id, points, source: "CAMPAIGN", reason: "lottery test" }, randomUUID());
    }
    return { id: member.id, token: await test.memberToken(member.id) };
  }

  /** Forward only, as time goes. */
  function moveClockTo(instant: string) {
    const target = new Date(instant).getTime();
    expect(target).toBeGreaterThanOrEqual(test.clock.now().getTime());
    test.clock.advance(target - test.clock.now().getTime());
  }

  async function draw(lotteryId: string, token: string, key = randomUUID()) {
    return test.graphql(drawLottery, { lotteryId, key }, token);
  }

  async function balanceOf(token: string): Promise<number> {
    return (await test.graphql(myDraws, {}, token)).data!.me.points.balance;
  }

  it("lets operators publish a lottery whose prize table members see with odds, stock and their draws left today", async () => {
    const lottery = await newLottery([
      { name: "100积分", kind: "POINTS", value: 100, weight: 1, stock: 5 },
      { name: "5元券", kind: "COUPON", value: 500, weight: 3, stock: null },
      thanks,
    ]);
    expect(lottery.seedCommitment).toMatch(/^[0-9a-f]{64}$/);
    expect(lottery.revealedSeed).toBeNull();
    expect(lottery.status).toBe("ACTIVE");
    const member = await memberWithPoints(0);
    const listed = await test.graphql(`query { lotteries { id drawsLeftToday prizes { name odds currentOdds stock } } }`, {}, member.token);
    expect(listed.errors).toBeUndefined();
    const mine = listed.data!.lotteries.find((candidate: { id: string }) => candidate.id === lottery.id);
    expect(mine).toEqual({
      id: lottery.id,
      drawsLeftToday: 5,
      prizes: [
        { name: "100积分", odds: 0.25, currentOdds: 0.25, stock: 5 },
        { name: "5元券", odds: 0.75, currentOdds: 0.75, stock: null },
        { name: "谢谢参与", odds: 0, currentOdds: 0, stock: null },
      ],
    });
    // Only engagement:write may configure: analysts and members may not.
    for (const token of [staff.analyst, member.token]) {
      const refused = await test.graphql(createLottery, { input: { code: "NOPE", title: "x", costPoints: 1, dailyLimit: 1, endsAt: "2030-01-01T00:00:00Z", prizes: [thanks, thanks] } }, token);
      expect(refused.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    }
  });

  it("refuses a prize table without exactly one NOTHING prize, naming the field", async () => {
    const response = await test.graphql(createLottery, {
      input: { code: "NO-FALLBACK", title: "x", costPoints: 1, dailyLimit: 1, endsAt: "2030-01-01T00:00:00Z", prizes: [{ name: "a", kind: "POINTS", value: 1, weight: 1 }, { name: "b", kind: "POINTS", value: 2, weight: 1 }] },
    }, staff.operator);
    expect(response.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.prizes" });
  });

  it("takes the cost through the ledger once and gives the prize, and a double tap gets the same draw", async () => {
    const lottery = await newLottery([{ name: "50积分", kind: "POINTS", value: 50, weight: 1 }, thanks], { costPoints: 30 });
    const member = await memberWithPoints(100);
    const key = randomUUID();
    // The double tap arrives twice at once, and once more later.
    const [first, second] = await Promise.all([draw(lottery.id, member.token, key), draw(lottery.id, member.token, key)]);
    const third = await draw(lottery.id, member.token, key);
    for (const response of [first, second, third]) expect(response.errors).toBeUndefined();
    const made = first.data!.drawLottery;
    expect(second.data!.drawLottery.draw.id).toBe(made.draw.id);
    expect(third.data!.drawLottery.draw.id).toBe(made.draw.id);
    expect(made.balance).toBe(100 - 30 + 50);
    expect(made.draw).toMatchObject({ drawNumber: 1, costPoints: 30, prize: { kind: "POINTS", name: "50积分" } });
    expect(await balanceOf(member.token)).toBe(120);
    const draws = await test.graphql(myDraws, {}, member.token);
    expect(draws.data!.me.lotteryDraws.edges).toHaveLength(1);
    const history = await test.graphql(`query { me { points { history(first: 10) { edges { node { type amount source sourceRef } } } } } }`, {}, member.token);
    const lotteryEntries = history.data!.me.points.history.edges.map((edge: any) => edge.node).filter((entry: any) => entry.source === "LOTTERY");
    expect(lotteryEntries).toEqual([
      { type: "EARN", amount: 50, source: "LOTTERY", sourceRef: `${lottery.code}:${member.id}:1` },
      { type: "REDEEM", amount: -30, source: "LOTTERY", sourceRef: `${lottery.code}:${member.id}:1` },
    ]);
    const report = await verifyLedger(test.application.database.dataSource);
    expect(report.differences).toEqual([]);
  });

  it("refuses a draw the member cannot pay for with INSUFFICIENT_POINTS and records nothing", async () => {
    const lottery = await newLottery([{ name: "50积分", kind: "POINTS", value: 50, weight: 1 }, thanks], { costPoints: 30 });
    const member = await memberWithPoints(29);
    const response = await draw(lottery.id, member.token);
    expect(response.errors?.[0].extensions).toMatchObject({ code: "INSUFFICIENT_POINTS", needed: 30, available: 29 });
    expect(await balanceOf(member.token)).toBe(29);
    expect((await test.graphql(lotteryQuery, { id: lottery.id }, staff.admin)).data!.lottery.drawCount).toBe(0);
  });

  it("gives coupons into the member's coupons and benefits into their benefits", async () => {
    const couponLottery = await newLottery([{ name: "20元券", kind: "COUPON", value: 2000, validDays: 7, weight: 1 }, thanks], { costPoints: 0 });
    const benefitLottery = await newLottery([{ name: "包邮", kind: "BENEFIT", benefitCode: "FREE_SHIPPING", validDays: 10, weight: 1 }, thanks], { costPoints: 0 });
    const member = await memberWithPoints(0);
    const coupon = await draw(couponLottery.id, member.token);
    expect(coupon.errors).toBeUndefined();
    expect(coupon.data!.drawLottery.draw.coupon).toMatchObject({ value: 2000 });
    const benefit = await draw(benefitLottery.id, member.token);
    expect(benefit.errors).toBeUndefined();
    const me = await test.graphql(`query { me { coupons { code value validUntil } benefits { code validUntil } } }`, {}, member.token);
    expect(me.data!.me.coupons).toEqual([{ code: coupon.data!.drawLottery.draw.coupon.code, value: 2000, validUntil: new Date(test.clock.now().getTime() + 7 * 24 * hour).toISOString() }]);
    expect(me.data!.me.benefits).toContainEqual({ code: "FREE_SHIPPING", validUntil: new Date(test.clock.now().getTime() + 10 * 24 * hour).toISOString() });
  });

  it("keeps to the daily limit per local day: it resets at midnight in the programme's time zone (UTC+8), not at UTC midnight", async () => {
    // 2026-11-23T08:00Z is 16:00 in China; the local day ends at 16:00Z.
    const lottery = await newLottery([{ name: "1积分", kind: "POINTS", value: 1, weight: 1 }, thanks], { costPoints: 0, dailyLimit: 2 });
    const member = await memberWithPoints(0);
    moveClockTo("2026-11-23T15:00:00.000Z"); // 23:00 local
    let token = await test.memberToken(member.id);
    expect((await draw(lottery.id, token)).errors).toBeUndefined();
    expect((await draw(lottery.id, token)).data!.drawLottery.drawsLeftToday).toBe(0);
    const refused = await draw(lottery.id, token);
    expect(refused.errors?.[0].extensions).toMatchObject({ code: "NOT_ELIGIBLE", reason: "DAILY_LIMIT_REACHED" });

    moveClockTo("2026-11-23T15:59:59.999Z"); // 23:59:59.999 local: still the same day
    token = await test.memberToken(member.id);
    expect((await draw(lottery.id, token)).errors?.[0].extensions?.reason).toBe("DAILY_LIMIT_REACHED");

    moveClockTo("2026-11-23T16:00:00.000Z"); // midnight local: a new day
    token = await test.memberToken(member.id);
    expect((await test.graphql(lotteryQuery, { id: lottery.id }, token)).data!.lottery.drawsLeftToday).toBe(2);
    expect((await draw(lottery.id, token)).errors).toBeUndefined();
    expect((await draw(lottery.id, token)).errors).toBeUndefined();

    moveClockTo("2026-11-24T00:30:00.000Z"); // past UTC midnight, but 08:30 of the same local day
    token = await test.memberToken(member.id);
    expect((await draw(lottery.id, token)).errors?.[0].extensions?.reason).toBe("DAILY_LIMIT_REACHED");
    const draws = await test.graphql(myDraws, {}, token);
    expect(draws.data!.me.lotteryDraws.edges.map((edge: any) => edge.node.drawNumber)).toEqual([4, 3, 2, 1]);
    await staff.signIn();
  });

  it("holds the daily limit when one member fires many draws at once, paying for each draw made and no other", async () => {
    const lottery = await newLottery([{ name: "1积分", kind: "POINTS", value: 1, weight: 1 }, thanks], { costPoints: 10, dailyLimit: 3 });
    const member = await memberWithPoints(100);
    const responses = await Promise.all(Array.from({ length: 8 }, () => draw(lottery.id, member.token)));
    const made = responses.filter((response) => !response.errors);
    expect(made).toHaveLength(3);
    for (const response of responses.filter((candidate) => candidate.errors)) expect(response.errors![0].extensions?.reason).toBe("DAILY_LIMIT_REACHED");
    expect(made.map((response) => response.data!.drawLottery.draw.drawNumber).sort()).toEqual([1, 2, 3]);
    expect(await balanceOf(member.token)).toBe(100 - 3 * 10 + 3 * 1);
  });

  it("hides an upcoming lottery from members and refuses draws until it opens; its start moves only before then", async () => {
    const response = await test.graphql(createLottery, {
      input: { code: `SOON-${randomUUID().slice(0, 8)}`, title: "双十二", costPoints: 0, dailyLimit: 1, startsAt: new Date(test.clock.now().getTime() + 2 * hour).toISOString(), endsAt: new Date(test.clock.now().getTime() + 48 * hour).toISOString(), prizes: [{ name: "1积分", kind: "POINTS", value: 1, weight: 1 }, thanks] },
    }, staff.operator);
    expect(response.errors).toBeUndefined();
    const lottery = response.data!.createLottery;
    expect(lottery.status).toBe("UPCOMING");
    const member = await memberWithPoints(0);
    expect((await test.graphql(lotteryQuery, { id: lottery.id }, member.token)).errors?.[0].extensions?.code).toBe("NOT_FOUND");
    const listed = await test.graphql(`query { lotteries { id } }`, {}, member.token);
    expect(listed.data!.lotteries.map((candidate: { id: string }) => candidate.id)).not.toContain(lottery.id);
    expect((await test.graphql(`query { lotteries { id } }`, {}, staff.analyst)).data!.lotteries.map((candidate: { id: string }) => candidate.id)).toContain(lottery.id);
    expect((await draw(lottery.id, member.token)).errors?.[0].extensions).toMatchObject({ code: "NOT_ELIGIBLE", reason: "NOT_STARTED" });

    const moved = await test.graphql(updateLottery, { id: lottery.id, input: { startsAt: new Date(test.clock.now().getTime() + hour).toISOString() } }, staff.operator);
    expect(moved.errors).toBeUndefined();
    test.clock.advance(hour);
    const token = await test.memberToken(member.id);
    expect((await draw(lottery.id, token)).errors).toBeUndefined();
    await staff.signIn();
    const late = await test.graphql(updateLottery, { id: lottery.id, input: { startsAt: new Date(test.clock.now().getTime() + hour).toISOString() } }, staff.operator);
    expect(late.errors?.[0].extensions?.code).toBe("CONFLICT");
    const badStock = await test.graphql(updateLottery, { id: lottery.id, input: { prizeStocks: [{ prizeId: "999999", stock: 5 }] } }, staff.operator);
    expect(badStock.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.prizeStocks[0].prizeId" });
    // A member sees only their own draws; staff cannot draw for anyone.
    const other = await memberWithPoints(0);
    const peek = await test.graphql(`query ($id: ID!) { member(id: $id) { lotteryDraws { edges { node { id } } } } }`, { id: Buffer.from(`Member:${member.id}`).toString("base64url") }, other.token);
    expect(peek.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect((await draw(lottery.id, staff.admin)).errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });

  it("never oversells a prize: 30 members drawing at once for a prize of stock 3 that nearly every draw falls on", async () => {
    const lottery = await newLottery([{ name: "iPhone", kind: "POINTS", value: 1000, weight: 1_000_000, stock: 3 }, { ...thanks, weight: 1 }], { costPoints: 10 });
    const members = await Promise.all(Array.from({ length: 30 }, () => memberWithPoints(10)));
    const responses = await Promise.all(members.map((member) => draw(lottery.id, member.token)));
    for (const response of responses) expect(response.errors).toBeUndefined();
    const results = responses.map((response) => response.data!.drawLottery);
    const winners = results.filter((result) => result.draw.prize.name === "iPhone");
    expect(winners).toHaveLength(3);
    // The others fell on the prize too (nearly certain at these weights) and got "thanks for playing".
    const fellBack = results.filter((result) => result.draw.prize.kind === "NOTHING" && result.draw.drawnPrize.name === "iPhone");
    expect(fellBack.length).toBe(30 - 3 - results.filter((result) => result.draw.drawnPrize.kind === "NOTHING").length);
    for (const result of fellBack) expect(result.draw.stockBefore).toBe(0);
    expect(winners.map((result) => result.draw.stockBefore).sort()).toEqual([1, 2, 3]);
    // Everyone paid, exactly once; the winners got their points.
    for (const result of results) expect(result.balance).toBe(result.draw.prize.name === "iPhone" ? 1000 : 0);
    expect(await Promise.all(members.map((member) => balanceOf(member.token)))).toEqual(results.map((result) => result.balance));
    const table = (await test.graphql(lotteryQuery, { id: lottery.id }, staff.admin)).data!.lottery;
    expect(table.prizes[0]).toMatchObject({ stock: 0, awarded: 3, currentOdds: 0 });
    expect(table.prizes[1].currentOdds).toBe(1);
    expect(table.drawCount).toBe(30);
    const verification = await test.graphql(verify, { id: lottery.id }, staff.analyst);
    expect(verification.data!.verifyLotteryDraws).toEqual({ valid: true, seedMatchesCommitment: true, seedRevealed: false, checkedDraws: 30, problems: [] });

    // Restocked, the prize can be won again.
    const restocked = await test.graphql(updateLottery, { id: lottery.id, input: { prizeStocks: [{ prizeId: table.prizes[0].id, stock: 1 }] } }, staff.operator);
    expect(restocked.errors).toBeUndefined();
    const lucky = await memberWithPoints(10);
    expect((await draw(lottery.id, lucky.token)).data!.drawLottery.draw).toMatchObject({ prize: { name: "iPhone" }, stockBefore: 1 });
  });

  it("publishes a commitment to the seed, reveals the seed when the lottery ends, and every draw recomputes from it", async () => {
    const lottery = await newLottery(
      [
        { name: "大奖", kind: "POINTS", value: 500, weight: 1, stock: 1 },
        { name: "小奖", kind: "POINTS", value: 5, weight: 4 },
        { name: "谢谢参与", kind: "NOTHING", weight: 5 },
      ],
      { costPoints: 1, dailyLimit: 10 },
    );
    const members = await Promise.all(Array.from({ length: 4 }, () => memberWithPoints(20)));
    for (const member of members) for (let round = 0; round < 5; round += 1) expect((await draw(lottery.id, member.token)).errors).toBeUndefined();
    expect((await test.graphql(lotteryQuery, { id: lottery.id }, staff.admin)).data!.lottery.revealedSeed).toBeNull();

    const ended = await test.graphql(endLottery, { id: lottery.id }, staff.operator);
    expect(ended.errors).toBeUndefined();
    const { revealedSeed, seedCommitment, status } = ended.data!.endLottery;
    expect(status).toBe("ENDED");
    expect(createHash("sha256").update(Buffer.from(revealedSeed, "hex")).digest("hex")).toBe(seedCommitment);

    // Recomputed here from the published rules alone, not with the server's code.
    const table = (await test.graphql(lotteryQuery, { id: lottery.id }, staff.admin)).data!.lottery.prizes;
    const weights: number[] = table.map((prize: { weight: number }) => prize.weight);
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    const listed = await test.graphql(lotteryDraws, { id: lottery.id }, staff.admin);
    expect(listed.errors).toBeUndefined();
    const draws = listed.data!.lottery.draws.edges.map((edge: any) => edge.node);
    expect(draws).toHaveLength(20);
    for (const recorded of draws) {
      const [lotteryId, memberNumber, drawNumber] = recorded.hmacMessage.split(":").map(Number);
      expect(lotteryId).toBe(Number(lottery.id));
      expect(Buffer.from(recorded.memberId, "base64url").toString()).toBe(`Member:${memberNumber}`);
      expect(drawNumber).toBe(recorded.drawNumber);
      const hex = createHmac("sha256", Buffer.from(revealedSeed, "hex")).update(recorded.hmacMessage).digest("hex").slice(0, 13);
      expect(recorded.randomHex).toBe(hex);
      expect(recorded.randomValue).toBe(Number.parseInt(hex, 16) / 2 ** 52);
      const target = Math.floor(recorded.randomValue * total);
      let position = 0;
      for (let cumulative = weights[0]; target >= cumulative; cumulative += weights[position]) position += 1;
      expect(recorded.drawnPrize.position).toBe(position);
      const outOfStock = recorded.stockBefore !== null && recorded.stockBefore <= 0;
      expect(recorded.prize.id).toBe(outOfStock ? table[2].id : recorded.drawnPrize.id);
    }
    const verification = await test.graphql(verify, { id: lottery.id }, staff.admin);
    expect(verification.data!.verifyLotteryDraws).toEqual({ valid: true, seedMatchesCommitment: true, seedRevealed: true, checkedDraws: 20, problems: [] });

    // Ended: no more draws, and nothing but the texts changes.
    expect((await draw(lottery.id, members[0].token)).errors?.[0].extensions).toMatchObject({ code: "NOT_ELIGIBLE", reason: "ENDED" });
    expect((await test.graphql(updateLottery, { id: lottery.id, input: { costPoints: 0 } }, staff.operator)).errors?.[0].extensions?.code).toBe("CONFLICT");

    // A draw changed behind the verifier's back is found.
    const tampered = draws.find((recorded: any) => recorded.prize.kind !== "NOTHING") ?? draws[0];
    const otherPrize = table.find((prize: { id: string }) => prize.id !== tampered.prize.id).id;
    await test.application.database.dataSource.query("UPDATE lottery_draws SET prize_id = ? WHERE id = ?", [Number(otherPrize), Number(tampered.id)]);
    const after = (await test.graphql(verify, { id: lottery.id }, staff.admin)).data!.verifyLotteryDraws;
    expect(after.valid).toBe(false);
    expect(after.problems.join("\n")).toContain(`Draw ${tampered.id} `);
  });
});
