import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { notFound } from "../errors";
import {
  OpenSettlementPeriod,
  PartnerAgreement,
  PartnerAgreementInput,
  PartnerBenefit,
  SettlementLine,
  SettlementLineConnection,
  SettlementStatement,
  SettlementStatementConnection,
} from "../schema/coalition-types";
import { connectionBody } from "../schema/connection";
import { expectGlobalId, expectNumberId } from "../schema/global-id";
import { decodeCursor, encodeCursor, validFirst } from "../schema/paging";
import { Partner } from "../schema/partner-types";
import type { RequestContext } from "../server/request-context";
import { actingPartnerId } from "./acting-partner";

const statementCursor = "settlement-statement";
const lineCursor = "settlement-line";

async function statementsPage(context: RequestContext, partnerId: number, first: number, after: string | null | undefined): Promise<SettlementStatementConnection> {
  const size = validFirst(first);
  const records = await context.services.settlement.statements(partnerId, size, decodeCursor(statementCursor, after));
  const offset = context.services.settlement.utcOffsetMinutes;
  return connectionBody(records.slice(0, size).map((record) => SettlementStatement.fromRecord(record, offset)), (statement) => encodeCursor(statementCursor, Number(statement.id)), records.length > size);
}

/** Settlement for partners (settlement:read, their own) and staff (partners:manage, any partner's). */
@Resolver()
export class SettlementResolver {
  @Query(() => SettlementStatementConnection, { description: "Closed settlement statements, newest first." })
  partnerStatements(
    @Ctx() context: RequestContext,
    @Arg("partnerId", () => ID, { nullable: true }) partnerId?: string | null,
    @Arg("first", () => Int, { defaultValue: 12 }) first?: number,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ): Promise<SettlementStatementConnection> {
    return statementsPage(context, actingPartnerId(context.identity, "settlement:read", partnerId), first ?? 12, after);
  }

  @Query(() => SettlementStatement, { nullable: true, description: "One closed statement; null when there is none with the id (or it is another partner's)." })
  async settlementStatement(@Arg("id", () => ID) id: string, @Ctx() context: RequestContext, @Arg("partnerId", () => ID, { nullable: true }) partnerId?: string | null): Promise<SettlementStatement | null> {
    const partner = actingPartnerId(context.identity, "settlement:read", partnerId);
    const record = await context.services.settlement.statementById(expectNumberId(id, "id", "settlement statement", "SettlementStatement"));
    return record && record.partnerId === partner ? SettlementStatement.fromRecord(record, context.services.settlement.utcOffsetMinutes) : null;
  }

  @Query(() => OpenSettlementPeriod, { nullable: true, description: "The period not yet closed and its lines so far; null before any agreement." })
  async openSettlementPeriod(@Ctx() context: RequestContext, @Arg("partnerId", () => ID, { nullable: true }) partnerId?: string | null): Promise<OpenSettlementPeriod | null> {
    const period = await context.services.settlement.openPeriod(actingPartnerId(context.identity, "settlement:read", partnerId));
    return period && OpenSettlementPeriod.fromPeriod(period);
  }

  @Authorized("partners:manage")
  @Mutation(() => PartnerAgreement, { description: "New terms for a partner, in force from now; lines already written keep their rates." })
  async setPartnerAgreement(@Arg("partnerId", () => ID) partnerId: string, @Arg("input", () => PartnerAgreementInput) input: PartnerAgreementInput, @Ctx() context: RequestContext): Promise<PartnerAgreement> {
    return PartnerAgreement.fromRecord(await context.services.settlement.setAgreement(context, expectGlobalId(partnerId, "Partner", "partnerId"), { ...input }));
  }

  @Authorized("partners:manage")
  @Mutation(() => SettlementStatement, { description: "Closes the partner's next settlement period, which must have ended; the statement never changes afterwards." })
  async closeSettlementPeriod(@Arg("partnerId", () => ID) partnerId: string, @Ctx() context: RequestContext): Promise<SettlementStatement> {
    const record = await context.services.settlement.closePeriod(context, expectGlobalId(partnerId, "Partner", "partnerId"));
    return SettlementStatement.fromRecord(record, context.services.settlement.utcOffsetMinutes);
  }

  @Authorized("partners:manage")
  @Mutation(() => SettlementLine, { description: "A correction in the open period, in fen: positive when the partner owes the coalition." })
  async addSettlementAdjustment(
    @Arg("partnerId", () => ID) partnerId: string,
    @Arg("amount", () => Int) amount: number,
    @Arg("note") note: string,
    @Arg("idempotencyKey") idempotencyKey: string,
    @Ctx() context: RequestContext,
  ): Promise<SettlementLine> {
    const partner = expectGlobalId(partnerId, "Partner", "partnerId");
    const { lineId } = await context.services.settlement.addAdjustment(context, partner, amount, note, idempotencyKey);
    const line = await context.services.settlement.lineById(lineId);
    if (!line) throw notFound("The adjustment line is gone.");
    return SettlementLine.fromRecord(line);
  }
}

@Resolver(() => SettlementStatement)
export class SettlementStatementResolver {
  @FieldResolver(() => SettlementLineConnection, { description: "The statement's lines, oldest first." })
  async lines(
    @Root() statement: SettlementStatement,
    @Ctx() context: RequestContext,
    @Arg("first", () => Int, { defaultValue: 50 }) first: number,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ): Promise<SettlementLineConnection> {
    return linesPage(context, statement.partnerId, statement.statementId, first, after);
  }
}

@Resolver(() => OpenSettlementPeriod)
export class OpenSettlementPeriodResolver {
  @FieldResolver(() => SettlementLineConnection, { description: "The lines so far, oldest first." })
  async lines(
    @Root() period: OpenSettlementPeriod,
    @Ctx() context: RequestContext,
    @Arg("first", () => Int, { defaultValue: 50 }) first: number,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ): Promise<SettlementLineConnection> {
    return linesPage(context, period.partnerId, null, first, after);
  }
}

async function linesPage(context: RequestContext, partnerId: number, statementId: number | null, first: number, after: string | null | undefined): Promise<SettlementLineConnection> {
  // The parent was authorised for this partner; a line page is read only through it.
  const size = validFirst(first);
  const records = await context.services.settlement.lines(partnerId, statementId, size, decodeCursor(lineCursor, after));
  return connectionBody(records.slice(0, size).map(SettlementLine.fromRecord), (line) => encodeCursor(lineCursor, Number(line.id)), records.length > size);
}

/** What staff see of a partner's coalition terms, benefits and settlement. */
@Resolver(() => Partner)
export class PartnerSettlementFieldsResolver {
  @Authorized("partners:manage")
  @FieldResolver(() => PartnerAgreement, { nullable: true, description: "The terms in force now." })
  async agreement(@Root() partner: Partner, @Ctx() context: RequestContext): Promise<PartnerAgreement | null> {
    const record = await context.services.settlement.currentAgreement(partner.partnerId);
    return record && PartnerAgreement.fromRecord(record);
  }

  @Authorized("partners:manage")
  @FieldResolver(() => [PartnerAgreement], { description: "Every version of the terms, newest first." })
  async agreementHistory(@Root() partner: Partner, @Ctx() context: RequestContext): Promise<PartnerAgreement[]> {
    return (await context.services.settlement.agreements(partner.partnerId)).map(PartnerAgreement.fromRecord);
  }

  @Authorized("partners:manage")
  @FieldResolver(() => [PartnerBenefit])
  async benefits(@Root() partner: Partner, @Ctx() context: RequestContext): Promise<PartnerBenefit[]> {
    return (await context.services.partnerBenefits.list(partner.partnerId, true)).map(PartnerBenefit.fromRecord);
  }

  @Authorized("partners:manage")
  @FieldResolver(() => SettlementStatementConnection)
  statements(
    @Root() partner: Partner,
    @Ctx() context: RequestContext,
    @Arg("first", () => Int, { defaultValue: 12 }) first: number,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ): Promise<SettlementStatementConnection> {
    return statementsPage(context, partner.partnerId, first, after);
  }

  @Authorized("partners:manage")
  @FieldResolver(() => OpenSettlementPeriod, { nullable: true })
  async openPeriod(@Root() partner: Partner, @Ctx() context: RequestContext): Promise<OpenSettlementPeriod | null> {
    const period = await context.services.settlement.openPeriod(partner.partnerId);
    return period && OpenSettlementPeriod.fromPeriod(period);
  }
}
