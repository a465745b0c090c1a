// Property: whatever partners do across brands — earn on orders, refund them in part or in full, spend points, use
// benefits, get corrected by staff, retry with the same key — and whenever periods are closed, settlement reconciles:
// the verifier finds nothing, each partner's lines are exactly what the test's own model of the agreements says (and
// agree with the partner's entries in the points ledger), every statement is the sum of its lines and follows the one
// before, and a statement never changes once closed. Refused commands and retries write nothing.
//
// The services are called directly (as the ledger property test does), not over HTTP: it is the bookkeeping under
// test, and HTTP would make each run several times slower.
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { SettlementLineRecord, SettlementStatementRecord } from "../../src/entities";
import type { PartnerScope } from "../../src/auth/permissions";
import { ClientError } from "../../src/errors";
import { verifySettlement } from "../../src/services/coalition/settlement-verifier";
import { systemContext, type ServiceContext } from "../../src/services/service-context";
import { testDatabaseKinds } from "../support/databases";
import { startTestApplication, type TestApplication } from "../support/test-application";

type Period = "MONTHLY" | "WEEKLY";
type LineKind = "POINTS_ISSUED" | "POINTS_ISSUE_REVERSED" | "POINTS_REDEEMED" | "BENEFIT_REDEEMED" | "ADJUSTMENT";

interface Terms {
  earnPointsPer100Yuan: number;
  /** Fen per 100 points. */
  issuedPointValue: number;
  redeemedPointValue: number;
  benefitSharePercent: number;
  statementPeriod: Period;
}

interface BenefitSpec {
  partner: number;
  valueFen: number;
  /** Null: the agreement's share. */
  sharePercent: number | null;
  stock: number | null;
  perMemberLimit: number;
  /** For GOLD members only, and the test's members are all REGULAR: every use is refused. */
  goldOnly: boolean;
  /** Null: no end. */
  validDays: number | null;
}

type Command =
  | { kind: "earn"; partner: number; member: number; amount: number }
  /** percent 100 refunds what is left of the order; an order with nothing left is refunded 1 fen, which is refused. */
  | { kind: "refund"; order: number; percent: number }
  /** Points as a percentage of the member's balance at the time (at least 1); over 100, the redemption is refused. */
  | { kind: "redeemPoints"; partner: number; member: number; percent: number }
  | { kind: "redeemBenefit"; benefit: number; member: number }
  | { kind: "adjustment"; partner: number; amount: number }
  /** Staff changing a member's balance: a ledger entry of no partner, which settles nothing. */
  | { kind: "adjustPoints"; member: number; points: number }
  | { kind: "newAgreement"; partner: number; terms: Terms }
  | { kind: "retry"; index: number }
  | { kind: "advance"; hours: number }
  | { kind: "closeDue" };

interface Scenario {
  partners: Terms[];
  members: number;
  benefits: BenefitSpec[];
  commands: Command[];
}

const terms: fc.Arbitrary<Terms> = fc.record({
  earnPointsPer100Yuan: fc.integer({ min: 0, max: 500 }),
  issuedPointValue: fc.integer({ min: 0, max: 300 }),
  redeemedPointValue: fc.integer({ min: 0, max: 300 }),
  benefitSharePercent: fc.integer({ min: 0, max: 100 }),
  statementPeriod: fc.constantFrom<Period>("MONTHLY", "WEEKLY"),
});

const benefitSpec: fc.Arbitrary<BenefitSpec> = fc.record({
  partner: fc.nat(),
  valueFen: fc.integer({ min: 0, max: 50_000 }),
  sharePercent: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
  stock: fc.option(fc.integer({ min: 0, max: 4 }), { nil: null }),
  perMemberLimit: fc.integer({ min: 1, max: 3 }),
  goldOnly: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  validDays: fc.option(fc.integer({ min: 1, max: 30 }), { nil: null }),
});

const hours = fc.oneof(
  fc.integer({ min: 1, max: 23 }),
  fc.integer({ min: 1, max: 6 }).map((days) => days * 24),
  fc.integer({ min: 1, max: 5 }).map((weeks) => weeks * 7 * 24),
);

// Weighted towards what writes lines and towards time passing and periods closing, so most runs close statements.
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("earn" as const), partner: fc.nat(), member: fc.nat(), amount: fc.integer({ min: 1, max: 500_000 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("refund" as const), order: fc.nat(), percent: fc.oneof(fc.constant(100), fc.integer({ min: 1, max: 99 })) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("redeemPoints" as const), partner: fc.nat(), member: fc.nat(), percent: fc.integer({ min: 1, max: 130 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("redeemBenefit" as const), benefit: fc.nat(), member: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("adjustment" as const), partner: fc.nat(), amount: fc.integer({ min: -100_000, max: 100_000 }).filter((amount) => amount !== 0) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("adjustPoints" as const), member: fc.nat(), points: fc.integer({ min: -2_000, max: 2_000 }).filter((points) => points !== 0) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("newAgreement" as const), partner: fc.nat(), terms }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("retry" as const), index: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("advance" as const), hours }) },
  { weight: 3, arbitrary: fc.constant({ kind: "closeDue" as const }) },
);

const scenario: fc.Arbitrary<Scenario> = fc.record({
  partners: fc.array(terms, { minLength: 2, maxLength: 3 }),
  members: fc.integer({ min: 2, max: 4 }),
  benefits: fc.array(benefitSpec, { maxLength: 4 }),
  commands: fc.array(command, { maxLength: 40, size: "max" }),
});

// The test's own arithmetic, deliberately not the engine's.

/** -n without -0, which the database gives back as 0 and Jest tells apart from it. */
const negated = (n: number) => 0 - n;

/** n / 100 rounded half away from zero, for whole n. */
function hundredthsRounded(n: number): number {
  const magnitude = Math.floor((2 * Math.abs(n) + 100) / 200);
  return n < 0 ? negated(magnitude) : magnitude;
}

/** Points earned on `amount` fen at `rate` points per 100 yuan (10,000 fen), rounded down. */
const earnedPoints = (amount: number, rate: number) => Math.floor((amount * rate) / 10_000);

/** The points a refund takes back: the refunded share of the order's points, each share rounded down. */
function clawedBackPoints(order: { amount: number; pointsEarned: number; refunded: number }, refundNow: number): number {
  const share = (refunded: number) => Math.floor((order.pointsEarned * refunded) / order.amount);
  return share(order.refunded + refundNow) - share(order.refunded);
}

interface ModelLine {
  kind: LineKind;
  points: number;
  amount: number;
  rate: number | null;
}

interface PartnerModel {
  id: number;
  context: ServiceContext;
  terms: Terms;
  firstAgreementAt: Date;
  lines: ModelLine[];
}

interface MemberModel {
  id: number;
  balance: number;
  debt: number;
}

interface OrderModel {
  partner: PartnerModel;
  member: MemberModel;
  orderId: string;
  amount: number;
  refunded: number;
  pointsEarned: number;
  /** The issued point value the order's points were paid at. */
  issuedRate: number;
}

interface BenefitModel {
  partner: PartnerModel;
  id: number;
  valueFen: number;
  sharePercent: number;
  stock: number | null;
  perMemberLimit: number;
  goldOnly: boolean;
  validUntil: Date | null;
  redeemed: number;
  uses: Map<number, number>;
}

/** What a statement and its lines looked like right after it closed. */
interface StatementSnapshot {
  statement: SettlementStatementRecord;
  lines: { id: number; kind: string; points: number; amount: number; rate: number | null }[];
}

/** A refusal the model predicts: the error code, and for NOT_ELIGIBLE its reason. */
type Refusal = { code: string; reason?: string };

const partnerScopes: PartnerScope[] = ["members:lookup", "benefits:read", "benefits:redeem", "benefits:publish", "points:earn", "points:redeem"];
let partnerCounter = 0;

describe.each(testDatabaseKinds())("settlement property on $name", (kind) => {
  let test: TestApplication;
  const staff: ServiceContext = { identity: { kind: "staff", staffUserId: 1, role: "admin" }, requestId: null };
  /** What the verifier reported after a failed run, whose data stays in the database. */
  let knownProblems = new Set<string>();

  beforeAll(async () => {
    // Points never expire within a run (10 years), so the test can keep each member's balance and debt exactly and
    // say in advance which redemptions are refused. Expiry writes entries of no partner, which settle nothing.
    test = await startTestApplication(kind, { POINTS_EXPIRY: "months:120" });
  });
  afterAll(async () => {
    await test?.close();
  });

  /** Rows and sums a command can change: equal before and after means it wrote nothing. */
  async function fingerprint(): Promise<Record<string, number>> {
    const [row] = await test.application.database.dataSource.query(
      `SELECT (SELECT COUNT(*) FROM settlement_lines) AS settlementLines,
              (SELECT COALESCE(SUM(amount), 0) FROM settlement_lines) AS settlementAmount,
              (SELECT COUNT(*) FROM settlement_statements) AS statements,
              (SELECT COUNT(*) FROM point_entries) AS pointEntries,
              (SELECT COUNT(*) FROM point_lots) AS pointLots,
              (SELECT COALESCE(SUM(remaining), 0) FROM point_lots) AS lotPoints,
              (SELECT COALESCE(SUM(balance), 0) FROM point_accounts) AS balances,
              (SELECT COALESCE(SUM(debt), 0) FROM point_accounts) AS debts,
              (SELECT COUNT(*) FROM orders) AS orders,
              (SELECT COALESCE(SUM(refunded_amount), 0) FROM orders) AS refunded,
              (SELECT COUNT(*) FROM partner_benefit_redemptions) AS benefitRedemptions,
              (SELECT COALESCE(SUM(redeemed_count), 0) FROM partner_benefits) AS benefitsCounted,
              (SELECT COALESCE(SUM(stock), 0) FROM partner_benefits) AS benefitStock,
              (SELECT COUNT(*) FROM partner_member_links) AS partnerLinks,
              (SELECT COUNT(*) FROM idempotency_records) AS idempotencyRecords,
              (SELECT COUNT(*) FROM audit_log) AS auditEntries`,
    );
    return Object.fromEntries(Object.entries(row as Record<string, unknown>).map(([name, value]) => [name, Number(value)]));
  }

  async function snapshot(statementId: number): Promise<StatementSnapshot> {
    const dataSource = test.application.database.dataSource;
    const statement = await dataSource.getRepository(SettlementStatementRecord).findOneByOrFail({ id: statementId });
    const lines = (await dataSource.getRepository(SettlementLineRecord).find({ where: { statementId }, order: { id: "ASC" } })).map(({ id, kind, points, amount, rate }) => ({ id, kind, points, amount, rate }));
    return { statement, lines };
  }

  /** `created` collects the partners' ids as they are made, for retiring them afterwards. */
  async function runScenario({ partners: partnerTerms, members: memberCount, benefits: benefitSpecs, commands }: Scenario, created: number[]): Promise<void> {
    const { services, database } = test.application;
    const dataSource = database.dataSource;

    const partners: PartnerModel[] = [];
    for (const agreed of partnerTerms) {
      partnerCounter += 1;
      const partner = await services.partners.create(staff, { code: `PROP_${partnerCounter}`, name: `Property partner ${partnerCounter}` });
      created.push(partner.id);
      await services.settlement.setAgreement(staff, partner.id, agreed);
      const context: ServiceContext = { identity: { kind: "partner", partnerId: partner.id, keyId: "property", scopes: partnerScopes }, requestId: null };
      partners.push({ id: partner.id, context, terms: agreed, firstAgreementAt: test.clock.now(), lines: [] });
    }
    const staffContext = { identity: { kind: "staff" as const, staffUserId: 1, role: "admin" as const }, requestId: null };
    const members: MemberModel[] = [];
    for (let index = 0; index < memberCount; index += 1) members.push({ id: (await test.createMember()).id, balance: 0, debt: 0 });
    const benefits: BenefitModel[] = [];
    for (const [index, spec] of benefitSpecs.entries()) {
      const partner = partners[spec.partner % partners.length];
      const validUntil = spec.validDays === null ? null : new Date(test.clock.now().getTime() + spec.validDays * 86_400_000);
      // Published by staff: only they set a coalition share (a partner's own benefits are its own to fund).
      const published = await services.partnerBenefits.publish(staffContext, partner.id, {
        code: `GIFT_${index}`,
        title: `Gift ${index}`,
        kind: "GIFT",
        valueFen: spec.valueFen,
        coalitionSharePercent: spec.sharePercent,
        stock: spec.stock,
        perMemberLimit: spec.perMemberLimit,
        eligibleTierCodes: spec.goldOnly ? ["GOLD"] : [],
        validUntil,
      });
      benefits.push({
        partner, id: published.id, valueFen: spec.valueFen, sharePercent: spec.sharePercent ?? partner.terms.benefitSharePercent, stock: spec.stock,
        perMemberLimit: spec.perMemberLimit, goldOnly: spec.goldOnly, validUntil, redeemed: 0, uses: new Map(),
      });
    }

    const orders: OrderModel[] = [];
    /** Commands that succeeded, to retry with their key. */
    const done: { run: () => Promise<unknown>; result: unknown }[] = [];
    const snapshots = new Map<number, StatementSnapshot>();
    const ours = new Set(partners.map((partner) => partner.id));

    /** Runs a command the model expects to succeed (`refusal` null) or to be refused with that code. */
    async function attempt<Result>(run: () => Promise<Result>, refusal: Refusal | null, onSuccess: (result: Result) => void): Promise<void> {
      const before = await fingerprint();
      let result: Result;
      try {
        result = await run();
      } catch (error) {
        if (!(error instanceof ClientError) || refusal === null) throw error;
        expect({ code: error.extensions.code, ...(refusal.reason ? { reason: error.extensions.reason } : {}) }).toEqual(refusal);
        // A refused command leaves nothing behind: no line, entry, redemption, stock change, key or audit entry.
        expect(await fingerprint()).toEqual(before);
        return;
      }
      if (refusal !== null) throw new Error(`expected ${JSON.stringify(refusal)} but the command succeeded with ${JSON.stringify(result)}`);
      onSuccess(result);
      done.push({ run, result });
    }

    /** Adds points the way the ledger does: debt from earlier claw-backs is paid off first. */
    function credit(member: MemberModel, points: number): void {
      const repaid = Math.min(points, member.debt);
      member.debt -= repaid;
      member.balance += points - repaid;
    }

    for (const step of commands) {
      const key = randomUUID();
      switch (step.kind) {
        case "earn": {
          const partner = partners[step.partner % partners.length];
          const member = members[step.member % members.length];
          const orderId = `O-${randomUUID()}`;
          const points = earnedPoints(step.amount, partner.terms.earnPointsPer100Yuan);
          const rate = partner.terms.issuedPointValue;
          await attempt(
            () => services.partnerPoints.earn(partner.context, partner.id, member.id, { orderId, amount: step.amount, storeCode: "STORE-1" }, key),
            null,
            (result) => {
              orders.push({ partner, member, orderId, amount: step.amount, refunded: 0, pointsEarned: points, issuedRate: rate });
              // An order that earns no points writes no entry and no line.
              if (points > 0) {
                credit(member, points);
                partner.lines.push({ kind: "POINTS_ISSUED", points, amount: hundredthsRounded(points * rate), rate });
              }
              expect({ balance: result.balance, debt: result.debt }).toEqual({ balance: member.balance, debt: member.debt });
            },
          );
          break;
        }
        case "refund": {
          if (orders.length === 0) break;
          const order = orders[step.order % orders.length];
          const left = order.amount - order.refunded;
          // Nothing left: 1 fen more than the order's amount, which is refused.
          const amount = left === 0 ? 1 : step.percent === 100 ? left : Math.max(1, Math.floor((left * step.percent) / 100));
          const refusal = amount > left ? { code: "BAD_USER_INPUT" } : null;
          await attempt(
            () => services.partnerPoints.refund(order.partner.context, order.partner.id, order.orderId, amount, key),
            refusal,
            (result) => {
              const points = clawedBackPoints(order, amount);
              // The order's points taken back by earlier refunds: the cumulative share of what it refunded so far.
              const reversedBefore = Math.floor((order.pointsEarned * order.refunded) / order.amount);
              order.refunded += amount;
              if (points > 0) {
                const fromBalance = Math.min(points, order.member.balance);
                order.member.balance -= fromBalance;
                order.member.debt += points - fromBalance;
                // Reversed at the rate the points were issued at, whatever the agreement says now; credited as the
                // difference of cumulative values, so all of an order's refunds together credit what the issue cost.
                const credit = hundredthsRounded((reversedBefore + points) * order.issuedRate) - hundredthsRounded(reversedBefore * order.issuedRate);
                order.partner.lines.push({ kind: "POINTS_ISSUE_REVERSED", points: -points, amount: negated(credit), rate: order.issuedRate });
              }
              expect({ balance: result.balance, debt: result.debt }).toEqual({ balance: order.member.balance, debt: order.member.debt });
            },
          );
          break;
        }
        case "redeemPoints": {
          const partner = partners[step.partner % partners.length];
          // A member with points if there is one: most redemptions should get as far as the ledger.
          const holders = members.filter((candidate) => candidate.balance > 0);
          const member = holders.length > 0 ? holders[step.member % holders.length] : members[step.member % members.length];
          const points = Math.max(1, Math.ceil((member.balance * step.percent) / 100));
          // A code spends once, and codes issued in one second are the same code: the app shows a new one a second on.
          test.clock.advance(1000);
          const code = services.partnerDirectory.issueMemberCode(member.id).code;
          const rate = partner.terms.redeemedPointValue;
          await attempt(
            () => services.partnerPoints.redeem(partner.context, partner.id, { memberCode: code, points, storeCode: "TILL-1", reference: `R-${key.slice(0, 8)}` }, key),
            points > member.balance ? { code: "INSUFFICIENT_POINTS" } : null,
            (result) => {
              member.balance -= points;
              // The coalition pays for spent points rounded down to the fen.
              partner.lines.push({ kind: "POINTS_REDEEMED", points, amount: negated(Math.floor((points * rate) / 100)), rate });
              expect(result.balance).toBe(member.balance);
            },
          );
          break;
        }
        case "redeemBenefit": {
          if (benefits.length === 0) break;
          const benefit = benefits[step.benefit % benefits.length];
          const member = members[step.member % members.length];
          const uses = benefit.uses.get(member.id) ?? 0;
          const now = test.clock.now();
          // In the order the service decides: the benefit as a whole first, then this member.
          const refusal: Refusal | null =
            benefit.validUntil !== null && now >= benefit.validUntil ? { code: "NOT_ELIGIBLE", reason: "EXPIRED" }
            : benefit.stock !== null && benefit.stock <= 0 ? { code: "OUT_OF_STOCK" }
            : benefit.goldOnly ? { code: "NOT_ELIGIBLE", reason: "TIER" }
            : uses >= benefit.perMemberLimit ? { code: "NOT_ELIGIBLE", reason: "LIMIT_REACHED" }
            : null;
          await attempt(
            () => services.partnerBenefits.redeem(benefit.partner.context, benefit.partner.id, member.id, benefit.id, "TILL-1", key),
            refusal,
            (result) => {
              const allowance = benefit.perMemberLimit - uses;
              expect(result.usesLeft).toBe((benefit.stock === null ? allowance : Math.min(allowance, benefit.stock)) - 1);
              benefit.uses.set(member.id, uses + 1);
              benefit.redeemed += 1;
              if (benefit.stock !== null) benefit.stock -= 1;
              benefit.partner.lines.push({ kind: "BENEFIT_REDEEMED", points: 0, amount: negated(hundredthsRounded(benefit.valueFen * benefit.sharePercent)), rate: benefit.sharePercent });
            },
          );
          break;
        }
        case "adjustment": {
          const partner = partners[step.partner % partners.length];
          await attempt(
            () => services.settlement.addAdjustment(staff, partner.id, step.amount, "Property correction", key),
            null,
            () => partner.lines.push({ kind: "ADJUSTMENT", points: 0, amount: step.amount, rate: null }),
          );
          break;
        }
        case "adjustPoints": {
          const member = members[step.member % members.length];
          await attempt(
            () => services.points.adjust(staff, { memberId: member.id, points: step.points, reason: "Property" }, key),
            step.points < 0 && -step.points > member.balance ? { code: "INSUFFICIENT_POINTS" } : null,
            () => {
              if (step.points > 0) credit(member, step.points);
              else member.balance += step.points;
            },
          );
          break;
        }
        case "newAgreement": {
          const partner = partners[step.partner % partners.length];
          await services.settlement.setAgreement(staff, partner.id, step.terms);
          partner.terms = step.terms;
          break;
        }
        case "retry": {
          if (done.length === 0) break;
          const earlier = done[step.index % done.length];
          const before = await fingerprint();
          // The first answer again, and nothing written: even after the member code expired, periods closed, the
          // agreement changed, or the stock or balance the command needed ran out.
          expect(await earlier.run()).toEqual(earlier.result);
          expect(await fingerprint()).toEqual(before);
          break;
        }
        case "advance":
          test.clock.advance(step.hours * 3_600_000);
          break;
        case "closeDue": {
          const closed = await services.settlement.closeDuePeriods(systemContext("settlement-property"));
          for (const statement of closed) if (ours.has(statement.partnerId)) snapshots.set(statement.id, await snapshot(statement.id));
          break;
        }
      }
    }

    // (a) The auditor's check finds nothing (nothing new, should an earlier run have failed).
    const report = await verifySettlement(dataSource, 10_000);
    expect(report.problems.filter((problem) => !knownProblems.has(problem))).toEqual([]);

    for (const partner of partners) {
      const lines = await dataSource.getRepository(SettlementLineRecord).find({ where: { partnerId: partner.id }, order: { id: "ASC" } });

      // (b) Closed and open together, the lines are the model's, in the order they were written...
      expect(lines.map(({ kind, points, amount, rate }) => ({ kind, points, amount, rate }))).toEqual(partner.lines);
      // ... so their sums are the model's, and the points agree with the partner's entries in the ledger.
      const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
      const pointsIssued = sum(lines.filter((line) => line.kind === "POINTS_ISSUED" || line.kind === "POINTS_ISSUE_REVERSED").map((line) => line.points));
      const pointsRedeemed = sum(lines.filter((line) => line.kind === "POINTS_REDEEMED").map((line) => line.points));
      const [ledger] = await dataSource.query(
        `SELECT COALESCE(SUM(CASE WHEN type = 'EARN' THEN amount WHEN type = 'CLAWBACK' THEN amount - debt_change ELSE 0 END), 0) AS issued,
                COALESCE(SUM(CASE WHEN type = 'REDEEM' THEN amount ELSE 0 END), 0) AS redeemed
           FROM point_entries WHERE partner_id = ?`,
        [partner.id],
      );
      expect(pointsIssued).toBe(Number(ledger.issued));
      expect(pointsRedeemed).toBe(negated(Number(ledger.redeemed)));
      expect(pointsIssued).toBe(sum(partner.lines.filter((line) => line.kind === "POINTS_ISSUED" || line.kind === "POINTS_ISSUE_REVERSED").map((line) => line.points)));
      expect(pointsRedeemed).toBe(sum(partner.lines.filter((line) => line.kind === "POINTS_REDEEMED").map((line) => line.points)));
      expect(sum(lines.map((line) => line.amount))).toBe(sum(partner.lines.map((line) => line.amount)));

      // (c) Every statement is the sum of its lines, holds the lines written in its period, and follows the one before.
      const statements = await dataSource.getRepository(SettlementStatementRecord).find({ where: { partnerId: partner.id }, order: { periodStart: "ASC" } });
      for (const [index, statement] of statements.entries()) {
        const held = lines.filter((line) => line.statementId === statement.id);
        const amounts = held.map((line) => line.amount);
        expect({
          pointsIssued: statement.pointsIssued,
          pointsRedeemed: statement.pointsRedeemed,
          benefitsRedeemed: statement.benefitsRedeemed,
          owedByPartner: statement.owedByPartner,
          owedToPartner: statement.owedToPartner,
          netAmount: statement.netAmount,
          lineCount: statement.lineCount,
        }).toEqual({
          pointsIssued: sum(held.filter((line) => line.kind === "POINTS_ISSUED" || line.kind === "POINTS_ISSUE_REVERSED").map((line) => line.points)),
          pointsRedeemed: sum(held.filter((line) => line.kind === "POINTS_REDEEMED").map((line) => line.points)),
          benefitsRedeemed: held.filter((line) => line.kind === "BENEFIT_REDEEMED").length,
          owedByPartner: sum(amounts.filter((amount) => amount > 0)),
          owedToPartner: negated(sum(amounts.filter((amount) => amount < 0))),
          netAmount: sum(amounts),
          lineCount: held.length,
        });
        expect(statement.periodStart.getTime()).toBeLessThan(statement.periodEnd.getTime());
        expect(statement.periodEnd.getTime()).toBeLessThanOrEqual(statement.closedAt.getTime());
        if (index === 0) {
          expect(statement.periodStart.getTime()).toBeLessThanOrEqual(partner.firstAgreementAt.getTime());
          expect(statement.periodEnd.getTime()).toBeGreaterThan(partner.firstAgreementAt.getTime());
        } else {
          expect(statement.periodStart).toEqual(statements[index - 1].periodEnd);
        }
        for (const line of held) {
          expect(line.createdAt.getTime()).toBeGreaterThanOrEqual(statement.periodStart.getTime());
          expect(line.createdAt.getTime()).toBeLessThan(statement.periodEnd.getTime());
        }
      }
      const lastEnd = statements.at(-1)?.periodEnd.getTime() ?? -Infinity;
      for (const line of lines.filter((candidate) => candidate.statementId === null)) expect(line.createdAt.getTime()).toBeGreaterThanOrEqual(lastEnd);
      expect(lines.every((line) => line.statementId === null || statements.some((statement) => statement.id === line.statementId))).toBe(true);
    }

    // (d) Statements closed earlier are as they were when they closed.
    for (const [statementId, closed] of snapshots) expect(await snapshot(statementId)).toEqual(closed);

    // The balances and benefit counts the model kept are the database's.
    for (const member of members) {
      const [account] = await dataSource.query(`SELECT balance, debt FROM point_accounts WHERE member_id = ?`, [member.id]);
      expect({ balance: Number(account.balance), debt: Number(account.debt) }).toEqual({ balance: member.balance, debt: member.debt });
    }
    for (const benefit of benefits) {
      const [row] = await dataSource.query(`SELECT stock, redeemed_count AS redeemed FROM partner_benefits WHERE id = ?`, [benefit.id]);
      expect({ stock: row.stock === null ? null : Number(row.stock), redeemed: Number(row.redeemed) }).toEqual({ stock: benefit.stock, redeemed: benefit.redeemed });
    }
  }

  /**
   * Takes a finished run's partners out of the statement job by deleting their agreements (nothing refers to them;
   * their lines and statements stay, and the verifier keeps checking them). Without this, every later run's
   * closeDuePeriods would close period after empty period for every partner of every earlier run as the clock moves
   * on, which made the suite three to four times slower on MariaDB.
   */
  async function retire(partnerIds: number[]): Promise<void> {
    if (partnerIds.length === 0) return;
    await test.application.database.dataSource.query(`DELETE FROM partner_agreements WHERE partner_id IN (${partnerIds.map(() => "?").join(", ")})`, partnerIds);
  }

  it("statements reconcile after random cross-brand activity", async () => {
    const property = fc.asyncProperty(scenario, async (value) => {
      const created: number[] = [];
      try {
        await runScenario(value, created);
      } catch (error) {
        // The runs fast-check tries next while shrinking are judged by the problems they add, not by this one's.
        knownProblems = new Set((await verifySettlement(test.application.database.dataSource, 10_000)).problems);
        throw error;
      } finally {
        await retire(created);
      }
    });
    await fc.assert(property, {
      // A run sets up its partners, members and benefits, then runs up to 40 commands (about 18 on average), each
      // checked against a fingerprint of the database, and verifies everything: about 0.1 s on SQLite and 0.2 s on
      // MariaDB. 20 runs keep the test to a few seconds per database; the example below, always tried first, has
      // every kind of command and refusal, and both changes of statement period.
      numRuns: 20,
      examples: [[{
        partners: [
          { earnPointsPer100Yuan: 100, issuedPointValue: 100, redeemedPointValue: 90, benefitSharePercent: 50, statementPeriod: "MONTHLY" },
          { earnPointsPer100Yuan: 250, issuedPointValue: 135, redeemedPointValue: 45, benefitSharePercent: 33, statementPeriod: "WEEKLY" },
        ],
        members: 2,
        benefits: [
          { partner: 0, valueFen: 2_001, sharePercent: null, stock: 1, perMemberLimit: 1, goldOnly: false, validDays: null },
          { partner: 1, valueFen: 999, sharePercent: 75, stock: null, perMemberLimit: 2, goldOnly: false, validDays: 10 },
          { partner: 1, valueFen: 5_000, sharePercent: 10, stock: 3, perMemberLimit: 1, goldOnly: true, validDays: null },
        ],
        commands: [
          { kind: "earn", partner: 0, member: 0, amount: 123_45 },
          { kind: "earn", partner: 1, member: 1, amount: 99_99 },
          { kind: "earn", partner: 0, member: 1, amount: 777_77 },
          { kind: "redeemPoints", partner: 1, member: 0, percent: 80 },
          { kind: "redeemPoints", partner: 0, member: 0, percent: 101 },
          { kind: "refund", order: 0, percent: 50 },
          { kind: "refund", order: 0, percent: 100 },
          { kind: "refund", order: 0, percent: 10 },
          { kind: "redeemBenefit", benefit: 0, member: 0 },
          { kind: "redeemBenefit", benefit: 0, member: 1 },
          { kind: "redeemBenefit", benefit: 1, member: 1 },
          { kind: "redeemBenefit", benefit: 2, member: 1 },
          { kind: "adjustment", partner: 1, amount: -321 },
          { kind: "adjustPoints", member: 1, points: -5_000 },
          { kind: "retry", index: 2 },
          { kind: "advance", hours: 7 * 24 },
          { kind: "closeDue" },
          { kind: "retry", index: 0 },
          { kind: "redeemBenefit", benefit: 1, member: 1 },
          { kind: "redeemBenefit", benefit: 1, member: 1 },
          { kind: "advance", hours: 3 * 7 * 24 },
          { kind: "redeemBenefit", benefit: 1, member: 0 },
          // Monthly to weekly, new rates: order 2, earned before, is reversed at the rate it was issued at.
          { kind: "newAgreement", partner: 0, terms: { earnPointsPer100Yuan: 40, issuedPointValue: 250, redeemedPointValue: 200, benefitSharePercent: 100, statementPeriod: "WEEKLY" } },
          { kind: "earn", partner: 0, member: 1, amount: 500_00 },
          { kind: "refund", order: 1, percent: 100 },
          { kind: "refund", order: 2, percent: 30 },
          { kind: "closeDue" },
          { kind: "refund", order: 3, percent: 30 },
          { kind: "advance", hours: 2 * 7 * 24 },
          { kind: "closeDue" },
          { kind: "retry", index: 1 },
          // Weekly to monthly.
          { kind: "newAgreement", partner: 1, terms: { earnPointsPer100Yuan: 500, issuedPointValue: 1, redeemedPointValue: 300, benefitSharePercent: 0, statementPeriod: "MONTHLY" } },
          { kind: "earn", partner: 1, member: 0, amount: 1_01 },
          { kind: "advance", hours: 5 * 7 * 24 },
          { kind: "closeDue" },
        ],
      }]],
    });
  }, 180_000);
});
