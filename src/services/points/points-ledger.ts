// Writes the points ledger inside a caller's transaction: every change is an appended entry, the account row
// caches the totals and the lots track what is left to spend and when it expires. Callers lock the account first.
import type { EntityManager } from "typeorm";
import type { ProgrammeSettings } from "../../config";
import { lockingRead } from "../../database/transactions";
import { allocateFirstExpiring, localDayNumber, lotExpiresAt, splitClawBack, splitIncomingPoints } from "../../engine";
import { PointAccountRecord, PointEntryRecord, PointLotRecord, type PointEntryType, type PointSource } from "../../entities";
import { insufficientPoints, notFound } from "../../errors";
import { recordPointChange } from "../analytics/kpi-points-facts";
import { recordEntryByGroup } from "../analytics/points-by-group";

/** What an entry says about where it came from and who caused it. */
export interface EntryOrigin {
  reason: string;
  source: PointSource;
  sourceRef: string | null;
  storeCode: string | null;
  partnerId: number | null;
  actorType: string;
  actorId: string | null;
}

/** A member's account, locked for the rest of the transaction, and the lots that still hold points. */
export interface LockedAccount {
  account: PointAccountRecord;
  /** First to expire first; kept in step with the database as the ledger writes. */
  lots: PointLotRecord[];
}

export class PointsLedger {
  constructor(private readonly settings: ProgrammeSettings) {}

  /**
   * Locks the member's account, then reads its open lots: every command starts here, with this as the first
   * statement of its transaction (on MariaDB the transaction's snapshot must begin after the lock).
   */
  async lock(manager: EntityManager, memberId: number): Promise<LockedAccount> {
    const account = await lockingRead(manager, PointAccountRecord, "account").where("account.memberId = :memberId", { memberId }).getOne();
    if (!account) throw notFound("No member has the id given.");
    // A plain read: the account lock already keeps every other writer of these lots out until we commit, and
    // locking the lots too would take gap locks that deadlock two members' first lots on MariaDB. The read comes
    // after the lock, so its snapshot includes what the previous holder of the lock committed.
    const lots = await manager
      .getRepository(PointLotRecord)
      .createQueryBuilder("lot")
      .where("lot.memberId = :memberId AND lot.remaining > 0", { memberId })
      .orderBy("lot.expiresAt", "ASC")
      .addOrderBy("lot.id", "ASC")
      .getMany();
    return { account, lots };
  }

  /**
   * Points in (EARN or a positive ADJUST): one entry for the whole amount, then a DEBT_REPAYMENT entry when the
   * member owes points from earlier claw-backs, and a lot for what is left.
   */
  async credit(manager: EntityManager, { account, lots }: LockedAccount, type: "EARN" | "ADJUST", points: number, origin: EntryOrigin, now: Date, orderId: number | null = null): Promise<PointEntryRecord[]> {
    const entry = await this.append(manager, account, { type, amount: points, debtChange: 0 }, origin, now);
    if (type === "EARN") account.lifetimeEarned += points;
    const entries = [entry];
    const { debtRepaid, toLot } = splitIncomingPoints(points, account.debt);
    if (debtRepaid > 0) {
      const repayment = { ...origin, reason: `Pays off ${debtRepaid} points owed from earlier refunds`, source: origin.source };
      entries.push(await this.append(manager, account, { type: "DEBT_REPAYMENT", amount: -debtRepaid, debtChange: -debtRepaid }, repayment, now));
    }
    if (toLot > 0) {
      const lot = manager.create(PointLotRecord, {
        memberId: account.memberId,
        entryId: entry.id,
        orderId,
        points: toLot,
        remaining: toLot,
        earnedAt: now,
        expiresAt: lotExpiresAt(this.settings.expiryPolicy, now, this.settings.utcOffsetMinutes),
      });
      lot.id = Number((await manager.insert(PointLotRecord, lot)).identifiers[0]?.id);
      lots.push(lot);
      lots.sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || a.id - b.id);
    }
    await this.saveAccount(manager, account, now);
    return entries;
  }

  /**
   * Points out (REDEEM or a negative ADJUST) from the lots that expire first; never more than the balance.
   * `justExpired` (points expired by this same command) only makes the error clearer.
   */
  async debit(manager: EntityManager, { account, lots }: LockedAccount, type: "REDEEM" | "ADJUST", points: number, origin: EntryOrigin, now: Date, justExpired = 0): Promise<PointEntryRecord> {
    if (points > account.balance) throw insufficientPoints(points, account.balance, justExpired);
    await this.takeFromLots(manager, account.memberId, lots, points, null);
    const entry = await this.append(manager, account, { type, amount: -points, debtChange: 0 }, origin, now);
    await this.saveAccount(manager, account, now);
    return entry;
  }

  /**
   * A refund takes back `points`: first from the refunded order's own lot, then from the lots that expire first;
   * what the balance cannot cover becomes debt, so the balance never goes negative.
   */
  async clawBack(manager: EntityManager, { account, lots }: LockedAccount, points: number, orderId: number, origin: EntryOrigin, now: Date): Promise<PointEntryRecord> {
    const { fromBalance, addedDebt } = splitClawBack(points, account.balance);
    const orderLot = lots.find((lot) => lot.orderId === orderId);
    await this.takeFromLots(manager, account.memberId, lots, fromBalance, orderLot?.id ?? null);
    const entry = await this.append(manager, account, { type: "CLAWBACK", amount: -fromBalance, debtChange: addedDebt }, origin, now);
    await this.saveAccount(manager, account, now);
    return entry;
  }

  /** Writes an EXPIRE entry for what is left in each of the member's lots that expired by `now`. */
  async expireDue(manager: EntityManager, { account, lots }: LockedAccount, now: Date, origin: Pick<EntryOrigin, "actorType" | "actorId">): Promise<PointEntryRecord[]> {
    const entries: PointEntryRecord[] = [];
    for (const lot of lots.filter((candidate) => candidate.remaining > 0 && candidate.expiresAt <= now)) {
      const remaining = lot.remaining;
      lot.remaining = 0;
      await manager.update(PointLotRecord, { id: lot.id }, { remaining: 0 });
      const reason = `${remaining} of ${lot.points} points earned ${lot.earnedAt.toISOString().slice(0, 10)} expired`;
      const expiry = { reason, source: "EXPIRY" as const, sourceRef: `lot:${lot.id}`, storeCode: null, partnerId: null, ...origin };
      entries.push(await this.append(manager, account, { type: "EXPIRE", amount: -remaining, debtChange: 0 }, expiry, now));
    }
    if (entries.length > 0) await this.saveAccount(manager, account, now);
    return entries;
  }

  private async takeFromLots(manager: EntityManager, memberId: number, lots: PointLotRecord[], points: number, preferredLotId: number | null): Promise<void> {
    if (points === 0) return;
    const allocations = allocateFirstExpiring(lots, points, preferredLotId);
    const taken = allocations.reduce((sum, allocation) => sum + allocation.points, 0);
    // The lots always hold exactly the balance; if not, stop before writing anything wrong (ledger:verify says more).
    if (taken !== points) throw new Error(`Points lots of member ${memberId} hold ${taken} of the ${points} points the balance promises.`);
    for (const allocation of allocations) {
      const lot = lots.find((candidate) => candidate.id === allocation.lotId)!;
      lot.remaining -= allocation.points;
      await manager.update(PointLotRecord, { id: lot.id }, { remaining: lot.remaining });
    }
  }

  private async append(manager: EntityManager, account: PointAccountRecord, change: { type: PointEntryType; amount: number; debtChange: number }, origin: EntryOrigin, now: Date): Promise<PointEntryRecord> {
    const day = localDayNumber(now, this.settings.utcOffsetMinutes);
    // Points by group (POINTS_LIABILITY by a breakdown): the entry adds to the groups the locked account's points sit in.
    await recordEntryByGroup(manager, account, day, change.amount);
    account.balance += change.amount;
    account.debt += change.debtChange;
    const entry = manager.create(PointEntryRecord, { memberId: account.memberId, ...change, balanceAfter: account.balance, ...origin, createdAt: now });
    const result = await manager.insert(PointEntryRecord, entry);
    entry.id = Number(result.identifiers[0]?.id);
    // The programme-wide daily points facts (POINTS_LIABILITY) commit with the entry; every entry is written here.
    await recordPointChange(manager, day, change.amount);
    return entry;
  }

  private async saveAccount(manager: EntityManager, account: PointAccountRecord, now: Date): Promise<void> {
    account.updatedAt = now;
    await manager.update(PointAccountRecord, { memberId: account.memberId }, { balance: account.balance, debt: account.debt, lifetimeEarned: account.lifetimeEarned, updatedAt: now });
  }
}
