// Writes deterministic demo data: staff users of each role and N members, in batches, with progress.
import { runInTransaction } from "../database/transactions";
import { In, type DataSource } from "typeorm";
import { hashPassword } from "../auth/passwords";
import { staffRoles } from "../auth/permissions";
import type { Clock } from "../clock";
import { MemberRecord, StaffUserRecord, TierRecord } from "../entities";
import type { PersonalDataCipher } from "../privacy/personal-data-cipher";
import { maskEmail } from "../privacy/personal-data-format";
import { phoneColumns } from "../services/member-input";
import { TierService } from "../services/tier-service";
import { demoMemberProfile } from "./demo-members";

/** Known only to local and demo installations; documented in the README. */
export const demoStaffPassword = "loyalty-demo-password";

export interface SeedOptions {
  members: number;
  seed: number;
  clock: Clock;
  cipher: PersonalDataCipher;
  /** Rows per INSERT; SQLite allows 32,766 bound values per statement, a member row has 26. */
  batchSize?: number;
  /** Demo staff have a published password: never create them in production. Default true. */
  withDemoStaff?: boolean;
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

  let inserted = 0;
  let skipped = 0;
  for (let start = 0; start < options.members; start += batchSize) {
    const size = Math.min(batchSize, options.members - start);
    const rows = Array.from({ length: size }, (_, offset) => {
      const profile = demoMemberProfile(options.seed, firstIndex + start + offset, now, tiers.length);
      return {
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
        tierId: tiers[profile.tierPosition].id,
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
      // TypeORM would read back generated ids row by row on MySQL; demo data does not need them.
      if (fresh.length > 0) await manager.createQueryBuilder().insert().into(MemberRecord).values(fresh).updateEntity(false).execute();
      inserted += fresh.length;
      skipped += size - fresh.length;
    });
    options.onProgress?.(inserted + skipped, options.members);
  }
  return { membersInserted: inserted, membersSkipped: skipped, staffUsersCreated };
}
