// Points operations per second over GraphQL with many concurrent clients, beside the same commands called
// in-process on the same services (no HTTP, no GraphQL): the baseline that shows what the API layer costs.
// Afterwards the ledger must verify: no balance below zero, none different from the sum of its entries.
import { randomUUID } from "node:crypto";
import autocannon from "autocannon";
import { TokenService } from "../src/auth/tokens";
import { systemClock } from "../src/clock";
import { loadConfig } from "../src/config";
import { openDatabase } from "../src/database/data-source";
import { createEventBus } from "../src/events/event-bus";
import { ClientError } from "../src/errors";
import { MemberRecord } from "../src/entities";
import { PersonalDataCipher } from "../src/privacy/personal-data-cipher";
import { seedDemoData } from "../src/seed/demo-data";
import { createServices, type Services } from "../src/services";
import { verifyLedger, type LedgerReport } from "../src/services/points/ledger-verifier";
import { systemContext, type ServiceContext } from "../src/services/service-context";
import type { BenchDatabase } from "./databases";
import { secrets, startTarget } from "./target-process";

export interface PointsBenchSettings {
  members: number;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  rounds: number;
}

export interface PointsMeasurement {
  /** Commands answered per second: committed ones and those refused for lack of points. */
  operationsPerSecond: number;
  committedPerSecond: number;
  latencyMedianMilliseconds: number;
  latencyP99Milliseconds: number;
  refused: number;
}

export interface PointsBenchResults {
  label: string;
  serverVersion: string;
  api: PointsMeasurement[];
  inProcess: PointsMeasurement[];
  ledger: LedgerReport;
  startingBalance: number;
}

const startingBalance = 1_000;
const redeemPoints = 100;

type Command = { kind: "purchase"; memberId: number; orderId: string; amount: number } | { kind: "redeem"; memberId: number };

/** Half purchases (order, points by the rules, tier check), half redemptions, on random members. */
function commandSource(memberIds: number[]): () => Command {
  let count = 0;
  const run = randomUUID().slice(0, 8);
  return () => {
    count += 1;
    const memberId = memberIds[Math.floor(Math.random() * memberIds.length)];
    if (count % 2 === 0) return { kind: "redeem", memberId };
    return { kind: "purchase", memberId, orderId: `BENCH-${run}-${count}`, amount: 5_000 + Math.floor(Math.random() * 45_000) };
  };
}

const earnMutation = `mutation ($input: EarnPointsInput!, $key: String!) { earnPoints(input: $input, idempotencyKey: $key) { balance } }`;
const redeemMutation = `mutation ($input: RedeemPointsInput!, $key: String!) { redeemPoints(input: $input, idempotencyKey: $key) { balance } }`;

function graphqlBody(command: Command): string {
  const memberId = Buffer.from(`Member:${command.memberId}`).toString("base64url");
  const key = randomUUID();
  if (command.kind === "redeem") return JSON.stringify({ query: redeemMutation, variables: { key, input: { memberId, points: redeemPoints, reason: "Benchmark redemption", storeCode: "BENCH-2" } } });
  const purchase = { orderId: command.orderId, amount: command.amount, category: "FOOD", channel: "APP", storeCode: "BENCH-1" };
  return JSON.stringify({ query: earnMutation, variables: { key, input: { memberId, purchase } } });
}

function runCommand(services: Services, context: ServiceContext, command: Command) {
  if (command.kind === "redeem") return services.points.redeem(context, { memberId: command.memberId, points: redeemPoints, reason: "Benchmark redemption", storeCode: "BENCH-2" }, randomUUID());
  const purchase = { orderId: command.orderId, amount: command.amount, category: "FOOD", channel: "APP" as const, storeCode: "BENCH-1" };
  return services.points.earn(context, { memberId: command.memberId, purchase }, randomUUID());
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

/** `connections` workers call the services directly, each waiting for its command before the next. */
async function inProcessLoad(services: Services, context: ServiceContext, next: () => Command, seconds: number, connections: number): Promise<PointsMeasurement> {
  const deadline = Date.now() + seconds * 1000;
  const latencies: number[] = [];
  let refused = 0;
  const worker = async () => {
    while (Date.now() < deadline) {
      const started = performance.now();
      try {
        await runCommand(services, context, next());
      } catch (error) {
        if (!(error instanceof ClientError && error.extensions.code === "INSUFFICIENT_POINTS")) throw error;
        refused += 1;
      }
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  latencies.sort((a, b) => a - b);
  return {
    operationsPerSecond: latencies.length / seconds,
    committedPerSecond: (latencies.length - refused) / seconds,
    latencyMedianMilliseconds: percentile(latencies, 0.5),
    latencyP99Milliseconds: percentile(latencies, 0.99),
    refused,
  };
}

async function apiLoad(url: string, token: string, next: () => Command, seconds: number, connections: number): Promise<PointsMeasurement> {
  let refused = 0;
  let answered = 0;
  const failures: string[] = [];
  const result = await autocannon({
    url,
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    connections,
    duration: seconds,
    requests: [
      {
        setupRequest: (request) => ({ ...request, body: graphqlBody(next()) }),
        onResponse: (_status, body) => {
          answered += 1;
          const parsed = JSON.parse(body) as { errors?: { message: string; extensions?: { code?: string } }[] };
          const code = parsed.errors?.[0]?.extensions?.code;
          if (code === "INSUFFICIENT_POINTS") refused += 1;
          else if (parsed.errors) failures.push(`${code}: ${parsed.errors[0].message}`);
        },
      },
    ],
  });
  if (result.errors > 0 || result.non2xx > 0 || failures.length > 0) {
    throw new Error(`points API: ${result.errors} errors, ${result.non2xx} non-2xx, ${failures.length} GraphQL errors under load, e.g. ${failures[0] ?? ""}`);
  }
  return {
    operationsPerSecond: answered / seconds,
    committedPerSecond: (answered - refused) / seconds,
    latencyMedianMilliseconds: result.latency.p50,
    latencyP99Milliseconds: result.latency.p99,
    refused,
  };
}

export async function benchmarkPoints(database: BenchDatabase, settings: PointsBenchSettings, log: (line: string) => void): Promise<PointsBenchResults> {
  const config = loadConfig({ ...process.env, ...secrets, NODE_ENV: "production", DEMO_MEMBERS: "0" });
  const { dataSource } = await openDatabase(database.config);
  const services = createServices({ dataSource, clock: systemClock, config: { ...config, database: database.config }, events: createEventBus(), signInCodeSender: { send: async () => undefined } });
  try {
    if ((await dataSource.getRepository(MemberRecord).count()) < settings.members) {
      log(`${database.label}: seeding ${settings.members} members for the points benchmark`);
      await seedDemoData(dataSource, { members: settings.members, seed: 2, clock: systemClock, cipher: new PersonalDataCipher(secrets.PERSONAL_DATA_KEY), withDemoStaff: false });
    }
    const members = await dataSource.getRepository(MemberRecord).find({ select: { id: true }, order: { id: "ASC" }, take: settings.members });
    const memberIds = members.map((member) => member.id);
    const operator = await services.staff.findOrCreateForRole(systemContext("bench"), "operator");
    const context: ServiceContext = { identity: { kind: "staff", staffUserId: operator.id, role: "operator" }, requestId: null };
    for (let start = 0; start < memberIds.length; start += 50) {
      await Promise.all(memberIds.slice(start, start + 50).map((memberId) => services.points.earn(context, { memberId, points: startingBalance, source: "CAMPAIGN", reason: "Benchmark starting balance" }, randomUUID())));
    }
    const tokens = new TokenService(secrets.JWT_SECRET, { member: 3600, staff: 3600 });
    const token = (await tokens.issue({ kind: "staff", staffUserId: operator.id, role: "operator" }, new Date())).token;

    const next = commandSource(memberIds);
    // The server runs only while it is measured: on SQLite two processes writing one file would fight over it.
    const measureApi = async (seconds: number) => {
      const target = await startTarget("graphql", database.url);
      try {
        await apiLoad(target.url, token, next, settings.warmupSeconds, settings.connections);
        return await apiLoad(target.url, token, next, seconds, settings.connections);
      } finally {
        await target.stop();
      }
    };
    const api: PointsMeasurement[] = [];
    const inProcess: PointsMeasurement[] = [];
    await inProcessLoad(services, context, next, settings.warmupSeconds, settings.connections);
    for (let round = 0; round < settings.rounds; round += 1) {
      // Alternate which goes first, so drift does not favour one side.
      const order = round % 2 === 0 ? ["api", "in-process"] : ["in-process", "api"];
      for (const side of order) {
        const measured = side === "api" ? await measureApi(settings.seconds) : await inProcessLoad(services, context, next, settings.seconds, settings.connections);
        (side === "api" ? api : inProcess).push(measured);
        log(`  points round ${round + 1} ${side.padEnd(10)} ${Math.round(measured.operationsPerSecond)} ops/s (${Math.round(measured.committedPerSecond)} committed), p50 ${measured.latencyMedianMilliseconds.toFixed(1)} ms`);
      }
    }
    const ledger = await verifyLedger(dataSource);
    return { label: database.label, serverVersion: database.serverVersion, api, inProcess, ledger, startingBalance };
  } finally {
    await dataSource.destroy();
  }
}
