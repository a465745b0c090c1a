import { lockingRead, runInTransaction } from "../database/transactions";
import { type DataSource, type EntityManager } from "typeorm";
import type { Clock } from "../clock";
import { localDayNumber, type JoinChannel } from "../engine";
import { MemberAggregateRecord, MemberRecord, PointAccountRecord, TierRecord } from "../entities";
import { badUserInput, conflict, notFound } from "../errors";
import { topics, type EventBus } from "../events/event-bus";
import type { PersonalDataCipher } from "../privacy/personal-data-cipher";
import type { AuditService } from "./audit-service";
import { isUniqueViolation, type IdempotencyService } from "./idempotency-service";
import { applyConsentChanges, applyProfileChanges, phoneColumns, validJoinChannel, validPhone, type ConsentChanges, type MemberProfileChanges, type NewMember } from "./member-input";
import type { ServiceContext } from "./service-context";
import type { TierPopulationRecorder } from "./analytics/tier-population";
import { moveAccountGroups, newAccountGroups } from "./analytics/points-by-group";

export interface MemberFilter {
  tierIds?: number[];
  joinChannels?: JoinChannel[];
  joinedFrom?: Date;
  /** Exclusive. */
  joinedBefore?: Date;
  nameContains?: string;
}

export interface MemberPage {
  records: MemberRecord[];
  hasNextPage: boolean;
}

/** `!` escapes LIKE wildcards: a backslash would mean different things to MySQL and SQLite. */
function likePattern(text: string): string {
  return `%${text.replace(/[!%_]/g, (character) => `!${character}`)}%`;
}

export class MemberService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly cipher: PersonalDataCipher,
    private readonly events: EventBus,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
    /** Counts the new member in their entry tier's population (tierDistribution, tierMigration). */
    private readonly tierPopulation: TierPopulationRecorder,
    /** The programme's time zone: the local day a city tier change moves the member's points on. */
    private readonly utcOffsetMinutes: number,
    /** Told after a change commits (profile or consent): segments test these fields, so the member is re-evaluated. */
    private readonly onChanged: (memberId: number) => void = () => undefined,
    /** Runs in the transaction that creates a member (sign-up campaigns enqueue their welcome there). */
    private readonly afterInserted: (manager: EntityManager, memberId: number) => Promise<void> = async () => undefined,
  ) {}

  findById(id: number): Promise<MemberRecord | null> {
    return this.dataSource.getRepository(MemberRecord).findOneBy({ id });
  }

  async findByIds(ids: readonly number[]): Promise<MemberRecord[]> {
    if (ids.length === 0) return [];
    return this.dataSource.getRepository(MemberRecord).createQueryBuilder("member").where("member.id IN (:...ids)", { ids }).getMany();
  }

  findByPhone(phone: string): Promise<MemberRecord | null> {
    return this.dataSource.getRepository(MemberRecord).findOneBy({ phoneHash: this.cipher.lookupHash(phone) });
  }

  /** Keyset pagination by id: stable while members join, and as fast on page 1,000 as on page 1. */
  async findPage(filter: MemberFilter, first: number, afterId: number | null): Promise<MemberPage> {
    const query = this.filtered(filter).orderBy("member.id", "ASC").limit(first + 1);
    if (afterId !== null) query.andWhere("member.id > :afterId", { afterId });
    const rows = await query.getMany();
    return { records: rows.slice(0, first), hasNextPage: rows.length > first };
  }

  count(filter: MemberFilter): Promise<number> {
    return this.filtered(filter).getCount();
  }

  private filtered(filter: MemberFilter) {
    const query = this.dataSource.getRepository(MemberRecord).createQueryBuilder("member");
    if (filter.tierIds?.length) query.andWhere("member.tierId IN (:...tierIds)", { tierIds: filter.tierIds });
    if (filter.joinChannels?.length) query.andWhere("member.joinChannel IN (:...joinChannels)", { joinChannels: filter.joinChannels });
    if (filter.joinedFrom) query.andWhere("member.joinedAt >= :joinedFrom", { joinedFrom: filter.joinedFrom });
    if (filter.joinedBefore) query.andWhere("member.joinedAt < :joinedBefore", { joinedBefore: filter.joinedBefore });
    if (filter.nameContains) query.andWhere("member.name LIKE :name ESCAPE '!'", { name: likePattern(filter.nameContains) });
    return query;
  }

  /** A member registered by staff (e.g. at a store counter); retried safely with the same key. */
  async create(context: ServiceContext, input: NewMember, idempotencyKey: string): Promise<MemberRecord> {
    const { memberId } = await this.idempotency.run(context, { command: "createMember", key: idempotencyKey, input }, async (manager) => {
      const record = await this.insert(manager, input);
      await this.audit.record(manager, context, { action: "member.create", targetType: "member", targetId: record.id, details: { joinChannel: record.joinChannel } });
      return { memberId: record.id };
    });
    const record = await this.findById(memberId);
    if (!record) throw notFound("The member created with this idempotencyKey no longer exists.");
    return record;
  }

  /** Inserts a member at the entry tier inside the caller's transaction. */
  async insert(manager: EntityManager, input: NewMember): Promise<MemberRecord> {
    const now = this.clock.now();
    const phone = validPhone(input.phone);
    const phoneHash = this.cipher.lookupHash(phone);
    if (await manager.existsBy(MemberRecord, { phoneHash })) {
      throw conflict("A member with this phone number already exists: look them up instead of creating a new one.");
    }
    const [entryTier] = await manager.find(TierRecord, { order: { rank: "ASC" }, take: 1 });
    if (!entryTier) throw new Error("The tier ladder is empty: the default ladder is created at start-up.");
    const record = manager.create(MemberRecord, {
      ...phoneColumns(phone, this.cipher),
      gender: "UNDISCLOSED",
      joinChannel: validJoinChannel(input.joinChannel),
      joinedAt: now,
      tierId: entryTier.id,
      consentSms: false,
      consentAppPush: false,
      consentEmail: false,
      consentWechat: false,
      consentUpdatedAt: null,
      emailEncrypted: null,
      emailMasked: null,
      birthday: null,
      createdAt: now,
      updatedAt: now,
    });
    const { phone: _phone, joinChannel: _joinChannel, consent, ...profile } = input;
    if (!input.name) throw badUserInput("input.name must not be empty.", "input.name");
    applyProfileChanges(record, profile, this.cipher, now);
    if (consent) applyConsentChanges(record, consent, now);
    try {
      await manager.save(MemberRecord, record);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict("A member with this phone number already exists: look them up instead of creating a new one.");
      throw error;
    }
    await manager.insert(PointAccountRecord, { memberId: record.id, balance: 0, debt: 0, lifetimeEarned: 0, updatedAt: now, kpiGroups: newAccountGroups(record) });
    await manager.insert(MemberAggregateRecord, { memberId: record.id, windowsDay: 0, updatedAt: now });
    await this.tierPopulation.joined(manager, { tierId: record.tierId, at: record.joinedAt });
    await this.afterInserted(manager, record.id);
    return record;
  }

  updateProfile(context: ServiceContext, memberId: number, changes: MemberProfileChanges): Promise<MemberRecord> {
    return this.change(context, memberId, "member.updateProfile", (record, now) => applyProfileChanges(record, changes, this.cipher, now));
  }

  updateConsent(context: ServiceContext, memberId: number, changes: ConsentChanges): Promise<MemberRecord> {
    return this.change(context, memberId, "member.updateConsent", (record, now) => applyConsentChanges(record, changes, now));
  }

  /**
   * Loads, changes, audits and saves in one transaction; tells subscribers only after it commits. The member's point
   * account is locked first, as the points commands lock it before the member: a new city tier moves the member's
   * points between city tiers (POINTS_LIABILITY by CITY_TIER), and no ledger entry of theirs may commit in between.
   */
  private async change(context: ServiceContext, memberId: number, action: string, apply: (record: MemberRecord, now: Date) => string[]): Promise<MemberRecord> {
    const now = this.clock.now();
    const { record, changedFields } = await runInTransaction(this.dataSource, async (manager) => {
      const account = await lockingRead(manager, PointAccountRecord, "account").where("account.memberId = :memberId", { memberId }).getOne();
      const record = await manager.findOneBy(MemberRecord, { id: memberId });
      if (!record) throw notFound(`No member has the id given.`);
      const changedFields = apply(record, now);
      if (changedFields.length > 0) {
        record.updatedAt = now;
        await manager.save(MemberRecord, record);
        if (account) await moveAccountGroups(manager, account, (groups) => ({ ...groups, cityTier: record.cityTier ?? 0 }), localDayNumber(now, this.utcOffsetMinutes));
        await this.audit.record(manager, context, { action, targetType: "member", targetId: memberId, details: { changedFields } });
      }
      return { record, changedFields };
    });
    if (changedFields.length > 0) {
      this.events.publish(topics.memberChanged, { memberId, changedFields, at: now.toISOString() });
      this.onChanged(memberId);
    }
    return record;
  }

  /** Personal data in clear, for the member themself and staff allowed to read it. */
  revealPhone(record: MemberRecord): string {
    return this.cipher.decrypt(record.phoneEncrypted);
  }

  revealEmail(record: MemberRecord): string | null {
    return record.emailEncrypted ? this.cipher.decrypt(record.emailEncrypted) : null;
  }
}
