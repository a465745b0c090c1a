// Partners' agreements and statements. A statement closes a period: every line written before the period ended and
// not yet on a statement goes onto it, its totals are summed from those lines, and neither ever changes again. A
// line that arrives after its period closed (a refund, a staff correction) lands on the next statement.
import type { DataSource, EntityManager } from "typeorm";
import { describeActor } from "../../auth/identity";
import type { Clock } from "../../clock";
import { nextStatementPeriod, statementPeriodContaining, statementTotals, statementTotalsOfGroups, type StatementPeriod } from "../../engine";
import { PartnerAgreementRecord, PartnerRecord, SettlementLineRecord, SettlementStatementRecord, statementPeriods, type SettlementLineKind } from "../../entities";
import { badUserInput, ClientError, conflict, notFound } from "../../errors";
import { lockingRead, runInTransaction } from "../../database/transactions";
import type { AuditService } from "../audit-service";
import type { IdempotencyService } from "../idempotency-service";
import { validReason } from "../points/points-input";
import type { ServiceContext } from "../service-context";
import { agreementInForce, writeSettlementLine } from "./settlement-lines";

export interface AgreementInput {
  earnPointsPer100Yuan: number;
  issuedPointValue: number;
  redeemedPointValue: number;
  benefitSharePercent: number;
  statementPeriod: StatementPeriod;
}

export interface StatementPeriodWindow {
  start: Date;
  end: Date;
  label: string;
}

/** The open period: what the next statement will hold if it closed now. */
export interface OpenPeriod extends StatementPeriodWindow, ReturnType<typeof statementTotals> {
  partnerId: number;
}

function wholeNumber(value: number, field: string, minimum: number, maximum: number): number {
  if (!Number.isInteger(value) || value < minimum || value > maximum) throw badUserInput(`${field} must be a whole number from ${minimum} to ${maximum} (got ${value}).`, field);
  return value;
}

export class SettlementService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
    readonly utcOffsetMinutes: number,
  ) {}

  /** A new version of the terms, in force from now: lines already written keep the rates they were written at. */
  async setAgreement(context: ServiceContext, partnerId: number, input: AgreementInput): Promise<PartnerAgreementRecord> {
    const terms = {
      // Up to 100 points a yuan: more is a typing mistake (rates are per 100 yuan).
      earnPointsPer100Yuan: wholeNumber(input.earnPointsPer100Yuan, "input.earnPointsPer100Yuan", 0, 10_000),
      issuedPointValue: wholeNumber(input.issuedPointValue, "input.issuedPointValue", 0, 100_000),
      redeemedPointValue: wholeNumber(input.redeemedPointValue, "input.redeemedPointValue", 0, 100_000),
      benefitSharePercent: wholeNumber(input.benefitSharePercent, "input.benefitSharePercent", 0, 100),
      statementPeriod: input.statementPeriod,
    };
    if (!statementPeriods.includes(terms.statementPeriod)) throw badUserInput(`input.statementPeriod must be ${statementPeriods.join(" or ")}.`, "input.statementPeriod");
    const now = this.clock.now();
    const actor = describeActor(context.identity);
    return runInTransaction(this.dataSource, async (manager) => {
      if (!(await manager.existsBy(PartnerRecord, { id: partnerId }))) throw notFound("No partner has the id given.");
      const record = manager.create(PartnerAgreementRecord, { partnerId, ...terms, effectiveFrom: now, createdBy: `${actor.actorType}:${actor.actorId ?? "-"}`, createdAt: now });
      record.id = Number((await manager.insert(PartnerAgreementRecord, record)).identifiers[0]?.id);
      await this.audit.record(manager, context, { action: "partner.setAgreement", targetType: "partner", targetId: partnerId, details: { ...terms } });
      return record;
    });
  }

  agreements(partnerId: number): Promise<PartnerAgreementRecord[]> {
    return this.dataSource.getRepository(PartnerAgreementRecord).find({ where: { partnerId }, order: { effectiveFrom: "DESC", id: "DESC" } });
  }

  async currentAgreement(partnerId: number): Promise<PartnerAgreementRecord | null> {
    return agreementInForce(this.dataSource.manager, partnerId, this.clock.now()).catch(() => null);
  }

  /** A correction by staff, in the open period; positive: the partner owes the coalition. */
  async addAdjustment(context: ServiceContext, partnerId: number, amount: number, note: string, idempotencyKey: string): Promise<{ lineId: number }> {
    if (!Number.isInteger(amount) || amount === 0 || Math.abs(amount) > 1e12) throw badUserInput("amount must be a whole number of fen, not 0: positive when the partner owes the coalition, negative when the coalition owes the partner.", "amount");
    const reason = validReason(note, "note");
    return this.idempotency.run(context, { command: "addSettlementAdjustment", key: idempotencyKey, input: { partnerId, amount, note } }, async (manager) => {
      const now = this.clock.now();
      await agreementInForce(manager, partnerId, now);
      const lineId = await writeSettlementLine(manager, { partnerId, kind: "ADJUSTMENT", points: 0, amount, rate: null, note: reason }, now);
      await this.audit.record(manager, context, { action: "settlement.adjust", targetType: "partner", targetId: partnerId, details: { amount, note: reason, lineId } });
      return { lineId };
    });
  }

  /** The period the partner's next statement covers: after its last statement, or from its first agreement. */
  async nextPeriod(manager: EntityManager, partnerId: number): Promise<StatementPeriodWindow | null> {
    const agreements = await manager.getRepository(PartnerAgreementRecord).find({ where: { partnerId }, order: { effectiveFrom: "ASC", id: "ASC" } });
    if (agreements.length === 0) return null;
    const kindAt = (instant: Date) => [...agreements].reverse().find((agreement) => agreement.effectiveFrom <= instant)?.statementPeriod ?? agreements[0].statementPeriod;
    const last = await manager.getRepository(SettlementStatementRecord).findOne({ where: { partnerId }, order: { periodStart: "DESC" } });
    if (!last) return statementPeriodContaining(agreements[0].effectiveFrom, agreements[0].statementPeriod, this.utcOffsetMinutes);
    const next = nextStatementPeriod({ end: last.periodEnd }, kindAt(last.periodEnd), this.utcOffsetMinutes);
    // After an agreement changed the statement period (monthly to weekly or back), the period of the new kind that
    // holds the last statement's end can start before it: December 2026 ends as Friday 1 January 2027 begins, and that
    // week began on Monday 28 December. The first period of the new kind then starts where the last statement ended
    // (a shorter one), so statements never overlap (found by test/integration/settlement-property.test.ts).
    return next.start < last.periodEnd ? { ...next, start: last.periodEnd } : next;
  }

  /** Lines not yet on a statement, with the totals they add up to so far. */
  async openPeriod(partnerId: number): Promise<OpenPeriod | null> {
    const period = await this.nextPeriod(this.dataSource.manager, partnerId);
    if (!period) return null;
    const lines = await this.dataSource.getRepository(SettlementLineRecord).createQueryBuilder("line").where("line.partnerId = :partnerId AND line.statementId IS NULL", { partnerId }).getMany();
    return { partnerId, ...period, ...statementTotals(lines) };
  }

  /**
   * Closes the partner's next period, which must have ended. Statements close in order, one period at a time, under
   * the partner's row lock, so two closers never make two statements or split a period's lines.
   */
  async closePeriod(context: ServiceContext, partnerId: number): Promise<SettlementStatementRecord> {
    const now = this.clock.now();
    const actor = describeActor(context.identity);
    return runInTransaction(this.dataSource, async (manager) => {
      const partner = await lockingRead(manager, PartnerRecord, "partner").where("partner.id = :partnerId", { partnerId }).getOne();
      if (!partner) throw notFound("No partner has the id given.");
      const period = await this.nextPeriod(manager, partnerId);
      if (!period) throw conflict("This partner has no agreement, so it has no settlement periods to close.");
      if (period.end > now) throw conflict(`The period ${period.label} ends at ${period.end.toISOString()}: it can be closed after that. Lines written meanwhile stay open.`);
      const inserted = await manager.insert(SettlementStatementRecord, {
        partnerId,
        periodStart: period.start,
        periodEnd: period.end,
        pointsIssued: 0,
        pointsRedeemed: 0,
        benefitsRedeemed: 0,
        owedByPartner: 0,
        owedToPartner: 0,
        netAmount: 0,
        lineCount: 0,
        closedAt: now,
        closedBy: `${actor.actorType}:${actor.actorId ?? "-"}`,
      });
      const statementId = Number(inserted.identifiers[0]?.id);
      await manager
        .createQueryBuilder()
        .update(SettlementLineRecord)
        .set({ statementId })
        .where("partnerId = :partnerId AND statementId IS NULL AND createdAt < :end", { partnerId, end: period.end })
        .execute();
      // Summed from the lines that were actually assigned: a transaction still open at the period's end commits
      // its line later, and that line goes to the next statement. Summed by the database, per kind and sign (a
      // month may hold a million lines), then totalled by the engine's own rule.
      const totals = statementTotalsOfGroups(await this.lineGroups(manager, partnerId, statementId));
      await manager.update(SettlementStatementRecord, { id: statementId }, totals);
      await this.audit.record(manager, context, { action: "settlement.close", targetType: "partner", targetId: partnerId, details: { statementId, period: period.label, lines: totals.lineCount } });
      return manager.getRepository(SettlementStatementRecord).findOneByOrFail({ id: statementId });
    });
  }

  /** A statement's lines summed by kind and sign; filtered by partner too, so the (partner, statement) index serves it. */
  private async lineGroups(manager: EntityManager, partnerId: number, statementId: number): Promise<{ kind: SettlementLineKind; lines: number; points: number; amount: number }[]> {
    const positive = "CASE WHEN line.amount > 0 THEN 1 ELSE 0 END";
    const rows: { kind: SettlementLineKind; lines: number | string; points: number | string; amount: number | string }[] = await manager
      .getRepository(SettlementLineRecord)
      .createQueryBuilder("line")
      .select("line.kind", "kind")
      .addSelect("COUNT(*)", "lines")
      .addSelect("COALESCE(SUM(line.points), 0)", "points")
      .addSelect("COALESCE(SUM(line.amount), 0)", "amount")
      .where("line.partnerId = :partnerId AND line.statementId = :statementId", { partnerId, statementId })
      .groupBy("line.kind")
      .addGroupBy(positive)
      .getRawMany();
    return rows.map((row) => ({ kind: row.kind, lines: Number(row.lines), points: Number(row.points), amount: Number(row.amount) }));
  }

  /** The scheduled job: closes every period that has ended, for every partner with an agreement. */
  async closeDuePeriods(context: ServiceContext): Promise<SettlementStatementRecord[]> {
    const closed: SettlementStatementRecord[] = [];
    const partnerIds = (await this.dataSource.getRepository(PartnerAgreementRecord).createQueryBuilder("agreement").select("DISTINCT agreement.partnerId", "partnerId").getRawMany<{ partnerId: number }>()).map((row) => Number(row.partnerId));
    for (const partnerId of partnerIds) {
      for (;;) {
        const period = await this.nextPeriod(this.dataSource.manager, partnerId);
        if (!period || period.end > this.clock.now()) break;
        try {
          closed.push(await this.closePeriod(context, partnerId));
        } catch (error) {
          // Another process closed the last ended period between our look and our lock: nothing is left to do.
          if (error instanceof ClientError && error.extensions.code === "CONFLICT") break;
          throw error;
        }
      }
    }
    return closed;
  }

  lineById(id: number): Promise<SettlementLineRecord | null> {
    return this.dataSource.getRepository(SettlementLineRecord).findOneBy({ id });
  }

  statementById(id: number): Promise<SettlementStatementRecord | null> {
    return this.dataSource.getRepository(SettlementStatementRecord).findOneBy({ id });
  }

  /** Newest first, keyset-paged by id. */
  statements(partnerId: number, first: number, afterId: number | null): Promise<SettlementStatementRecord[]> {
    const query = this.dataSource.getRepository(SettlementStatementRecord).createQueryBuilder("statement").where("statement.partnerId = :partnerId", { partnerId });
    if (afterId !== null) query.andWhere("statement.id < :afterId", { afterId });
    return query.orderBy("statement.id", "DESC").take(first + 1).getMany();
  }

  /** A statement's lines (null: the open period's), oldest first, keyset-paged by id. */
  lines(partnerId: number, statementId: number | null, first: number, afterId: number | null): Promise<SettlementLineRecord[]> {
    const query = this.dataSource.getRepository(SettlementLineRecord).createQueryBuilder("line").where("line.partnerId = :partnerId", { partnerId });
    if (statementId === null) query.andWhere("line.statementId IS NULL");
    else query.andWhere("line.statementId = :statementId", { statementId });
    if (afterId !== null) query.andWhere("line.id > :afterId", { afterId });
    return query.orderBy("line.id", "ASC").take(first + 1).getMany();
  }
}
