// Marketing spend staff record outside campaigns (media buying, agency fees, in-store promotion): the acquisition
// cost adds it to what campaigns charged for their sends (docs/kpis.md). A record is a day, an amount in fen and the
// join channel it was spent for (none: all channels); a mistake is cancelled, not edited, so the audit trail and the
// KPIs computed before it stay explainable.
import type { DataSource } from "typeorm";
import { localDayNumber } from "../../engine/activity/daily-windows";
import { joinChannels, type JoinChannel } from "../../engine";
import { dayOfLocalDate, localDateOfDay } from "../../engine/analytics";
import type { Clock } from "../../clock";
import { lockingRead, runInTransaction } from "../../database/transactions";
import { MarketingSpendRecord } from "../../entities";
import { badUserInput, forbidden, notFound } from "../../errors";
import type { AuditService } from "../audit-service";
import type { IdempotencyService } from "../idempotency-service";
import type { ServiceContext } from "../service-context";

export interface MarketingSpendInput {
  /** The local date it was spent on, YYYY-MM-DD. */
  day: string;
  amountFen: number;
  /** The join channel it was spent for; null or left out: all channels. */
  channel?: JoinChannel | null;
  description: string;
}

export interface MarketingSpendListRequest {
  /** Local dates YYYY-MM-DD, both included. */
  from: string;
  to: string;
  first: number;
  /** The id of the last record of the previous page. */
  after: number | null;
  includeCancelled: boolean;
}

/** 10 billion yuan in fen: more is a typing mistake. */
const maximumAmountFen = 1_000_000_000_000;
const millisecondsPerDay = 86_400_000;
/** 2000-01-01: an earlier date is a typing mistake (0026 for 2026). */
const earliestDay = Date.UTC(2000, 0, 1) / millisecondsPerDay;

/** A local date's day number, or BAD_USER_INPUT naming the field. */
function validLocalDate(text: string, field: string): number {
  const day = dayOfLocalDate(text);
  if (day === null) throw badUserInput(`${field} must be a date written YYYY-MM-DD, e.g. 2026-03-14 (got "${text.slice(0, 40)}").`, field);
  if (day < earliestDay) throw badUserInput(`${field} must be in 2000 or later (got "${text}").`, field);
  return day;
}

function staffUserOf(context: ServiceContext): number {
  if (context.identity.kind !== "staff") throw forbidden("Only staff record or cancel marketing spend: each record names the staff user who made it.");
  return context.identity.staffUserId;
}

export class MarketingSpendService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
    private readonly utcOffsetMinutes: number,
  ) {}

  /** Records spend once per idempotency key: a retry with the same key and input returns the same record. */
  async record(context: ServiceContext, input: MarketingSpendInput, idempotencyKey: string): Promise<MarketingSpendRecord> {
    const recordedBy = staffUserOf(context);
    const day = validLocalDate(input.day, "input.day");
    const today = localDayNumber(this.clock.now(), this.utcOffsetMinutes);
    if (day > today) throw badUserInput(`input.day is after today (${localDateOfDay(today)} in the programme's time zone): record spend on the day it was spent, once it is.`, "input.day");
    if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0 || input.amountFen > maximumAmountFen) {
      throw badUserInput(`input.amountFen must be a whole number of fen from 1 to ${maximumAmountFen} (1 yuan = 100 fen; got ${input.amountFen}). To take back spend recorded by mistake, cancel the record.`, "input.amountFen");
    }
    const channel = input.channel ?? null;
    if (channel !== null && !(joinChannels as readonly string[]).includes(channel)) {
      throw badUserInput(`input.channel must be one of ${joinChannels.join(", ")}, or left out for spend on all channels (got "${String(channel).slice(0, 40)}").`, "input.channel");
    }
    const description = input.description.trim();
    if (description.length === 0) throw badUserInput("input.description is required: say what the money bought (media, agency, promotion), for the analysts and the audit trail.", "input.description");
    if (description.length > 255) throw badUserInput("input.description must be at most 255 characters.", "input.description");
    const request = { day: input.day, amountFen: input.amountFen, channel, description };
    const { id } = await this.idempotency.run(context, { command: "recordMarketingSpend", key: idempotencyKey, input: request }, async (manager) => {
      const now = this.clock.now();
      const inserted = await manager.insert(MarketingSpendRecord, { day, channel, amount: input.amountFen, description, recordedBy, idempotencyKey, createdAt: now, cancelledAt: null, cancelledBy: null });
      const id = Number(inserted.identifiers[0]?.id);
      await this.audit.record(manager, context, { action: "marketingSpend.record", targetType: "marketingSpend", targetId: id, details: request });
      return { id };
    });
    return this.byIdOrFail(id);
  }

  /** Cancels a record: it stays, marked, and counts no more. Cancelling a cancelled record changes nothing. */
  async cancel(context: ServiceContext, id: number): Promise<MarketingSpendRecord> {
    const cancelledBy = staffUserOf(context);
    return runInTransaction(this.dataSource, async (manager) => {
      const record = await lockingRead(manager, MarketingSpendRecord, "spend").where("spend.id = :id", { id }).getOne();
      if (!record) throw notFound(`No marketing spend has the id ${id}.`);
      if (record.cancelledAt !== null) return record;
      const cancelledAt = this.clock.now();
      await manager.update(MarketingSpendRecord, { id }, { cancelledAt, cancelledBy });
      await this.audit.record(manager, context, {
        action: "marketingSpend.cancel", targetType: "marketingSpend", targetId: id, details: { day: localDateOfDay(record.day), amountFen: record.amount, channel: record.channel },
      });
      return Object.assign(record, { cancelledAt, cancelledBy });
    });
  }

  /** Records of the days from `from` to `to` (both included), by day then id: `first` + 1 of them, to tell whether there is a next page. */
  async list(request: MarketingSpendListRequest): Promise<MarketingSpendRecord[]> {
    const fromDay = validLocalDate(request.from, "from");
    const toDay = validLocalDate(request.to, "to");
    if (toDay < fromDay) throw badUserInput("to must be the same day as from or later (both days are included).", "to");
    const query = this.dataSource.getRepository(MarketingSpendRecord).createQueryBuilder("spend")
      .where("spend.day >= :fromDay AND spend.day <= :toDay", { fromDay, toDay })
      .orderBy("spend.day", "ASC").addOrderBy("spend.id", "ASC")
      .take(request.first + 1);
    if (!request.includeCancelled) query.andWhere("spend.cancelledAt IS NULL");
    if (request.after !== null) {
      const last = await this.dataSource.getRepository(MarketingSpendRecord).findOneBy({ id: request.after });
      if (!last) throw badUserInput("after is not a cursor of this list: pass an endCursor from a previous page, or leave it out to start at the beginning.", "after");
      query.andWhere("(spend.day > :afterDay OR (spend.day = :afterDay AND spend.id > :afterId))", { afterDay: last.day, afterId: last.id });
    }
    return query.getMany();
  }

  private async byIdOrFail(id: number): Promise<MarketingSpendRecord> {
    const record = await this.dataSource.getRepository(MarketingSpendRecord).findOneBy({ id });
    if (!record) throw notFound(`No marketing spend has the id ${id}.`);
    return record;
  }
}
