// The badges catalogue and members' badges: staff define badges and award or revoke them by hand (audited);
// challenges and rules award them inside their own transactions; a member picks which of their titles to show.
import type { DataSource, EntityManager } from "typeorm";
import { describeActor } from "../../../auth/identity";
import type { Clock } from "../../../clock";
import { insertRows } from "../../../database/bulk-insert";
import { lockingRead, runInTransaction } from "../../../database/transactions";
import { BadgeRecord, MemberBadgeRecord, MemberDisplayedTitleRecord, MemberRecord } from "../../../entities";
import { badUserInput, conflict, notFound } from "../../../errors";
import type { AuditService } from "../../audit-service";
import { isUniqueViolation } from "../../idempotency-service";
import type { ServiceContext } from "../../service-context";
import { validChallengeCode, validDescription, validTitle } from "../challenges/challenge-input";

export interface NewBadge {
  code: string;
  nameZh: string;
  nameEn: string;
  descriptionZh?: string | null;
  descriptionEn?: string | null;
  isTitle: boolean;
}

/** Only the fields given change; a badge's code and whether it is a title are fixed. */
export interface BadgeChanges {
  nameZh?: string | null;
  nameEn?: string | null;
  descriptionZh?: string | null;
  descriptionEn?: string | null;
}

/** A badge a member holds, with its catalogue entry. */
export interface HeldBadge {
  award: MemberBadgeRecord;
  badge: BadgeRecord;
}

function validReason(value: string, field: string): string {
  const text = value.trim();
  if (text.length === 0 || text.length > 255) throw badUserInput(`${field} must be 1 to 255 characters: say why, for the member's history and the audit trail.`, field);
  return text;
}

export class BadgeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  catalogue(): Promise<BadgeRecord[]> {
    return this.dataSource.getRepository(BadgeRecord).find({ order: { id: "ASC" } });
  }

  byCode(manager: EntityManager, code: string): Promise<BadgeRecord | null> {
    return manager.getRepository(BadgeRecord).findOneBy({ code });
  }

  async byIds(ids: readonly number[]): Promise<Map<number, BadgeRecord>> {
    if (ids.length === 0) return new Map();
    const rows = await this.dataSource.getRepository(BadgeRecord).createQueryBuilder("badge").where("badge.id IN (:...ids)", { ids: [...new Set(ids)] }).getMany();
    return new Map(rows.map((badge) => [badge.id, badge]));
  }

  async create(context: ServiceContext, input: NewBadge): Promise<BadgeRecord> {
    const code = validChallengeCode(input.code, "input.code");
    const now = this.clock.now();
    const record = this.dataSource.getRepository(BadgeRecord).create({
      code,
      nameZh: validTitle(input.nameZh, "input.nameZh"),
      nameEn: validTitle(input.nameEn, "input.nameEn"),
      descriptionZh: validDescription(input.descriptionZh, "input.descriptionZh"),
      descriptionEn: validDescription(input.descriptionEn, "input.descriptionEn"),
      isTitle: input.isTitle,
      createdAt: now,
      updatedAt: now,
    });
    try {
      await runInTransaction(this.dataSource, async (manager) => {
        await manager.save(BadgeRecord, record);
        await this.audit.record(manager, context, { action: "badge.create", targetType: "badge", targetId: record.id, details: { code, isTitle: record.isTitle } });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`A badge with code ${code} already exists: choose another code.`);
      throw error;
    }
    return record;
  }

  async update(context: ServiceContext, id: number, changes: BadgeChanges): Promise<BadgeRecord> {
    return runInTransaction(this.dataSource, async (manager) => {
      const badge = await lockingRead(manager, BadgeRecord, "badge").where("badge.id = :id", { id }).getOne();
      if (!badge) throw notFound("No badge has this id: list them with badges.");
      if (changes.nameZh !== null && changes.nameZh !== undefined) badge.nameZh = validTitle(changes.nameZh, "input.nameZh");
      if (changes.nameEn !== null && changes.nameEn !== undefined) badge.nameEn = validTitle(changes.nameEn, "input.nameEn");
      if (changes.descriptionZh !== undefined) badge.descriptionZh = validDescription(changes.descriptionZh, "input.descriptionZh");
      if (changes.descriptionEn !== undefined) badge.descriptionEn = validDescription(changes.descriptionEn, "input.descriptionEn");
      badge.updatedAt = this.clock.now();
      await manager.save(BadgeRecord, badge);
      await this.audit.record(manager, context, { action: "badge.update", targetType: "badge", targetId: id, details: { nameZh: badge.nameZh, nameEn: badge.nameEn } });
      return badge;
    });
  }

  /**
   * Awards badges inside the caller's transaction, each member at most once per badge: members who hold it, or whose
   * award staff revoked, are skipped (a rule or challenge never gives back what staff took away).
   */
  async awardInTransaction(manager: EntityManager, badgeId: number, awards: readonly { memberId: number; reason: string }[], awardedBy: string, now: Date): Promise<void> {
    const rows = awards.map(({ memberId, reason }) => ({ memberId, badgeId, reason: reason.slice(0, 255), awardedBy: awardedBy.slice(0, 48), awardedAt: now, revokedAt: null, revokedBy: null, revokeReason: null }));
    await insertRows(manager, MemberBadgeRecord, rows, { ignoreDuplicates: true });
  }

  /** Staff award a badge by hand (audited); a badge the member holds stays as it is, a revoked one is given back. */
  async award(context: ServiceContext, memberId: number, badgeId: number, reasonInput: string): Promise<HeldBadge> {
    const reason = validReason(reasonInput, "reason");
    const actor = describeActor(context.identity);
    const awardedBy = `${actor.actorType}:${actor.actorId ?? ""}`;
    return runInTransaction(this.dataSource, async (manager) => {
      const now = this.clock.now();
      const badge = await manager.findOneBy(BadgeRecord, { id: badgeId });
      if (!badge) throw notFound("No badge has this id: list them with badges.");
      if (!(await manager.existsBy(MemberRecord, { id: memberId }))) throw notFound("No member has the id given.");
      const existing = await lockingRead(manager, MemberBadgeRecord, "award").where("award.memberId = :memberId AND award.badgeId = :badgeId", { memberId, badgeId }).getOne();
      // Held already: nothing changes and nothing is audited (a retried award is not a second one).
      if (existing && existing.revokedAt === null) return { award: existing, badge };
      const award = existing ?? manager.create(MemberBadgeRecord, { memberId, badgeId });
      Object.assign(award, { reason, awardedBy: awardedBy.slice(0, 48), awardedAt: now, revokedAt: null, revokedBy: null, revokeReason: null });
      await manager.save(MemberBadgeRecord, award);
      await this.audit.record(manager, context, { action: "badge.award", targetType: "member", targetId: memberId, details: { badge: badge.code, reason } });
      return { award, badge };
    });
  }

  /** Staff take a badge back (audited); the member stops showing it as their title. */
  async revoke(context: ServiceContext, memberId: number, badgeId: number, reasonInput: string): Promise<HeldBadge> {
    const reason = validReason(reasonInput, "reason");
    const actor = describeActor(context.identity);
    return runInTransaction(this.dataSource, async (manager) => {
      const badge = await manager.findOneBy(BadgeRecord, { id: badgeId });
      if (!badge) throw notFound("No badge has this id: list them with badges.");
      const award = await lockingRead(manager, MemberBadgeRecord, "award").where("award.memberId = :memberId AND award.badgeId = :badgeId", { memberId, badgeId }).getOne();
      if (!award || award.revokedAt !== null) throw notFound(`The member does not hold the badge ${badge.code}: there is nothing to revoke.`);
      Object.assign(award, { revokedAt: this.clock.now(), revokedBy: `${actor.actorType}:${actor.actorId ?? ""}`.slice(0, 48), revokeReason: reason });
      await manager.save(MemberBadgeRecord, award);
      await manager.delete(MemberDisplayedTitleRecord, { memberId, badgeId });
      await this.audit.record(manager, context, { action: "badge.revoke", targetType: "member", targetId: memberId, details: { badge: badge.code, reason } });
      return { award, badge };
    });
  }

  /** The badges a member holds (not revoked), newest first. */
  async held(memberId: number): Promise<HeldBadge[]> {
    const awards = await this.dataSource
      .getRepository(MemberBadgeRecord)
      .createQueryBuilder("award")
      .where("award.memberId = :memberId AND award.revokedAt IS NULL", { memberId })
      .orderBy("award.awardedAt", "DESC")
      .addOrderBy("award.id", "DESC")
      .getMany();
    const badges = await this.byIds(awards.map((award) => award.badgeId));
    return awards.map((award) => ({ award, badge: badges.get(award.badgeId)! }));
  }

  /** The title shown beside the member's name: the one they chose while they hold it, else their latest title. */
  async title(memberId: number): Promise<HeldBadge | null> {
    const titles = (await this.held(memberId)).filter((held) => held.badge.isTitle);
    const chosen = await this.dataSource.getRepository(MemberDisplayedTitleRecord).findOneBy({ memberId });
    return titles.find((held) => held.badge.id === chosen?.badgeId) ?? titles[0] ?? null;
  }

  /** The member chooses a title they hold to show; null goes back to showing their latest title. */
  async setDisplayedTitle(memberId: number, badgeId: number | null): Promise<HeldBadge | null> {
    await runInTransaction(this.dataSource, async (manager) => {
      if (badgeId === null) {
        await manager.delete(MemberDisplayedTitleRecord, { memberId });
        return;
      }
      const badge = await manager.findOneBy(BadgeRecord, { id: badgeId });
      const award = await manager.findOneBy(MemberBadgeRecord, { memberId, badgeId });
      if (!badge || !award || award.revokedAt !== null) throw badUserInput("badgeId is not a badge you hold: pick one from me.badges.", "badgeId");
      if (!badge.isTitle) throw badUserInput(`${badge.nameZh} is a badge, not a title: pick a badge whose isTitle is true.`, "badgeId");
      await insertRows(manager, MemberDisplayedTitleRecord, [{ memberId, badgeId, chosenAt: this.clock.now() }], { replace: true });
    });
    return this.title(memberId);
  }
}
