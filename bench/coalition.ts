// `BENCH_ONLY=coalition npm run bench`: the partner coalition, on SQLite and (with MYSQL_URL set) on MariaDB/MySQL.
// 1. Till throughput: partners' tills over HTTP with an API key, each operation a look-up of a member by the code
//    their app shows (with the partner's benefits and the member's eligibility) and then earnPartnerPoints for an
//    order, from N concurrent clients; beside the same service calls made in-process (no HTTP, GraphQL or key check).
// 2. Closing a period: SettlementService.closePeriod over a month of 100,000 settlement lines for one partner, beside
//    a floor of bare SQL doing the same work (insert the statement, assign the lines, one grouped sum, update it).
// Afterwards the settlement must verify against the ledger (verifySettlement) and the ledger itself (verifyLedger).
import { randomUUID } from "node:crypto";
import http from "node:http";
import os from "node:os";
import type { DataSource } from "typeorm";
import { partnerScopes, type PartnerScope } from "../src/auth/permissions";
import { ManualClock, systemClock } from "../src/clock";
import { loadConfig, type Config } from "../src/config";
import { insertRows } from "../src/database/bulk-insert";
import { openDatabase, type Database } from "../src/database/data-source";
import { numberFromDatabase, timeToDatabase } from "../src/database/raw-values";
import { isSqlite, runInTransaction } from "../src/database/transactions";
import { benefitShareInFen, partnerEarnPoints, statementPeriodContaining, statementTotals } from "../src/engine";
import { MemberPartnerGrantRecord, MemberRecord, PartnerBenefitRedemptionRecord, SettlementLineRecord, SettlementStatementRecord, type PartnerGrantField } from "../src/entities";
import { createEventBus } from "../src/events/event-bus";
import { createLoaders } from "../src/loaders/create-loaders";
import { PersonalDataCipher } from "../src/privacy/personal-data-cipher";
import { seedDemoData } from "../src/seed/demo-data";
import { createServices, type Services } from "../src/services";
import { verifySettlement, type SettlementReport } from "../src/services/coalition/settlement-verifier";
import { verifyLedger, type LedgerReport } from "../src/services/points/ledger-verifier";
import { systemContext, type ServiceContext } from "../src/services/service-context";
import type { BenchDatabase } from "./databases";
import { secrets, startTarget } from "./target-process";

export interface CoalitionBenchSettings {
  /** Demo members in the database (seeded fresh for each run). */
  members: number;
  /** Concurrent tills, over HTTP and in-process alike. */
  connections: number;
  warmupSeconds: number;
  /** Each measured phase of the till load. */
  seconds: number;
  rounds: number;
  /** Settlement lines in the month the closing benchmark closes. */
  closingLines: number;
  /** Of those, lines written by real partner commands (earns, point redemptions, benefit redemptions); the rest are bulk-inserted. */
  closingCommandLines: number;
  closeRounds: number;
  /** Given to the benchmark's API keys, so a per-key rate limit never throttles the load generator. */
  keyRequestsPerMinute: number;
  seed: number;
}

export function coalitionBenchSettings(environment: NodeJS.ProcessEnv): CoalitionBenchSettings {
  const number = (name: string, fallback: number) => Number(environment[name] ?? fallback);
  return {
    members: number("BENCH_COALITION_MEMBERS", 10_000),
    connections: number("BENCH_COALITION_CONNECTIONS", 10),
    warmupSeconds: number("BENCH_COALITION_WARMUP_SECONDS", 2),
    seconds: number("BENCH_COALITION_SECONDS", 6),
    rounds: number("BENCH_COALITION_ROUNDS", 2),
    closingLines: number("BENCH_COALITION_LINES", 100_000),
    closingCommandLines: number("BENCH_COALITION_COMMAND_LINES", 3_000),
    closeRounds: number("BENCH_COALITION_CLOSE_ROUNDS", 3),
    keyRequestsPerMinute: number("BENCH_COALITION_KEY_REQUESTS_PER_MINUTE", 1_000_000),
    seed: 3,
  };
}

export interface TillMeasurement {
  /** Whole operations (look-up, then earn) per second. */
  operationsPerSecond: number;
  latencyMedianMilliseconds: number;
  latencyP99Milliseconds: number;
  lookupMedianMilliseconds: number;
  earnMedianMilliseconds: number;
}

export interface ClosingResults {
  lines: number;
  commandLines: number;
  bulkBenefitLines: number;
  bulkAdjustmentLines: number;
  prepareSeconds: number;
  period: string;
  serviceSeconds: number[];
  floorSeconds: number[];
  /** SQL statements one closePeriod sent. */
  serviceStatements: number;
  floorStatements: number;
  totals: ReturnType<typeof statementTotals>;
  /** After each closePeriod (untimed): what its read of the statement's lines as entities takes alone. */
  lineLoadSeconds: number[];
}

export interface CoalitionDatabaseResults {
  label: string;
  serverVersion: string;
  members: number;
  seedSeconds: number;
  tillPartners: number;
  benefitsPerPartner: number;
  api: TillMeasurement[];
  inProcess: TillMeasurement[];
  statementsPerOperation: { api: number; inProcess: number };
  /** Operations completed over the whole till benchmark (warm-ups and counting included), and the POINTS_ISSUED lines the till partners have afterwards. */
  tillOperations: number;
  tillLines: number;
  closing: ClosingResults;
  settlement: SettlementReport;
  ledger: LedgerReport;
  /** The machine's one-minute load average when this database's run began and ended: other work on the cores shows here. */
  loadAverage: { start: number; end: number };
}

const lookupQuery = `query ($lookup: PartnerMemberLookupInput!) { partnerMember(lookup: $lookup) { partnerMemberId grantedFields tier { code } pointsBalance benefits { eligible usesLeft refusal benefit { code } } } }`;
const earnMutation = `mutation ($input: EarnPartnerPointsInput!) { earnPartnerPoints(input: $input) { partnerMemberId points pointsBalance } }`;

interface TillPartner {
  id: number;
  code: string;
  authorization: string;
  earnPointsPer100Yuan: number;
  context: ServiceContext;
}

interface TillOperation {
  partner: TillPartner;
  memberId: number;
  orderId: string;
  amount: number;
}

/** What a till does with the answers: the look-up names the member, the earn is for that member and at the agreed rate. */
function checkOperation(operation: TillOperation, lookup: { partnerMemberId: string }, earned: { partnerMemberId: string; points: number }): void {
  const expected = partnerEarnPoints(operation.amount, operation.partner.earnPointsPer100Yuan);
  if (earned.partnerMemberId !== lookup.partnerMemberId || earned.points !== expected) {
    throw new Error(`till operation at ${operation.partner.code} for member ${operation.memberId}: earned ${JSON.stringify(earned)}, expected ${expected} points for ${lookup.partnerMemberId}`);
  }
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

/** `connections` workers, each waiting for its operation before starting the next, until the deadline; those under way then finish. */
async function runLoad(connections: number, seconds: number, next: () => TillOperation, perform: (operation: TillOperation) => Promise<{ lookupMilliseconds: number }>): Promise<TillMeasurement & { operations: number }> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const total: number[] = [];
  const lookups: number[] = [];
  const earns: number[] = [];
  const worker = async () => {
    while (performance.now() < deadline) {
      const begun = performance.now();
      const { lookupMilliseconds } = await perform(next());
      const elapsed = performance.now() - begun;
      total.push(elapsed);
      lookups.push(lookupMilliseconds);
      earns.push(elapsed - lookupMilliseconds);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsedSeconds = (performance.now() - started) / 1000;
  for (const list of [total, lookups, earns]) list.sort((a, b) => a - b);
  return {
    operations: total.length,
    operationsPerSecond: total.length / elapsedSeconds,
    latencyMedianMilliseconds: percentile(total, 0.5),
    latencyP99Milliseconds: percentile(total, 0.99),
    lookupMedianMilliseconds: percentile(lookups, 0.5),
    earnMedianMilliseconds: percentile(earns, 0.5),
  };
}

function postJson(agent: http.Agent, url: URL, authorization: string, payload: unknown): Promise<{ data?: Record<string, unknown>; errors?: { message: string; extensions?: { code?: string } }[] }> {
  const body = JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    const request = http.request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), authorization } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (response.statusCode !== 200) reject(new Error(`HTTP ${response.statusCode}: ${text.slice(0, 300)}`));
          else resolve(JSON.parse(text));
        });
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

/** One till operation over HTTP: the look-up by the scanned code, then the earn for the partner's id of the member. */
async function apiOperation(agent: http.Agent, url: URL, services: Services, operation: TillOperation): Promise<{ lookupMilliseconds: number }> {
  const { partner } = operation;
  const begun = performance.now();
  const found = await postJson(agent, url, partner.authorization, { query: lookupQuery, variables: { lookup: { memberCode: services.partnerDirectory.issueMemberCode(operation.memberId).code } } });
  const lookupMilliseconds = performance.now() - begun;
  if (found.errors) throw new Error(`partnerMember over HTTP: ${JSON.stringify(found.errors)}`);
  const member = found.data!.partnerMember as { partnerMemberId: string };
  const input = { member: { partnerMemberId: member.partnerMemberId }, orderId: operation.orderId, amount: operation.amount, storeCode: `${partner.code}-01`, idempotencyKey: randomUUID() };
  const earned = await postJson(agent, url, partner.authorization, { query: earnMutation, variables: { input } });
  if (earned.errors) throw new Error(`earnPartnerPoints over HTTP: ${JSON.stringify(earned.errors)}`);
  checkOperation(operation, member, earned.data!.earnPartnerPoints as { partnerMemberId: string; points: number });
  return { lookupMilliseconds };
}

/**
 * The same operation on the services, making the calls the resolvers make for the fields the till asks for (the
 * look-up, the grant, the member and its tier, the balance when granted, the offers; then the look-up by partner id,
 * the earn, its entries, the partner's id and the grant for the payload), with fresh DataLoaders per request as the
 * server has. Missing: HTTP, GraphQL parsing, validation and execution, the API key check and the request log.
 */
async function inProcessOperation(dataSource: DataSource, services: Services, operation: TillOperation): Promise<{ lookupMilliseconds: number }> {
  const { partner } = operation;
  const begun = performance.now();
  const lookupLoaders = createLoaders(dataSource);
  const reference = await services.partnerDirectory.lookup(partner.id, { memberCode: services.partnerDirectory.issueMemberCode(operation.memberId).code });
  const fields = (await services.partnerGrants.fieldsGranted(partner.id, reference.memberId)) ?? [];
  const [tier, balance, offers] = await Promise.all([
    services.members.findById(reference.memberId).then((member) => lookupLoaders.tierById.load(member!.tierId)),
    fields.includes("POINTS_BALANCE") ? lookupLoaders.pointAccountByMemberId.load(reference.memberId).then((account) => account?.balance ?? 0) : null,
    services.partnerBenefits.offers(partner.id, reference.memberId),
  ]);
  if (!tier || offers.length === 0 || (balance !== null && balance < 0)) throw new Error(`in-process look-up of member ${operation.memberId}: no tier or no offers`);
  const lookupMilliseconds = performance.now() - begun;

  const again = await services.partnerDirectory.lookup(partner.id, { partnerMemberId: reference.partnerMemberId });
  const result = await services.partnerPoints.earn(partner.context, partner.id, again.memberId, { orderId: operation.orderId, amount: operation.amount, storeCode: `${partner.code}-01` }, randomUUID());
  const [entries, earnedReference] = await Promise.all([services.pointsReader.findEntries(result.entryIds), services.partnerDirectory.referenceFor(partner.id, result.memberId), services.partnerGrants.fieldsGranted(partner.id, result.memberId)]);
  const points = entries.filter((entry) => entry.type === "EARN").reduce((sum, entry) => sum + Math.abs(entry.amount - entry.debtChange), 0);
  checkOperation(operation, reference, { partnerMemberId: earnedReference.partnerMemberId, points });
  return { lookupMilliseconds };
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Runs `count` calls of `work`, `concurrency` at a time. */
async function inParallel(count: number, concurrency: number, work: (index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

function benchConfig(database: BenchDatabase): Config {
  return { ...loadConfig({ NODE_ENV: "production", ...secrets, LOG_LEVEL: "silent", DEMO_MEMBERS: "0" }), database: database.config };
}

const allScopes = [...partnerScopes] as PartnerScope[];

/**
 * Two partners with agreements (different earning rates), three benefits each (one for everyone, one for gold and
 * diamond members, one with a small stock) and a key with every scope whose rate limit is `keyRequestsPerMinute`; a
 * share of the members grant each partner their balance and name, so some look-ups read the balance.
 */
async function prepareTillPartners(dataSource: DataSource, services: Services, admin: ServiceContext, memberIds: number[], settings: CoalitionBenchSettings): Promise<TillPartner[]> {
  const partners: TillPartner[] = [];
  for (const [index, terms] of [
    { code: "BENCH_COFFEE", earnPointsPer100Yuan: 100, issuedPointValue: 100, redeemedPointValue: 90, benefitSharePercent: 50 },
    { code: "BENCH_BOOKS", earnPointsPer100Yuan: 200, issuedPointValue: 80, redeemedPointValue: 80, benefitSharePercent: 30 },
  ].entries()) {
    const partner = await services.partners.create(admin, { code: terms.code, name: terms.code });
    await services.settlement.setAgreement(admin, partner.id, { ...terms, statementPeriod: "MONTHLY" });
    const context: ServiceContext = { identity: { kind: "partner", partnerId: partner.id, keyId: "in-process", scopes: allScopes }, requestId: null };
    await services.partnerBenefits.publish(context, partner.id, { code: "WELCOME", title: "Welcome gift", kind: "GIFT", valueFen: 1_000 });
    await services.partnerBenefits.publish(context, partner.id, { code: "GOLD_DISCOUNT", title: "10% off for gold and diamond", kind: "DISCOUNT", valueFen: 2_000, perMemberLimit: 5, eligibleTierCodes: ["GOLD", "DIAMOND"] });
    await services.partnerBenefits.publish(context, partner.id, { code: "LIMITED", title: "Limited edition", kind: "GIFT", valueFen: 5_000, stock: 100 });
    const issued = await services.partners.issueApiKey(admin, partner.id, allScopes);
    // The column exists already; the rate limiter that reads it arrives with the partner-keys branch.
    await dataSource.query("UPDATE partner_api_keys SET requests_per_minute = ? WHERE key_id = ?", [settings.keyRequestsPerMinute, issued.record.keyId]);
    const now = new Date();
    const fields: PartnerGrantField[] = ["POINTS_BALANCE", "NAME"];
    const granted = memberIds.filter((memberId) => memberId % 10 < (index === 0 ? 3 : 1));
    await insertRows(dataSource.manager, MemberPartnerGrantRecord, granted.map((memberId) => ({ memberId, partnerId: partner.id, fields, grantedAt: now, updatedAt: now })));
    partners.push({ id: partner.id, code: terms.code, authorization: `ApiKey ${issued.key}`, earnPointsPer100Yuan: terms.earnPointsPer100Yuan, context });
  }
  return partners;
}

/**
 * A month of settlement for one partner, the month before this one (ended, not yet closed): `closingCommandLines`
 * lines from real commands on services whose clock is in that month (earns at its till, point redemptions by members
 * who earned there, benefit redemptions, a few staff adjustments), then bulk rows up to `closingLines`: nine in ten
 * benefit redemptions (a redemption row and its line, the amount at the benefit's share, the benefit's count raised
 * to match), one in ten staff adjustments. verifySettlement checks every one of those: the command lines against the
 * ledger, every benefit line against its redemption and rate, and the statement's totals against its lines. Bulk
 * points lines were not made: each would need a ledger entry, a lot and the account's balance to stay verifiable.
 */
async function prepareClosingMonth(dataSource: DataSource, config: Config, admin: ServiceContext, memberIds: number[], settings: CoalitionBenchSettings, log: (line: string) => void) {
  const offset = config.programme.utcOffsetMinutes;
  const thisMonth = statementPeriodContaining(new Date(), "MONTHLY", offset);
  const clock = new ManualClock(new Date(thisMonth.start.getTime() - 20 * 86_400_000));
  const period = statementPeriodContaining(clock.now(), "MONTHLY", offset);
  const services = createServices({ dataSource, clock, config, events: createEventBus(), signInCodeSender: { send: async () => undefined } });
  const partner = await services.partners.create(admin, { code: "BENCH_MONTH_END", name: "BENCH_MONTH_END" });
  await services.settlement.setAgreement(admin, partner.id, { earnPointsPer100Yuan: 100, issuedPointValue: 100, redeemedPointValue: 90, benefitSharePercent: 50, statementPeriod: "MONTHLY" });
  const context: ServiceContext = { identity: { kind: "partner", partnerId: partner.id, keyId: "in-process", scopes: allScopes }, requestId: null };
  // Co-funded, so staff publish it: a partner's own benefits cost the coalition nothing.
  const benefit = await services.partnerBenefits.publish(admin, partner.id, { code: "MONTH_GIFT", title: "Monthly gift", kind: "GIFT", valueFen: 1_500, perMemberLimit: 1_000, coalitionSharePercent: 40 });

  const commands = Math.min(settings.closingCommandLines, settings.closingLines);
  const earns = Math.ceil(commands * 0.7);
  const redemptions = Math.floor(commands * 0.15);
  const adjustments = Math.min(10, commands - earns - redemptions);
  const benefitRedemptions = commands - earns - redemptions - adjustments;
  const earners: number[] = [];
  const tick = () => clock.advance(100);
  await inParallel(earns, 10, async (index) => {
    tick();
    const memberId = memberIds[(index * 7919) % memberIds.length];
    await services.partnerPoints.earn(context, partner.id, memberId, { orderId: `MONTH-${index}`, amount: 5_000 + ((index * 104_729) % 45_000), storeCode: "MONTH-01" }, randomUUID());
    earners.push(memberId);
  });
  const spenders = [...new Set(earners)];
  await inParallel(redemptions, 10, async (index) => {
    // A second on for each: a member code spends once, and codes issued within one second are the same code.
    clock.advance(1_000);
    const memberId = spenders[index % spenders.length];
    await services.partnerPoints.redeem(context, partner.id, { memberCode: services.partnerDirectory.issueMemberCode(memberId).code, points: 20, storeCode: "MONTH-01", reference: `R-${index}` }, randomUUID());
  });
  await inParallel(benefitRedemptions, 10, async (index) => {
    tick();
    await services.partnerBenefits.redeem(context, partner.id, memberIds[(index * 31) % memberIds.length], benefit.id, "MONTH-01", randomUUID());
  });
  for (let index = 0; index < adjustments; index += 1) {
    tick();
    await services.settlement.addAdjustment(admin, partner.id, (index % 2 === 0 ? 1 : -1) * (1_000 + index), `Benchmark correction ${index}`, randomUUID());
  }
  const commandLines = numberFromDatabase((await dataSource.query("SELECT COUNT(*) AS n FROM settlement_lines WHERE partner_id = ?", [partner.id]))[0].n);
  if (commandLines !== commands) throw new Error(`the month-end partner's commands wrote ${commandLines} lines, expected ${commands}`);

  // Bulk rows, spread over the rest of the month, in order of time.
  const bulk = settings.closingLines - commandLines;
  const from = clock.now().getTime();
  const span = period.end.getTime() - 60_000 - from;
  const [{ id: lastRedemptionId }] = await dataSource.query("SELECT COALESCE(MAX(id), 0) AS id FROM partner_benefit_redemptions");
  let redemptionId = numberFromDatabase(lastRedemptionId);
  const amount = -benefitShareInFen(benefit.valueFen, benefit.coalitionSharePercent);
  const chunk = 5_000;
  for (let start = 0; start < bulk; start += chunk) {
    const redemptions: object[] = [];
    const lines: object[] = [];
    for (let index = start; index < Math.min(bulk, start + chunk); index += 1) {
      const createdAt = new Date(from + Math.floor((span * (index + 1)) / (bulk + 1)));
      if (index % 10 === 9) {
        lines.push({ partnerId: partner.id, kind: "ADJUSTMENT", points: 0, amount: index % 20 === 9 ? 2_500 : -1_200, rate: null, pointEntryId: null, benefitRedemptionId: null, reference: null, note: "Benchmark bulk correction", statementId: null, createdAt });
        continue;
      }
      redemptionId += 1;
      const memberId = memberIds[index % memberIds.length];
      redemptions.push({ id: redemptionId, benefitId: benefit.id, partnerId: partner.id, memberId, storeCode: "MONTH-02", redeemedAt: createdAt });
      lines.push({ partnerId: partner.id, kind: "BENEFIT_REDEEMED", points: 0, amount, rate: benefit.coalitionSharePercent, pointEntryId: null, benefitRedemptionId: redemptionId, reference: benefit.code, note: null, statementId: null, createdAt });
    }
    await runInTransaction(dataSource, async (manager) => {
      await insertRows(manager, PartnerBenefitRedemptionRecord, redemptions);
      await insertRows(manager, SettlementLineRecord, lines);
      await manager.query("UPDATE partner_benefits SET redeemed_count = redeemed_count + ? WHERE id = ?", [redemptions.length, benefit.id]);
    });
  }
  const counts: { kind: string; n: number | string }[] = await dataSource.query("SELECT kind, COUNT(*) AS n FROM settlement_lines WHERE partner_id = ? GROUP BY kind", [partner.id]);
  const byKind = new Map(counts.map((row) => [row.kind, numberFromDatabase(row.n)]));
  const total = [...byKind.values()].reduce((sum, value) => sum + value, 0);
  if (total !== settings.closingLines) throw new Error(`the month-end partner has ${total} lines, expected ${settings.closingLines}`);
  log(`  month to close: ${[...byKind].map(([kind, n]) => `${n} ${kind}`).join(", ")}`);
  return { partnerId: partner.id, period, commandLines, bulkBenefitLines: byKind.get("BENEFIT_REDEEMED")! - benefitRedemptions, bulkAdjustmentLines: byKind.get("ADJUSTMENT")! - adjustments };
}

type Totals = ReturnType<typeof statementTotals>;

/**
 * The floor of closing a period: the statement row, the lines assigned with one UPDATE, the totals from one grouped
 * sum, the statement updated; in one transaction, through the same connection pool, nothing else.
 */
async function floorClose(dataSource: DataSource, partnerId: number, period: { start: Date; end: Date }): Promise<number> {
  return runInTransaction(dataSource, async (manager) => {
    const time = (instant: Date) => timeToDatabase(dataSource, instant);
    const insert = `INSERT INTO settlement_statements (partner_id, period_start, period_end, points_issued, points_redeemed, benefits_redeemed, owed_by_partner, owed_to_partner, net_amount, line_count, closed_at, closed_by)
      VALUES (?, ?, ?, 0, 0, 0, 0, 0, 0, 0, ?, 'bench:floor')`;
    const parameters = [partnerId, time(period.start), time(period.end), time(new Date())];
    const statementId = isSqlite(dataSource) ? numberFromDatabase((await manager.query(`${insert} RETURNING id`, parameters))[0].id) : numberFromDatabase((await manager.query(insert, parameters)).insertId);
    await manager.query("UPDATE settlement_lines SET statement_id = ? WHERE partner_id = ? AND statement_id IS NULL AND created_at < ?", [statementId, partnerId, time(period.end)]);
    const groups: Record<string, string | number>[] = await manager.query(
      `SELECT kind, COUNT(*) AS line_count, SUM(points) AS points, SUM(CASE WHEN amount > 0 THEN amount ELSE 0 END) AS owed_by, SUM(CASE WHEN amount < 0 THEN -amount ELSE 0 END) AS owed_to
         FROM settlement_lines WHERE partner_id = ? AND statement_id = ? GROUP BY kind`,
      [partnerId, statementId],
    );
    const totals: Totals = { pointsIssued: 0, pointsRedeemed: 0, benefitsRedeemed: 0, owedByPartner: 0, owedToPartner: 0, netAmount: 0, lineCount: 0 };
    for (const group of groups) {
      const count = numberFromDatabase(group.line_count);
      if (group.kind === "POINTS_ISSUED" || group.kind === "POINTS_ISSUE_REVERSED") totals.pointsIssued += numberFromDatabase(group.points);
      if (group.kind === "POINTS_REDEEMED") totals.pointsRedeemed += numberFromDatabase(group.points);
      if (group.kind === "BENEFIT_REDEEMED") totals.benefitsRedeemed += count;
      totals.owedByPartner += numberFromDatabase(group.owed_by);
      totals.owedToPartner += numberFromDatabase(group.owed_to);
      totals.lineCount += count;
    }
    totals.netAmount = totals.owedByPartner - totals.owedToPartner;
    await manager.query(
      "UPDATE settlement_statements SET points_issued = ?, points_redeemed = ?, benefits_redeemed = ?, owed_by_partner = ?, owed_to_partner = ?, net_amount = ?, line_count = ? WHERE id = ?",
      [totals.pointsIssued, totals.pointsRedeemed, totals.benefitsRedeemed, totals.owedByPartner, totals.owedToPartner, totals.netAmount, totals.lineCount, statementId],
    );
    return statementId;
  });
}

/** Opens the period again (untimed): the lines leave the statement and the statement goes. */
async function reopen(dataSource: DataSource, partnerId: number, statementId: number): Promise<void> {
  await runInTransaction(dataSource, async (manager) => {
    await manager.query("UPDATE settlement_lines SET statement_id = NULL WHERE partner_id = ? AND statement_id = ?", [partnerId, statementId]);
    await manager.query("DELETE FROM settlement_statements WHERE id = ?", [statementId]);
  });
  if (isSqlite(dataSource)) await dataSource.query("PRAGMA wal_checkpoint(TRUNCATE)");
}

async function statementTotalsOf(dataSource: DataSource, statementId: number): Promise<Totals> {
  const statement = await dataSource.getRepository(SettlementStatementRecord).findOneByOrFail({ id: statementId });
  const { pointsIssued, pointsRedeemed, benefitsRedeemed, owedByPartner, owedToPartner, netAmount, lineCount } = statement;
  return { pointsIssued, pointsRedeemed, benefitsRedeemed, owedByPartner, owedToPartner, netAmount, lineCount };
}

type ClosingMonth = Awaited<ReturnType<typeof prepareClosingMonth>> & { prepareSeconds: number };

async function benchmarkClosing(database: Database, services: Services, admin: ServiceContext, month: ClosingMonth, settings: CoalitionBenchSettings, log: (line: string) => void): Promise<ClosingResults> {
  const { dataSource, queryCounter } = database;
  const { partnerId, period, prepareSeconds } = month;
  const open = await services.settlement.openPeriod(partnerId);
  if (!open || open.label !== period.label) throw new Error(`the month-end partner's open period is ${open?.label}, expected ${period.label}`);
  const { partnerId: _partnerId, start: _start, end: _end, label: _label, ...expected } = open;
  const check = async (side: string, statementId: number) => {
    const totals = await statementTotalsOf(dataSource, statementId);
    if (JSON.stringify(totals) !== JSON.stringify(expected)) throw new Error(`${side}'s statement ${JSON.stringify(totals)} differs from the open period's totals ${JSON.stringify(expected)}`);
  };
  const serviceClose = async () => (await services.settlement.closePeriod(admin, partnerId)).id;

  const serviceSeconds: number[] = [];
  const floorSeconds: number[] = [];
  let serviceStatements = 0;
  let floorStatements = 0;
  const lineLoadSeconds: number[] = [];
  let last: { side: "service" | "floor"; statementId: number } | null = null;
  for (let round = 0; round < settings.closeRounds; round += 1) {
    // Alternate which goes first, so the page cache and drift do not favour one side.
    const order: ("service" | "floor")[] = round % 2 === 0 ? ["floor", "service"] : ["service", "floor"];
    for (const side of order) {
      if (last) await reopen(dataSource, partnerId, last.statementId);
      let statementId = 0;
      const before = queryCounter.statements;
      const seconds = await timed(async () => {
        statementId = side === "service" ? await serviceClose() : await floorClose(dataSource, partnerId, period);
      });
      const statements = queryCounter.statements - before;
      if (side === "service") {
        serviceSeconds.push(seconds);
        serviceStatements = statements;
      } else {
        floorSeconds.push(seconds);
        floorStatements = statements;
      }
      await check(side, statementId);
      if (side === "service") lineLoadSeconds.push(await timed(() => dataSource.getRepository(SettlementLineRecord).findBy({ statementId })));
      last = { side, statementId };
    }
    log(`  closing round ${round + 1}: closePeriod ${serviceSeconds[round].toFixed(2)} s, floor ${floorSeconds[round].toFixed(2)} s`);
  }
  // What stays is a statement the service closed, for verifySettlement to check.
  if (last && last.side === "floor") {
    await reopen(dataSource, partnerId, last.statementId);
    await check("service", await serviceClose());
  }
  return {
    lines: settings.closingLines,
    commandLines: month.commandLines,
    bulkBenefitLines: month.bulkBenefitLines,
    bulkAdjustmentLines: month.bulkAdjustmentLines,
    prepareSeconds,
    period: period.label,
    serviceSeconds,
    floorSeconds,
    serviceStatements,
    floorStatements,
    totals: expected,
    lineLoadSeconds,
  };
}

export async function benchmarkCoalition(database: BenchDatabase, settings: CoalitionBenchSettings, log: (line: string) => void): Promise<CoalitionDatabaseResults> {
  const loadAtStart = os.loadavg()[0];
  const config = benchConfig(database);
  const opened = await openDatabase(database.config);
  const { dataSource, queryCounter } = opened;
  const services = createServices({ dataSource, clock: systemClock, config, events: createEventBus(), signInCodeSender: { send: async () => undefined } });
  try {
    log(`${database.label}: seeding ${settings.members.toLocaleString("en-US")} members for the coalition benchmark`);
    const seedSeconds = await timed(() => seedDemoData(dataSource, { members: settings.members, seed: settings.seed, clock: systemClock, cipher: new PersonalDataCipher(secrets.PERSONAL_DATA_KEY), withDemoStaff: false, batchSize: 2_000 }));
    log(`  seeded in ${seedSeconds.toFixed(1)} s`);
    const memberIds = (await dataSource.getRepository(MemberRecord).find({ select: { id: true }, order: { id: "ASC" } })).map((member) => member.id);
    const operator = await services.staff.findOrCreateForRole(systemContext("bench"), "admin");
    const admin: ServiceContext = { identity: { kind: "staff", staffUserId: operator.id, role: "admin" }, requestId: null };

    // The month to close is written first: its commands run on a clock in last month, before this month's tills.
    let month!: ClosingMonth;
    const monthSeconds = await timed(async () => {
      month = { ...(await prepareClosingMonth(dataSource, config, admin, memberIds, settings, log)), prepareSeconds: 0 };
    });
    month.prepareSeconds = monthSeconds;
    log(`  month to close prepared in ${monthSeconds.toFixed(1)} s`);
    const partners = await prepareTillPartners(dataSource, services, admin, memberIds, settings);

    const run = randomUUID().slice(0, 8);
    let count = 0;
    const next = (): TillOperation => {
      count += 1;
      return { partner: partners[count % partners.length], memberId: memberIds[Math.floor(Math.random() * memberIds.length)], orderId: `T-${run}-${count}`, amount: 5_000 + Math.floor(Math.random() * 45_000) };
    };
    let tillOperations = 0;
    const inProcessLoad = async (seconds: number) => {
      const measured = await runLoad(settings.connections, seconds, next, (operation) => inProcessOperation(dataSource, services, operation));
      tillOperations += measured.operations;
      return measured;
    };
    // The server runs only while it is measured: on SQLite two processes writing one file would fight over it.
    // REDIS_URL is left out: the server publishes on its in-process bus, as the in-process side does.
    const withServer = async <Result>(work: (url: URL, agent: http.Agent, statements: () => Promise<number>) => Promise<Result>): Promise<Result> => {
      const target = await startTarget("graphql", database.url, { REDIS_URL: undefined });
      const agent = new http.Agent({ keepAlive: true, maxSockets: settings.connections });
      try {
        return await work(new URL(target.url), agent, () => target.statements());
      } finally {
        agent.destroy();
        await target.stop();
      }
    };
    const apiLoad = (url: URL, agent: http.Agent, seconds: number) =>
      runLoad(settings.connections, seconds, next, (operation) => apiOperation(agent, url, services, operation)).then((measured) => {
        tillOperations += measured.operations;
        return measured;
      });

    // Statements per operation, counted over sequential operations.
    const counted = 50;
    const statementsPerOperation = { api: 0, inProcess: 0 };
    const before = queryCounter.statements;
    for (let index = 0; index < counted; index += 1) await inProcessOperation(dataSource, services, next());
    tillOperations += counted;
    statementsPerOperation.inProcess = (queryCounter.statements - before) / counted;
    await withServer(async (url, agent, statements) => {
      const start = await statements();
      for (let index = 0; index < counted; index += 1) await apiOperation(agent, url, services, next());
      tillOperations += counted;
      statementsPerOperation.api = ((await statements()) - start) / counted;
    });

    const api: TillMeasurement[] = [];
    const inProcess: TillMeasurement[] = [];
    await inProcessLoad(settings.warmupSeconds);
    for (let round = 0; round < settings.rounds; round += 1) {
      const order = round % 2 === 0 ? ["api", "in-process"] : ["in-process", "api"];
      for (const side of order) {
        const measured =
          side === "api"
            ? await withServer(async (url, agent) => {
                await apiLoad(url, agent, settings.warmupSeconds);
                return apiLoad(url, agent, settings.seconds);
              })
            : await inProcessLoad(settings.seconds);
        (side === "api" ? api : inProcess).push(measured);
        log(`  till round ${round + 1} ${side.padEnd(10)} ${Math.round(measured.operationsPerSecond)} ops/s, p50 ${measured.latencyMedianMilliseconds.toFixed(1)} ms, p99 ${measured.latencyP99Milliseconds.toFixed(1)} ms`);
      }
    }
    const [{ n: tillLines }] = await dataSource.query(`SELECT COUNT(*) AS n FROM settlement_lines WHERE kind = 'POINTS_ISSUED' AND partner_id IN (${partners.map(() => "?").join(", ")})`, partners.map((partner) => partner.id));

    const closing = await benchmarkClosing(opened, services, admin, month, settings, log);
    log(`  verifying the settlement and the ledger`);
    const settlement = await verifySettlement(dataSource);
    const ledger = await verifyLedger(dataSource);
    return {
      label: database.label,
      serverVersion: database.serverVersion,
      members: memberIds.length,
      seedSeconds,
      tillPartners: partners.length,
      benefitsPerPartner: 3,
      api,
      inProcess,
      statementsPerOperation,
      tillOperations,
      tillLines: numberFromDatabase(tillLines),
      closing,
      settlement,
      ledger,
      loadAverage: { start: loadAtStart, end: os.loadavg()[0] },
    };
  } finally {
    await dataSource.destroy();
  }
}
