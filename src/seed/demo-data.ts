// Writes deterministic demo data: staff users of each role, a rewards catalogue and N members with their orders,
// points ledgers and tier histories, in batches, with progress.
import { runInTransaction } from "../database/transactions";
import { seedDemoPartners } from "./demo-partners";
import { In, type DataSource, type EntityManager } from "typeorm";
import { hashPassword } from "../auth/passwords";
import { staffRoles } from "../auth/permissions";
import type { Clock } from "../clock";
import { defaultProgrammeSettings, type ProgrammeSettings } from "../config";
import { insertRows } from "../database/bulk-insert";
import { BehaviourEventRecord, MemberAggregateRecord, MemberDailyActivityRecord, MemberRecord, OrderRecord, PointAccountRecord, PointEntryRecord, PointLotRecord, RewardRecord, StaffUserRecord, TierChangeRecord, TierRecord } from "../entities";
import type { PersonalDataCipher } from "../privacy/personal-data-cipher";
import { maskEmail } from "../privacy/personal-data-format";
import { phoneColumns } from "../services/member-input";
import { TierService } from "../services/tier-service";
import { simulateDemoBehaviour, type DemoBehaviour } from "./demo-behaviour";
import { simulateDemoLedger, type IdSequences } from "./demo-ledger";
import { defaultScoringSettings } from "../engine/scoring/types";
import { demoMemberProfile } from "./demo-members";
import { randomFor } from "../engine/random";
import { addBulkMembersToKpiFacts } from "../services/analytics/kpi-facts-rebuild";
import { localDayNumber } from "../engine";
import { memberPointsChanges, pointsGroupsText, pointsMeasure, sumPointsChanges, type KpiGroups, type PointsChange } from "../engine/analytics";
import { appendDailyChanges } from "../services/analytics/kpi-daily-sums";
import { tierPopulationChanges } from "../services/analytics/tier-population";
import { recordPointChanges } from "../services/analytics/kpi-points-facts";

/** Known only to local and demo installations; documented in the README. */
export const demoStaffPassword = "loyalty-demo-password";

export interface SeedOptions {
  members: number;
  seed: number;
  clock: Clock;
  cipher: PersonalDataCipher;
  /** Members per transaction; each table's INSERTs are split to stay under SQLite's 32,766 bound values. */
  batchSize?: number;
  /** Demo staff have a published password: never create them in production. Default true. */
  withDemoStaff?: boolean;
  /** The rules the demo ledgers follow; the defaults unless the server runs with other settings. */
  programme?: ProgrammeSettings;
  /** The RFM window the aggregates' window columns sum over; the scoring settings' default unless given. */
  scoringWindowDays?: number;
  onProgress?: (inserted: number, total: number) => void;
}

export interface SeedResult {
  membersInserted: number;
  /** Generated phones that were already taken (by a real sign-up or an earlier seed): skipped, not overwritten. */
  membersSkipped: number;
  staffUsersCreated: number;
}

/** One staff user per role (admin@demo.loyalty, ...) with the demo password, unless the email exists. */
async function seedDemoStaff(dataSource: DataSource, now: Date): Promise<number> {
  const repository = dataSource.getRepository(StaffUserRecord);
  let created = 0;
  for (const role of staffRoles) {
    const email = `${role}@demo.loyalty`;
    if (await repository.existsBy({ email })) continue;
    await repository.insert({ email, displayName: `Demo ${role}`, role, passwordHash: await hashPassword(demoStaffPassword), active: true, createdAt: now });
    created += 1;
  }
  return created;
}

/** A small catalogue, unless rewards exist already. */
async function seedDemoRewards(dataSource: DataSource, now: Date): Promise<void> {
  const repository = dataSource.getRepository(RewardRecord);
  if ((await repository.count()) > 0) return;
  const reward = (code: string, nameZh: string, nameEn: string, kind: RewardRecord["kind"], pointsCost: number, stock: number | null, benefit: [string, number] | null = null) =>
    ({ code, nameZh, nameEn, kind, pointsCost, stock, benefitCode: benefit?.[0] ?? null, benefitValidDays: benefit?.[1] ?? null, active: true, partnerId: null, createdAt: now, updatedAt: now });
  await repository.insert([
    reward("COFFEE_COUPON", "咖啡兑换券", "Coffee coupon", "COUPON", 300, null),
    reward("CASH_COUPON_20", "20元代金券", "20 yuan voucher", "COUPON", 2_000, null),
    reward("THERMOS_CUP", "保温杯", "Thermos cup", "GIFT", 5_000, 200),
    reward("SILK_SCARF", "真丝围巾", "Silk scarf", "GIFT", 12_000, 50),
    reward("VIP_LOUNGE_30D", "贵宾休息室 30 天", "VIP lounge, 30 days", "BENEFIT", 8_000, null, ["VIP_LOUNGE", 30]),
  ]);
}

async function nextId(manager: EntityManager, table: string): Promise<number> {
  const [row] = await manager.query(`SELECT COALESCE(MAX(id), 0) AS id FROM ${table}`);
  return Number(row.id) + 1;
}

/**
 * Appends `members` demo members. Member i (counting from the members already present) is the same on every
 * run with the same seed; dates are relative to the clock, so a demo always has members who joined this week.
 */
export async function seedDemoData(dataSource: DataSource, options: SeedOptions): Promise<SeedResult> {
  const batchSize = options.batchSize ?? 500;
  const now = options.clock.now();
  await new TierService(dataSource, options.clock).ensureDefaultLadder();
  const tiers = await dataSource.getRepository(TierRecord).find({ order: { rank: "ASC" } });
  const staffUsersCreated = options.withDemoStaff === false ? 0 : await seedDemoStaff(dataSource, now);
  const firstIndex = await dataSource.getRepository(MemberRecord).count();
  await seedDemoRewards(dataSource, now);
  await seedDemoPartners(dataSource, now);
  const programme = options.programme ?? defaultProgrammeSettings;
  const behaviourSettings = { utcOffsetMinutes: programme.utcOffsetMinutes, windowDays: options.scoringWindowDays ?? defaultScoringSettings.rfmWindowDays };

  let inserted = 0;
  let skipped = 0;
  for (let start = 0; start < options.members; start += batchSize) {
    const size = Math.min(batchSize, options.members - start);
    const rows = Array.from({ length: size }, (_, offset) => {
      const index = firstIndex + start + offset;
      const profile = demoMemberProfile(options.seed, index, now, tiers.length);
      return {
        index,
        level: profile.tierPosition,
        name: profile.name,
        ...phoneColumns(profile.phone, options.cipher),
        emailEncrypted: profile.email ? options.cipher.encrypt(profile.email) : null,
        emailMasked: profile.email ? maskEmail(profile.email) : null,
        birthday: profile.birthday,
        gender: profile.gender,
        education: profile.education,
        occupation: profile.occupation,
        incomeLevel: profile.incomeLevel,
        city: profile.city,
        cityTier: profile.cityTier,
        region: profile.region,
        joinChannel: profile.joinChannel,
        joinedAt: profile.joinedAt,
        tierId: tiers[0].id,
        consentSms: profile.consent.sms,
        consentAppPush: profile.consent.appPush,
        consentEmail: profile.consent.email,
        consentWechat: profile.consent.wechat,
        consentUpdatedAt: profile.joinedAt,
        createdAt: profile.joinedAt,
        updatedAt: profile.joinedAt,
      };
    });
    await runInTransaction(dataSource, async (manager) => {
      const taken = await manager.find(MemberRecord, { select: { phoneHash: true }, where: { phoneHash: In(rows.map((row) => row.phoneHash)) } });
      const takenHashes = new Set(taken.map((member) => member.phoneHash));
      const fresh = rows.filter((row) => !takenHashes.has(row.phoneHash));
      // Explicit ids, read in the batch's transaction, let one member's rows refer to each other without reading
      // generated ids back.
      let nextMemberId = await nextId(manager, "members");
      const ids: IdSequences = {
        order: await nextId(manager, "orders"),
        entry: await nextId(manager, "point_entries"),
        lot: await nextId(manager, "point_lots"),
        tierChange: await nextId(manager, "tier_changes"),
      };
      let nextEventId = await nextId(manager, "behaviour_events");
      const members: Partial<MemberRecord>[] = [];
      const behaviours: DemoBehaviour[] = [];
      const ledgers = fresh.map(({ index, level, ...row }) => {
        const member = { ...row, id: nextMemberId++ };
        const ledger = simulateDemoLedger(randomFor(options.seed, index, 1), { id: member.id, level, joinedAt: member.joinedAt }, tiers, programme, now, ids);
        members.push({ ...member, ...ledger.tier });
        behaviours.push(simulateDemoBehaviour(randomFor(options.seed, index, 2), member, ledger.orders, behaviourSettings, now));
        return ledger;
      });
      await insertRows(manager, MemberRecord, members);
      // Points by group (POINTS_LIABILITY by a breakdown), as the ledger and the tier changes append them one by one:
      // each entry in the member's groups of its time, each tier change carrying the balance. Segments come later
      // (the members are placed once scored), and their points follow as the placement moves them.
      const pointsByGroup: PointsChange[] = [];
      for (const [index, ledger] of ledgers.entries()) {
        const member = members[index];
        const initial: KpiGroups = { channel: member.joinChannel!, cityTier: member.cityTier ?? 0, tierId: tiers[0].id, segments: new Map() };
        const regroups = ledger.tierChanges.map((change) => ({ at: change.createdAt.getTime(), groups: { ...initial, tierId: change.toTierId } }));
        const walked = memberPointsChanges(initial, ledger.entries.map((entry) => ({ at: entry.createdAt.getTime(), amount: entry.amount })), regroups, (at) => localDayNumber(new Date(at), programme.utcOffsetMinutes));
        pointsByGroup.push(...walked.changes);
        ledger.account.kpiGroups = pointsGroupsText(walked.final);
      }
      await appendDailyChanges(manager, sumPointsChanges(pointsByGroup).map((change) => ({ measure: pointsMeasure, ...change })));
      await insertRows(manager, PointAccountRecord, ledgers.map((ledger) => ledger.account));
      await insertRows(manager, OrderRecord, ledgers.flatMap((ledger) => ledger.orders));
      const entries = ledgers.flatMap((ledger) => ledger.entries);
      await insertRows(manager, PointEntryRecord, entries);
      // The ledger writer's programme-wide daily points facts, written in bulk like the entries: a row per day.
      const pointsByDay = new Map<number, number>();
      for (const entry of entries) {
        const day = localDayNumber(entry.createdAt, programme.utcOffsetMinutes);
        pointsByDay.set(day, (pointsByDay.get(day) ?? 0) + entry.amount);
      }
      await recordPointChanges(manager, pointsByDay);
      await insertRows(manager, PointLotRecord, ledgers.flatMap((ledger) => ledger.lots));
      const tierChanges = ledgers.flatMap((ledger) => ledger.tierChanges);
      await insertRows(manager, TierChangeRecord, tierChanges);
      // The tier population the member service and tier qualification append one by one: every member joins the
      // entry tier, then moves with their changes.
      const joins = members.map((member) => ({ tierId: tiers[0].id, at: member.joinedAt! }));
      const moves = tierChanges.map((change) => ({ fromTierId: change.fromTierId, toTierId: change.toTierId, at: change.createdAt }));
      await appendDailyChanges(manager, tierPopulationChanges(joins, moves, programme.utcOffsetMinutes));
      await insertRows(manager, BehaviourEventRecord, behaviours.flatMap((behaviour) => behaviour.events.map((event) => ({ ...event, id: nextEventId++ }))));
      await insertRows(manager, MemberDailyActivityRecord, behaviours.flatMap((behaviour) => behaviour.days));
      await insertRows(manager, MemberAggregateRecord, behaviours.map((behaviour) => behaviour.aggregates));
      // The daily rows went in without the recorder: their KPI facts are added here, in the same transaction.
      await addBulkMembersToKpiFacts(manager, behaviours.map((behaviour) => behaviour.aggregates.memberId), programme.utcOffsetMinutes);
      inserted += fresh.length;
      skipped += size - fresh.length;
    });
    options.onProgress?.(inserted + skipped, options.members);
  }
  return { membersInserted: inserted, membersSkipped: skipped, staffUsersCreated };
}
