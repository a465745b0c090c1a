// `BENCH_ONLY=campaigns npm run bench`: a one-shot campaign to a 100,000-member segment, timed as the runner makes it
// (the audience enqueued, then every send delivered: guard rails, coupon, rendered message, webhook outbox, marked),
// beside a floor that writes the same rows with plain bulk SQL and no per-send logic. On SQLite (a copy of the
// scoring benchmark's cached database, kept in bench/.data) and, with MYSQL_URL set, on MariaDB/MySQL.
import { existsSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import Sqlite from "better-sqlite3";
import type { DataSource, EntityManager } from "typeorm";
import { ManualClock } from "../src/clock";
import { loadConfig, type Config, type DatabaseConfig } from "../src/config";
import { insertRows } from "../src/database/bulk-insert";
import { openDatabase, type Database } from "../src/database/data-source";
import { timeToDatabase } from "../src/database/raw-values";
import { isSqlite, runInTransaction } from "../src/database/transactions";
import { CampaignAssignmentRecord, CampaignRecord, CampaignSendRecord, CouponRecord, SegmentRecord, WebhookDeliveryRecord } from "../src/entities";
import { createEventBus } from "../src/events/event-bus";
import { PersonalDataCipher } from "../src/privacy/personal-data-cipher";
import { seedDemoData } from "../src/seed/demo-data";
import { createServices, type Services } from "../src/services";
import { CampaignAudience } from "../src/services/campaigns/campaign-audience";
import { CampaignDelivery } from "../src/services/campaigns/campaign-delivery";
import { CampaignRunner } from "../src/services/campaigns/campaign-runner";
import { PointsLedger } from "../src/services/points/points-ledger";
import type { ServiceContext } from "../src/services/service-context";
import { profileInProcess, type ProfileSummary } from "./cpu-profile";
import { mysqlDatabase } from "./databases";
import { seededBenchDatabase } from "./scoring";
import { secrets } from "./target-process";

export interface CampaignBenchSettings {
  /** Members of the demo database, all in the campaign's segment. */
  members: number;
  /** Members seeded on MariaDB/MySQL (a database kept on the server between runs). */
  mysqlMembers: number;
  rounds: number;
  seed: number;
}

export function campaignBenchSettings(environment: NodeJS.ProcessEnv): CampaignBenchSettings {
  const members = Number(environment.BENCH_CAMPAIGN_MEMBERS ?? 100_000);
  return { members, mysqlMembers: Number(environment.BENCH_CAMPAIGN_MYSQL_MEMBERS ?? members), rounds: Number(environment.BENCH_CAMPAIGN_ROUNDS ?? 3), seed: 1 };
}

export interface CampaignSide {
  /** Enqueuing the audience: assignments and PENDING sends, in chunks of CAMPAIGN_AUDIENCE_CHUNK. */
  enqueueSeconds: number[];
  /** Delivering every send, in batches of CAMPAIGN_BATCH_SIZE. */
  deliverySeconds: number[];
  /** The whole run, start to completion. */
  totalSeconds: number[];
  /** SQL statements the whole run sent. */
  statements: number[];
}

export interface CampaignDatabaseResults {
  label: string;
  serverVersion: string;
  members: number;
  /** Sends made in each run (every member of the segment). */
  sends: number;
  chunkSize: number;
  batchSize: number;
  /** Preparing the database (copy or seed, migrations, consent, segment, endpoint); null when it was ready. */
  prepareSeconds: number | null;
  run: CampaignSide;
  floor: CampaignSide;
  /** A CPU profile of one more run (untimed: the profiler slows it). */
  profile: ProfileSummary;
}

export interface CampaignBenchResults {
  databases: CampaignDatabaseResults[];
  clock: Date;
  message: string;
}

const admin: ServiceContext = { identity: { kind: "staff", staffUserId: 1, role: "admin" }, requestId: null };
const segmentCode = "BENCH_EVERYONE";
const message = "{{name}}，您的{{tier}}会员专享券 {{couponCode}} 已到账，当前积分 {{points}}";
const day = 86_400_000;

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** 12:00 today in the programme's time zone: outside quiet hours, so no send is postponed. */
function middayToday(utcOffsetMinutes: number): Date {
  const offset = utcOffsetMinutes * 60_000;
  return new Date(Math.floor((Date.now() + offset) / day) * day + 12 * 3_600_000 - offset);
}

function benchConfig(database: DatabaseConfig): Config {
  return { ...loadConfig({ NODE_ENV: "production", ...secrets, LOG_LEVEL: "silent" }), database };
}

/**
 * What every run needs, made once and kept: every member consents to app push, an ad-hoc segment every member
 * matches (tier rank ≥ 0), and one active CAMPAIGN_MESSAGE endpoint, so the outbox write is part of each send
 * (never called: the benchmark runs no dispatcher).
 */
async function prepareContents(dataSource: DataSource, services: Services): Promise<SegmentRecord> {
  await dataSource.query("UPDATE members SET consent_app_push = 1 WHERE consent_app_push <> 1");
  let segment = await dataSource.getRepository(SegmentRecord).findOneBy({ code: segmentCode });
  if (segment === null) {
    segment = await services.segmentDefinitions.createAdHocSegment(admin, { code: segmentCode, name: "全体会员", nameEn: "Every member", rule: { field: "tierRank", op: "gte", value: 0 } });
  }
  const endpoints = await services.webhooks.subscribers(dataSource.manager, "CAMPAIGN_MESSAGE");
  if (endpoints.length === 0) await services.webhooks.createEndpoint(admin, { url: "https://gateway.example.com/campaign-messages", eventTypes: ["CAMPAIGN_MESSAGE"], schemeId: null });
  return segment;
}

/** Empties what a campaign writes (untimed), so every round starts from the same tables. */
async function resetCampaignTables(dataSource: DataSource): Promise<void> {
  await dataSource.query("DELETE FROM webhook_deliveries WHERE event_type = 'CAMPAIGN_MESSAGE'");
  await dataSource.query("DELETE FROM coupons");
  await dataSource.query("DELETE FROM campaign_sends");
  await dataSource.query("DELETE FROM campaign_assignments");
  await dataSource.query("DELETE FROM campaigns");
  if (isSqlite(dataSource)) await dataSource.query("PRAGMA wal_checkpoint(TRUNCATE)");
}

/** The campaign of one round, created and scheduled (untimed); its code decides nothing with one variant and no control. */
async function scheduledCampaign(services: Services, segment: SegmentRecord, code: string): Promise<CampaignRecord> {
  const campaign = await services.campaigns.create(admin, {
    code,
    name: "基准测试",
    channel: "APP_PUSH",
    trigger: { kind: "ONE_SHOT" },
    target: { segmentIds: [segment.id] },
    variants: [{ code: "A", message, couponValue: 1_000, couponValidDays: 30 }],
    budget: 10_000_000_000,
  });
  return services.campaigns.act(admin, campaign.id, "SCHEDULE");
}

/** The rows one run wrote that the floor writes again: in send (= member) order. */
interface CapturedRun {
  messages: string[];
  costs: number[];
  couponCodes: string[];
  couponValue: number;
  couponValidUntil: Date;
  eventIds: string[];
  payloads: string[];
}

async function captureRun(dataSource: DataSource, campaignId: number): Promise<CapturedRun> {
  const sends: { message: string; cost: number | string }[] = await dataSource.query("SELECT message, cost FROM campaign_sends WHERE campaign_id = ? ORDER BY id", [campaignId]);
  const coupons = await dataSource.getRepository(CouponRecord).find({ where: { campaignId }, order: { id: "ASC" } });
  const deliveries: { event_id: string; payload: string }[] = await dataSource.query("SELECT event_id, payload FROM webhook_deliveries WHERE event_type = 'CAMPAIGN_MESSAGE' ORDER BY id");
  return {
    messages: sends.map((send) => send.message),
    costs: sends.map((send) => Number(send.cost)),
    couponCodes: coupons.map((coupon) => coupon.code),
    couponValue: coupons[0]?.value ?? 0,
    couponValidUntil: coupons[0]?.validUntil ?? new Date(0),
    eventIds: deliveries.map((delivery) => delivery.event_id),
    payloads: deliveries.map((delivery) => delivery.payload),
  };
}

/** Multi-row INSERT of whole rows that updates `updated` where the id exists: one statement for a batch of updates. */
async function updateRows<Entity extends object>(manager: EntityManager, entity: new () => Entity, rows: Entity[], updated: (keyof Entity & string)[]): Promise<void> {
  const { driver } = manager.connection;
  const metadata = manager.connection.getMetadata(entity);
  const names = updated.map((property) => driver.escape(metadata.findColumnWithPropertyName(property)!.databaseName));
  const key = driver.escape(metadata.primaryColumns[0].databaseName);
  const columns = metadata.columns;
  const parameters = rows.flatMap((row) => columns.map((column) => driver.preparePersistentValue(column.getEntityValue(row) ?? null, column)));
  const values = rows.map(() => `(${columns.map(() => "?").join(", ")})`).join(", ");
  const onConflict = isSqlite(manager.connection)
    ? ` ON CONFLICT(${key}) DO UPDATE SET ${names.map((name) => `${name} = excluded.${name}`).join(", ")}`
    : ` ON DUPLICATE KEY UPDATE ${names.map((name) => `${name} = VALUES(${name})`).join(", ")}`;
  await manager.query(`INSERT INTO ${driver.escape(metadata.tableName)} (${columns.map((column) => driver.escape(column.databaseName)).join(", ")}) VALUES ${values}${onConflict}`, parameters);
}

/**
 * The floor: the rows a run writes, written with plain bulk SQL in the run's transactions (a chunk of the audience,
 * a batch of sends), with no per-send logic: the members read by id (no segment filter), their assignments and
 * PENDING sends inserted; then per batch the coupons and the webhook deliveries inserted and the sends set to SENT
 * with their messages, one statement each. Ids are given, so nothing is read back. Messages, coupon codes and
 * payloads are those the measured run wrote (captured beforehand): the floor does not render or serialise.
 */
async function floorRun(dataSource: DataSource, config: Config, campaign: CampaignRecord, captured: CapturedRun, now: Date): Promise<{ enqueueSeconds: number; deliverySeconds: number }> {
  const { audienceChunkSize, batchSize } = config.campaigns;
  const maxId = async (table: string) => Number((await dataSource.query(`SELECT COALESCE(MAX(id), 0) AS id FROM ${table}`))[0].id);
  await dataSource.query("UPDATE campaigns SET state = 'RUNNING' WHERE id = ?", [campaign.id]);
  const sends: CampaignSendRecord[] = [];
  let nextSendId = (await maxId("campaign_sends")) + 1;
  const enqueueSeconds = await timed(async () => {
    for (let afterMemberId = 0; ; ) {
      const done = await runInTransaction(dataSource, async (manager) => {
        const rows: { id: number | string }[] = await manager.query(`SELECT id FROM members WHERE id > ? ORDER BY id LIMIT ${audienceChunkSize}`, [afterMemberId]);
        if (rows.length === 0) return true;
        const memberIds = rows.map((row) => Number(row.id));
        afterMemberId = memberIds[memberIds.length - 1];
        await insertRows(manager, CampaignAssignmentRecord, memberIds.map((memberId) => ({ campaignId: campaign.id, memberId, variant: "A", assignedAt: now })));
        const chunk = memberIds.map((memberId): CampaignSendRecord => ({
          id: nextSendId++, campaignId: campaign.id, step: 0, memberId, variant: "A", channel: campaign.channel, status: "PENDING", skipReason: null, dueAt: now, message: null, cost: 0, couponId: null, sentAt: null, createdAt: now,
        }));
        await insertRows(manager, CampaignSendRecord, chunk);
        sends.push(...chunk);
        return false;
      });
      if (done) return;
    }
  });
  if (sends.length !== captured.messages.length) throw new Error(`The floor enqueued ${sends.length} sends, the run ${captured.messages.length}.`);
  const [endpoint] = await dataSource.query("SELECT id FROM webhook_endpoints WHERE active = 1 ORDER BY id LIMIT 1");
  let nextCouponId = (await maxId("coupons")) + 1;
  const deliverySeconds = await timed(async () => {
    let spent = 0;
    for (let start = 0; start < sends.length; start += batchSize) {
      const batch = sends.slice(start, start + batchSize);
      await runInTransaction(dataSource, async (manager) => {
        const coupons: CouponRecord[] = batch.map((send, offset) => ({
          id: nextCouponId++, code: captured.couponCodes[start + offset], campaignId: campaign.id, challengeId: null, memberId: send.memberId, value: captured.couponValue, validFrom: now, validUntil: captured.couponValidUntil, redeemedAt: null, createdAt: now,
        }));
        await insertRows(manager, CouponRecord, coupons);
        batch.forEach((send, offset) => {
          Object.assign(send, { status: "SENT", message: captured.messages[start + offset], cost: captured.costs[start + offset], couponId: coupons[offset].id, sentAt: now });
          spent += send.cost;
        });
        await updateRows(manager, CampaignSendRecord, batch, ["status", "message", "cost", "couponId", "sentAt"]);
        await manager.query("UPDATE campaigns SET spent = ?, updated_at = ? WHERE id = ?", [spent, timeToDatabase(dataSource, now), campaign.id]);
        const deliveries: Omit<WebhookDeliveryRecord, "id">[] = batch.map((_, offset) => ({
          endpointId: Number(endpoint.id), eventType: "CAMPAIGN_MESSAGE", eventId: captured.eventIds[start + offset], payload: captured.payloads[start + offset], status: "PENDING", attempts: 0, nextAttemptAt: now,
          lastAttemptAt: null, lastResponseStatus: null, lastError: null, deliveredAt: null, createdAt: now,
        }));
        await insertRows(manager, WebhookDeliveryRecord, deliveries);
      });
    }
  });
  await dataSource.getRepository(CampaignRecord).update({ id: campaign.id }, { state: "COMPLETED", audienceEnqueuedAt: now, updatedAt: now });
  return { enqueueSeconds, deliverySeconds };
}

/** The campaign as the runner makes it (`runUntilIdle`), its audience chunks and delivery batches timed apart. */
async function serviceRun(dataSource: DataSource, services: Services, config: Config, clock: ManualClock): Promise<{ enqueueSeconds: number; deliverySeconds: number; totalSeconds: number }> {
  const audience = new CampaignAudience(dataSource, services.segmentAnalysis, config.campaigns);
  const delivery = new CampaignDelivery(dataSource, clock, new PointsLedger(config.programme), services.webhooks, createEventBus(), config.campaigns);
  let enqueueSeconds = 0;
  let deliverySeconds = 0;
  const timedAudience: CampaignAudience = Object.create(audience);
  timedAudience.enqueueNextChunk = async (campaign, now) => {
    let members = 0;
    enqueueSeconds += await timed(async () => (members = await audience.enqueueNextChunk(campaign, now)));
    return members;
  };
  const timedDelivery: CampaignDelivery = Object.create(delivery);
  timedDelivery.deliverDue = async () => {
    let result = { sent: 0, skipped: 0, postponed: 0 };
    deliverySeconds += await timed(async () => (result = await delivery.deliverDue()));
    return result;
  };
  const totalSeconds = await timed(() => new CampaignRunner(dataSource, clock, timedAudience, timedDelivery, config.campaigns.utcOffsetMinutes).runUntilIdle());
  return { enqueueSeconds, deliverySeconds, totalSeconds };
}

/** Every member assigned once, sent once, with one coupon and one webhook delivery: the side did all its work. */
async function checkComplete(dataSource: DataSource, campaignId: number, members: number, side: string): Promise<void> {
  const count = async (sql: string) => Number((await dataSource.query(sql, [campaignId]))[0].n);
  const found = {
    assignments: await count("SELECT COUNT(*) AS n FROM campaign_assignments WHERE campaign_id = ?"),
    sent: await count("SELECT COUNT(*) AS n FROM campaign_sends WHERE campaign_id = ? AND status = 'SENT'"),
    coupons: await count("SELECT COUNT(*) AS n FROM coupons WHERE campaign_id = ?"),
    deliveries: await count("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE event_type = 'CAMPAIGN_MESSAGE' AND ? > 0"),
    completed: await count("SELECT COUNT(*) AS n FROM campaigns WHERE id = ? AND state = 'COMPLETED'"),
  };
  const expected = { assignments: members, sent: members, coupons: members, deliveries: members, completed: 1 };
  if (JSON.stringify(found) !== JSON.stringify(expected)) throw new Error(`campaigns: the ${side} wrote ${JSON.stringify(found)}, expected ${JSON.stringify(expected)}`);
}

async function benchmarkDatabase(
  label: string,
  serverVersion: string,
  database: Database,
  config: Config,
  settings: CampaignBenchSettings,
  prepareSeconds: number | null,
  log: (line: string) => void,
): Promise<CampaignDatabaseResults> {
  const { dataSource, queryCounter } = database;
  const clock = new ManualClock(middayToday(config.programme.utcOffsetMinutes));
  const services = createServices({ dataSource, clock, config, events: createEventBus(), signInCodeSender: { send: async () => undefined } });
  const segment = await prepareContents(dataSource, services);
  const members = Number((await dataSource.query("SELECT COUNT(*) AS n FROM members"))[0].n);
  let campaigns = 0;
  const nextCampaign = async () => {
    await resetCampaignTables(dataSource);
    campaigns += 1;
    return scheduledCampaign(services, segment, `BENCH-${campaigns}`);
  };
  const run = { enqueueSeconds: [], deliverySeconds: [], totalSeconds: [], statements: [] } as CampaignSide;
  const floor = { enqueueSeconds: [], deliverySeconds: [], totalSeconds: [], statements: [] } as CampaignSide;

  // One untimed run first: it warms the page cache and writes the rows the floor writes again.
  let campaign = await nextCampaign();
  await serviceRun(dataSource, services, config, clock);
  await checkComplete(dataSource, campaign.id, members, "warm-up run");
  const captured = await captureRun(dataSource, campaign.id);

  const runOnce = async () => {
    campaign = await nextCampaign();
    const before = queryCounter.statements;
    const measured = await serviceRun(dataSource, services, config, clock);
    run.statements.push(queryCounter.statements - before);
    await checkComplete(dataSource, campaign.id, members, "run");
    run.enqueueSeconds.push(measured.enqueueSeconds);
    run.deliverySeconds.push(measured.deliverySeconds);
    run.totalSeconds.push(measured.totalSeconds);
  };
  const floorOnce = async () => {
    campaign = await nextCampaign();
    const before = queryCounter.statements;
    let measured = { enqueueSeconds: 0, deliverySeconds: 0 };
    const total = await timed(async () => (measured = await floorRun(dataSource, config, campaign, captured, clock.now())));
    floor.statements.push(queryCounter.statements - before);
    await checkComplete(dataSource, campaign.id, members, "floor");
    floor.enqueueSeconds.push(measured.enqueueSeconds);
    floor.deliverySeconds.push(measured.deliverySeconds);
    floor.totalSeconds.push(total);
  };
  // Alternated, so drift of the machine falls on both sides alike.
  for (let round = 0; round < settings.rounds; round += 1) {
    if (round % 2 === 0) {
      await runOnce();
      await floorOnce();
    } else {
      await floorOnce();
      await runOnce();
    }
    const rate = (seconds: number) => Math.round(members / seconds).toLocaleString("en-US");
    log(
      `campaigns: ${label} round ${round + 1}: run ${run.totalSeconds[round].toFixed(1)} s (enqueue ${run.enqueueSeconds[round].toFixed(1)} s, delivery ${run.deliverySeconds[round].toFixed(1)} s; ${rate(run.totalSeconds[round])} sends/s), ` +
        `floor ${floor.totalSeconds[round].toFixed(1)} s (${floor.enqueueSeconds[round].toFixed(1)} + ${floor.deliverySeconds[round].toFixed(1)} s; ${rate(floor.totalSeconds[round])} sends/s)`,
    );
  }
  await nextCampaign();
  const profile = await profileInProcess(() => serviceRun(dataSource, services, config, clock));
  await resetCampaignTables(dataSource);
  return { label, serverVersion, members, sends: members, chunkSize: config.campaigns.audienceChunkSize, batchSize: config.campaigns.batchSize, prepareSeconds, run, floor, profile };
}

/**
 * SQLite: the scoring benchmark's database of `members` members (seeded when missing), copied once to
 * bench/.data/campaigns-<members>-seed<seed>.sqlite with the later migrations, consent, segment and endpoint; the
 * runs only ever write campaign tables, emptied between rounds.
 */
async function benchmarkSqlite(settings: CampaignBenchSettings, log: (line: string) => void): Promise<CampaignDatabaseResults> {
  const source = await seededBenchDatabase(settings.members, settings.seed, (line) => log(`campaigns: ${line}`));
  const file = path.join(path.dirname(source.file), `campaigns-${settings.members}-seed${settings.seed}.sqlite`);
  const config = benchConfig({ type: "sqlite", path: file });
  let prepareSeconds: number | null = null;
  if (!existsSync(file)) {
    log(`campaigns: copying ${source.file} to ${file}`);
    const partial = `${file}.partial`;
    rmSync(partial, { force: true });
    prepareSeconds = await timed(async () => {
      // SQLite's online backup: a consistent copy even if another process has the source open.
      const copy = new Sqlite(source.file, { readonly: true });
      try {
        await copy.backup(partial);
      } finally {
        copy.close();
      }
      const database = await openDatabase({ type: "sqlite", path: partial });
      try {
        const services = createServices({ dataSource: database.dataSource, clock: new ManualClock(new Date()), config, events: createEventBus(), signInCodeSender: { send: async () => undefined } });
        await prepareContents(database.dataSource, services);
        await database.dataSource.query("PRAGMA wal_checkpoint(TRUNCATE)");
      } finally {
        await database.dataSource.destroy();
      }
      renameSync(partial, file);
    });
    log(`campaigns: prepared in ${prepareSeconds.toFixed(1)} s`);
  }
  const database = await openDatabase(config.database);
  try {
    const version = String((await database.dataSource.query("SELECT sqlite_version() AS version"))[0].version);
    return await benchmarkDatabase("SQLite", `SQLite ${version} (better-sqlite3, WAL)`, database, config, settings, prepareSeconds, log);
  } finally {
    await database.dataSource.destroy();
  }
}

/** MariaDB/MySQL: a database on the MYSQL_URL server, seeded with the demo data and kept between runs (seeding takes minutes). */
async function benchmarkMysql(mysqlUrl: string, settings: CampaignBenchSettings, log: (line: string) => void): Promise<CampaignDatabaseResults> {
  const server = await mysqlDatabase(mysqlUrl, `loyalty_bench_campaigns_${settings.mysqlMembers}_seed${settings.seed}`);
  const config = benchConfig(server.config);
  const database = await openDatabase(server.config);
  try {
    const { dataSource } = database;
    let prepareSeconds: number | null = null;
    const [{ n: present }] = await dataSource.query("SELECT COUNT(*) AS n FROM members");
    if (Number(present) < settings.mysqlMembers) {
      log(`campaigns: ${server.label}: seeding ${settings.mysqlMembers.toLocaleString("en-US")} members into ${server.config.type === "mysql" ? server.config.database : ""}`);
      prepareSeconds = await timed(() =>
        seedDemoData(dataSource, {
          members: settings.mysqlMembers - Number(present), seed: settings.seed, clock: { now: () => new Date() }, cipher: new PersonalDataCipher(config.personalDataKey), withDemoStaff: false, batchSize: 2_000,
        }),
      );
      log(`campaigns: ${server.label}: seeded in ${prepareSeconds.toFixed(1)} s`);
    }
    return await benchmarkDatabase(server.label, server.serverVersion, database, config, { ...settings, members: settings.mysqlMembers }, prepareSeconds, log);
  } finally {
    await database.dataSource.destroy();
  }
}

export async function benchmarkCampaigns(settings: CampaignBenchSettings, mysqlUrl: string | undefined, log: (line: string) => void): Promise<CampaignBenchResults> {
  const databases = [await benchmarkSqlite(settings, log)];
  if (mysqlUrl) databases.push(await benchmarkMysql(mysqlUrl, settings, log));
  return { databases, clock: middayToday(loadConfig({ NODE_ENV: "production", ...secrets }).programme.utcOffsetMinutes), message };
}
