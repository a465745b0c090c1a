import type { DataSource } from "typeorm";
import { verifyPassword } from "../../src/auth/passwords";
import { ManualClock } from "../../src/clock";
import { openDatabase } from "../../src/database/data-source";
import { defaultProgrammeSettings } from "../../src/config";
import { localDayNumber, lotExpiresAt, qualificationWindowStart, qualifiedRung } from "../../src/engine";
import { MemberRecord, OrderRecord, PointAccountRecord, PointEntryRecord, PointLotRecord, StaffUserRecord, TierChangeRecord, TierRecord } from "../../src/entities";
import { verifyLedger } from "../../src/services/points/ledger-verifier";
import { pointsGroupKeys, pointsGroupsFromText } from "../../src/engine/analytics";
import { backfillPointsByGroup } from "../../migrations/1765411200000-kpi-points-by-group";
import { PersonalDataCipher } from "../../src/privacy/personal-data-cipher";
import { maskPhone } from "../../src/privacy/personal-data-format";
import { demoMemberProfile } from "../../src/seed/demo-members";
import { demoStaffPassword, seedDemoData } from "../../src/seed/demo-data";
import { testDatabaseKinds, type ScratchDatabase } from "../support/databases";

const cipher = new PersonalDataCipher("a test key that is long enough for the cipher");
const now = new Date("2026-11-23T08:00:00.000Z");

describe.each(testDatabaseKinds())("demo seed on $name", (kind) => {
  const opened: { scratch: ScratchDatabase; dataSource: DataSource }[] = [];

  async function freshDatabase(): Promise<DataSource> {
    const scratch = await kind.create();
    const { dataSource } = await openDatabase(scratch.config, { runMigrations: true });
    opened.push({ scratch, dataSource });
    return dataSource;
  }

  afterAll(async () => {
    for (const { scratch, dataSource } of opened) {
      await dataSource.destroy();
      await scratch.drop();
    }
  });

  async function membersInOrder(dataSource: DataSource) {
    const members = await dataSource.getRepository(MemberRecord).find({ order: { id: "ASC" } });
    return members.map((member) => ({ name: member.name, phone: cipher.decrypt(member.phoneEncrypted), city: member.city, tierId: member.tierId, joinedAt: member.joinedAt.toISOString() }));
  }

  it("writes the requested members with encrypted phones, masks and look-up hashes, and a staff user per role", async () => {
    const dataSource = await freshDatabase();
    const progress: number[] = [];
    const result = await seedDemoData(dataSource, { members: 1_200, seed: 7, clock: new ManualClock(now), cipher, batchSize: 500, onProgress: (done) => progress.push(done) });
    expect(result).toEqual({ membersInserted: 1_200, membersSkipped: 0, staffUsersCreated: 3 });
    expect(progress).toEqual([500, 1_000, 1_200]);

    const members = await dataSource.getRepository(MemberRecord).find({ relations: { tier: true } });
    expect(members).toHaveLength(1_200);
    for (const member of members.slice(0, 50)) {
      const phone = cipher.decrypt(member.phoneEncrypted);
      expect(member.phoneMasked).toBe(maskPhone(phone));
      expect(member.phoneHash).toBe(cipher.lookupHash(phone));
      expect(member.phoneEncrypted).not.toContain(phone);
    }
    const tierCodes = new Set(members.map((member) => member.tier!.code));
    expect(tierCodes).toEqual(new Set(["REGULAR", "SILVER", "GOLD", "DIAMOND"]));

    const staff = await dataSource.getRepository(StaffUserRecord).find({ order: { email: "ASC" } });
    expect(staff.map((user) => `${user.email}:${user.role}`)).toEqual(["admin@demo.loyalty:admin", "analyst@demo.loyalty:analyst", "operator@demo.loyalty:operator"]);
    expect(await verifyPassword(demoStaffPassword, staff[0].passwordHash!)).toBe(true);
  });

  it("is deterministic: the same seed gives the same members whatever the batch size, another seed gives others", async () => {
    const first = await freshDatabase();
    const second = await freshDatabase();
    const third = await freshDatabase();
    await seedDemoData(first, { members: 300, seed: 11, clock: new ManualClock(now), cipher, batchSize: 300 });
    await seedDemoData(second, { members: 300, seed: 11, clock: new ManualClock(now), cipher, batchSize: 7 });
    await seedDemoData(third, { members: 300, seed: 12, clock: new ManualClock(now), cipher });
    const firstMembers = await membersInOrder(first);
    expect(await membersInOrder(second)).toEqual(firstMembers);
    const thirdPhones = new Set((await membersInOrder(third)).map((member) => member.phone));
    expect(firstMembers.filter((member) => thirdPhones.has(member.phone)).length).toBeLessThan(3);
  });

  it("appends to a database that has members, and skips a generated phone that is already taken", async () => {
    const dataSource = await freshDatabase();
    await seedDemoData(dataSource, { members: 100, seed: 3, clock: new ManualClock(now), cipher });
    // A real member signs up in between (the 101st member), with the phone the next seed run's first member (index 101) gets.
    const taken = demoMemberProfile(3, 101, now, 4).phone;
    const tier = await dataSource.getRepository(TierRecord).findOneByOrFail({ code: "REGULAR" });
    await dataSource.getRepository(MemberRecord).insert({
      name: "真实会员", phoneEncrypted: cipher.encrypt(taken), phoneHash: cipher.lookupHash(taken), phoneMasked: maskPhone(taken),
      joinChannel: "APP", joinedAt: now, tierId: tier.id, createdAt: now, updatedAt: now,
    });
    const result = await seedDemoData(dataSource, { members: 100, seed: 3, clock: new ManualClock(now), cipher });
    // Indices continue after the 101 members present, so only index 101's phone collides.
    expect(result).toEqual({ membersInserted: 99, membersSkipped: 1, staffUsersCreated: 0 });
    const phones = (await membersInOrder(dataSource)).map((member) => member.phone);
    expect(phones).toHaveLength(200);
    expect(new Set(phones).size).toBe(200);
  });

  it("gives members orders, points ledgers that verify, and tiers their own history explains", async () => {
    const dataSource = await freshDatabase();
    await seedDemoData(dataSource, { members: 400, seed: 5, clock: new ManualClock(now), cipher });
    const report = await verifyLedger(dataSource);
    expect(report).toEqual({ accountsChecked: 400, membersWithoutAccount: 0, differences: [] });

    // The seed writes the programme's daily points facts with the entries: per local day, the entries' sums.
    const entries = await dataSource.getRepository(PointEntryRecord).find();
    const ledgerDays = new Map<number, number>();
    for (const entry of entries) {
      const day = localDayNumber(entry.createdAt, defaultProgrammeSettings.utcOffsetMinutes);
      ledgerDays.set(day, (ledgerDays.get(day) ?? 0) + entry.amount);
    }
    const factDays: { day: unknown; points: unknown }[] = await dataSource.query("SELECT day, SUM(points) AS points FROM kpi_points_changes GROUP BY day");
    expect(new Map(factDays.map((row) => [Number(row.day), Number(row.points)]))).toEqual(new Map([...ledgerDays].filter(([, points]) => points !== 0)));

    // And the points by group, as the ledger and the tier changes append them: the same sums as the migration's backfill
    // walks out of the ledger and the tier history, and every account's groups those of its member.
    const pointsByGroup = async (table: string) =>
      (await dataSource.query(`SELECT group_key, day, SUM(amount) AS amount FROM ${table} WHERE measure = 'points' GROUP BY group_key, day ORDER BY group_key, day`))
        .map((row: Record<string, unknown>) => [String(row.group_key), Number(row.day), Number(row.amount)])
        .filter(([, , amount]: [string, number, number]) => amount !== 0);
    const accountGroups = async () => (await dataSource.query("SELECT member_id, kpi_groups FROM point_accounts ORDER BY member_id")).map((row: Record<string, unknown>) => pointsGroupKeys(pointsGroupsFromText(String(row.kpi_groups))).join(" "));
    const seeded = await pointsByGroup("kpi_daily_changes");
    const seededGroups = await accountGroups();
    expect(seeded.length).toBeGreaterThan(100);
    expect(seeded.some(([key]: [string]) => key.startsWith("tier:"))).toBe(true);
    const queryRunner = dataSource.createQueryRunner();
    try {
      await backfillPointsByGroup(queryRunner, defaultProgrammeSettings.utcOffsetMinutes, now);
    } finally {
      await queryRunner.release();
    }
    expect(await pointsByGroup("kpi_daily_sums")).toEqual(seeded);
    expect(await accountGroups()).toEqual(seededGroups);

    const entryTypes = await dataSource.query("SELECT type, COUNT(*) AS count FROM point_entries GROUP BY type");
    expect(new Set(entryTypes.map((row: { type: string }) => row.type))).toEqual(new Set(["EARN", "REDEEM", "CLAWBACK", "EXPIRE", "DEBT_REPAYMENT"]));
    // Each order's points are exactly what its EARN entry says.
    const mismatched = await dataSource.query(
      "SELECT o.id FROM orders o LEFT JOIN point_entries e ON e.source_ref = o.external_id AND e.type = 'EARN' WHERE e.id IS NULL OR e.amount <> o.points_earned",
    );
    expect(mismatched).toEqual([]);

    const tiers = await dataSource.getRepository(TierRecord).find({ order: { rank: "ASC" } });
    const members = await dataSource.getRepository(MemberRecord).find();
    const changes = await dataSource.getRepository(TierChangeRecord).find({ order: { id: "ASC" } });
    const orders = await dataSource.getRepository(OrderRecord).find();
    expect(new Set(members.map((member) => member.tierId))).toEqual(new Set(tiers.map((tier) => tier.id)));
    for (const member of members) {
      const history = changes.filter((change) => change.memberId === member.id && change.reason !== "PERMANENT");
      // The tier is where the member's last upgrade or downgrade took them, or the entry tier.
      expect(member.tierId).toBe(history.at(-1)?.toTierId ?? tiers[0].id);
      const spend = orders.filter((order) => order.memberId === member.id).reduce((sum, order) => sum + order.amount - order.refundedAmount, 0);
      if (member.permanentSince) {
        expect(changes.some((change) => change.memberId === member.id && change.reason === "PERMANENT")).toBe(true);
      } else {
        expect(spend).toBeLessThan(100_000);
      }
    }
  });

  it("writes ledgers entry by entry as the points rules would, and tiers the spend rules give", async () => {
    const dataSource = await freshDatabase();
    await seedDemoData(dataSource, { members: 300, seed: 23, clock: new ManualClock(now), cipher });
    expect(await verifyLedger(dataSource)).toEqual({ accountsChecked: 300, membersWithoutAccount: 0, differences: [] });

    const { tierPolicy, expiryPolicy, utcOffsetMinutes } = defaultProgrammeSettings;
    const tiers = await dataSource.getRepository(TierRecord).find({ order: { rank: "ASC" } });
    const rankOf = (tierId: number | null) => tiers.find((tier) => tier.id === tierId)?.rank ?? -1;
    const members = await dataSource.getRepository(MemberRecord).find({ order: { id: "ASC" } });
    const accounts = new Map((await dataSource.getRepository(PointAccountRecord).find()).map((account) => [account.memberId, account]));
    const entries = await dataSource.getRepository(PointEntryRecord).find({ order: { id: "ASC" } });
    const lots = await dataSource.getRepository(PointLotRecord).find({ order: { id: "ASC" } });
    const orders = await dataSource.getRepository(OrderRecord).find({ order: { id: "ASC" } });
    const changes = await dataSource.getRepository(TierChangeRecord).find({ order: { id: "ASC" } });
    const byMember = <Row extends { memberId: number }>(rows: Row[]) => {
      const groups = new Map<number, Row[]>();
      for (const row of rows) groups.set(row.memberId, [...(groups.get(row.memberId) ?? []), row]);
      return (memberId: number) => groups.get(memberId) ?? [];
    };
    const entriesOf = byMember(entries);
    const ordersOf = byMember(orders);
    const changesOf = byMember(changes);

    const types = new Set(entries.map((entry) => entry.type));
    for (const type of ["EARN", "REDEEM", "CLAWBACK", "EXPIRE"] as const) expect(types).toContain(type);
    // Downgrades are rare in demo data: whoever reaches Silver has spent past the permanent threshold, and keeps it.
    const reasons = new Set(changes.map((change) => change.reason));
    expect(reasons).toContain("UPGRADE");
    expect(reasons).toContain("PERMANENT");
    expect(new Set(members.map((member) => member.tierId))).toEqual(new Set(tiers.map((tier) => tier.id)));
    expect(entries.every((entry) => entry.actorType === "system" && entry.actorId === "demo-seed")).toBe(true);

    for (const member of members) {
      // Each entry's balanceAfter is the running balance, in time order, and the last one is the account's.
      let balance = 0;
      let previous = 0;
      for (const entry of entriesOf(member.id)) {
        balance += entry.amount;
        expect(entry.balanceAfter).toBe(balance);
        expect(entry.createdAt.getTime()).toBeGreaterThanOrEqual(previous);
        previous = entry.createdAt.getTime();
      }
      expect(accounts.get(member.id)!.balance).toBe(balance);

      // Upgrades happen on a purchase whose window spend reaches the new tier; the member's tier is at least what
      // the spend in the window ending now qualifies for (a later review never goes below it), and never below
      // the permanent floor.
      const memberOrders = ordersOf(member.id);
      const grossSpend = (from: Date | null, until: Date) =>
        memberOrders.filter((order) => order.placedAt <= until && (from === null || order.placedAt > from)).reduce((sum, order) => sum + order.amount, 0);
      const history = changesOf(member.id);
      for (const change of history) {
        const target = tiers.find((tier) => tier.id === change.toTierId)!;
        if (change.reason === "UPGRADE") {
          expect(memberOrders.some((order) => order.placedAt.getTime() === change.createdAt.getTime())).toBe(true);
          expect(change.qualifyingSpend).toBeGreaterThanOrEqual(target.qualifyingSpend);
          expect(grossSpend(qualificationWindowStart(change.createdAt, tierPolicy), change.createdAt)).toBeGreaterThanOrEqual(change.qualifyingSpend);
        } else if (change.reason === "DOWNGRADE") {
          expect(rankOf(change.toTierId)).toBeLessThan(rankOf(change.fromTierId));
          expect(change.qualifyingSpend).toBeLessThan(tiers.find((tier) => tier.id === change.fromTierId)!.qualifyingSpend);
        } else {
          expect(change.qualifyingSpend).toBeGreaterThanOrEqual(tierPolicy.permanentSpend);
          expect(grossSpend(null, change.createdAt)).toBeGreaterThanOrEqual(change.qualifyingSpend);
        }
      }
      const permanent = history.filter((change) => change.reason === "PERMANENT");
      expect(permanent.length).toBe(member.permanentSince ? 1 : 0);
      if (member.permanentSince) {
        expect(member.permanentSince).toEqual(permanent[0].createdAt);
        expect(member.permanentTierId).toBe(permanent[0].toTierId);
        expect(rankOf(member.tierId)).toBeGreaterThanOrEqual(rankOf(member.permanentTierId));
      }
      const windowStart = qualificationWindowStart(now, tierPolicy);
      const windowSpend = memberOrders.filter((order) => order.placedAt > windowStart).reduce((sum, order) => sum + order.amount - order.refundedAmount, 0);
      expect(rankOf(member.tierId)).toBeGreaterThanOrEqual(qualifiedRung(tiers, windowSpend).rank);
      expect(member.tierReviewAt === null).toBe(member.tierId === tiers[0].id);
    }

    // Lots: one per purchase (less any debt it paid), expiring by the policy; EXPIRE entries empty a lot that was due.
    const lotsById = new Map(lots.map((lot) => [lot.id, lot]));
    const entriesById = new Map(entries.map((entry) => [entry.id, entry]));
    for (const lot of lots) {
      expect(lot.expiresAt).toEqual(lotExpiresAt(expiryPolicy, lot.earnedAt, utcOffsetMinutes));
      expect(lot.remaining).toBeGreaterThanOrEqual(0);
      expect(lot.remaining).toBeLessThanOrEqual(lot.points);
      expect(entriesById.get(lot.entryId)).toMatchObject({ type: "EARN", memberId: lot.memberId });
    }
    for (const entry of entries.filter((candidate) => candidate.type === "EXPIRE")) {
      const lot = lotsById.get(Number(entry.sourceRef!.replace("lot:", "")))!;
      expect(lot.memberId).toBe(entry.memberId);
      expect(lot.expiresAt.getTime()).toBeLessThanOrEqual(entry.createdAt.getTime());
      expect(lot.remaining).toBe(0);
    }
    // A refund takes back the order's points: from the balance, and what the balance lacked as debt.
    for (const order of orders.filter((candidate) => candidate.refundedAmount > 0)) {
      const clawBacks = entries.filter((entry) => entry.type === "CLAWBACK" && entry.sourceRef === order.externalId);
      expect(clawBacks).toHaveLength(1);
      expect(clawBacks[0].debtChange - clawBacks[0].amount).toBe(order.pointsClawedBack);
      expect(clawBacks[0].createdAt.getTime()).toBeGreaterThan(order.placedAt.getTime());
    }
    // Nothing is left for the jobs: no lot past its expiry still holds points, no review is overdue.
    expect(lots.filter((lot) => lot.remaining > 0 && lot.expiresAt <= now)).toEqual([]);
    const reviewDue = now.getTime() - tierPolicy.graceDays * 86_400_000;
    expect(members.filter((member) => member.tierReviewAt !== null && member.tierReviewAt.getTime() <= reviewDue)).toEqual([]);
  });
});
