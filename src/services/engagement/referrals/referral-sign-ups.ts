// A friend signing up with a referral code, inside the sign-up transaction: the referrer's row is locked before the
// transaction's first plain read, the guards judge the sign-up, and the referral is recorded whatever they decide (a
// rejected referral lets the friend join; it just rewards nobody). Also remembers the devices members sign in on.
import type { DataSource, EntityManager } from "typeorm";
import type { Clock } from "../../../clock";
import { lockingRead, runInTransaction } from "../../../database/transactions";
import { insertRows } from "../../../database/bulk-insert";
import { timeFromDatabase } from "../../../database/raw-values";
import { judgeReferralSignUp, normalizeReferralCode, referralLookBackDays, type ReferralVerdict } from "../../../engine/engagement/referrals";
import { MemberAggregateRecord, MemberDeviceRecord, MemberRecord, PointAccountRecord, ReferralRecord, ReferrerRecord } from "../../../entities";
import { badUserInput, conflict } from "../../../errors";
import type { PersonalDataCipher } from "../../../privacy/personal-data-cipher";
import type { AuditService } from "../../audit-service";
import type { ServiceContext } from "../../service-context";
import type { ReferralSettings } from "./referral-settings";

/** Earlier referees compared with a new one: enough for any sensible velocity limit, bounded for a flood. */
const refereesCompared = 200;

/** A member who joined without a code may enter a friend's for this long after joining (and before ordering). */
export const lateCodeEntryDays = 7;

export interface ReferralSignUp {
  referrer: ReferrerRecord;
  friend: MemberRecord;
  /** The friend's phone in clear (just typed in; members' phones are stored encrypted). */
  friendPhone: string;
  deviceHash: string | null;
  now: Date;
}

export class ReferralSignUps {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly cipher: PersonalDataCipher,
    private readonly audit: AuditService,
    private readonly settings: ReferralSettings,
  ) {}

  /** The stored form of a typed code, or BAD_USER_INPUT naming the field. */
  validCode(typed: string, field: string): string {
    const code = normalizeReferralCode(typed);
    if (!code) throw badUserInput(`${field} must be a referral code of 8 letters and digits, e.g. 7KQ2-M9XD.`, field);
    return code;
  }

  /** Only a keyed hash of the app's device id is ever stored or compared. */
  deviceHash(deviceId: string, field: string): string {
    const trimmed = deviceId.trim();
    if (!/^[\x21-\x7e]{8,128}$/.test(trimmed)) throw badUserInput(`${field} must be 8 to 128 printable characters without spaces, as the app's device id.`, field);
    return this.cipher.lookupHash(`device:${trimmed}`);
  }

  /**
   * Locks the code's owner (null for a code nobody has). Call it before the transaction's first plain read: on
   * MariaDB the snapshot then starts after every earlier sign-up with this code has committed, so the guards count
   * all of them, and sign-ups with one code are judged one at a time.
   */
  lockReferrer(manager: EntityManager, code: string): Promise<ReferrerRecord | null> {
    return lockingRead(manager, ReferrerRecord, "referrer").where("referrer.code = :code", { code }).getOne();
  }

  async record(manager: EntityManager, signUp: ReferralSignUp): Promise<ReferralRecord> {
    const { referrer, friend, now } = signUp;
    const verdict = await this.judge(manager, signUp);
    const referral = manager.create(ReferralRecord, {
      referrerId: referrer.memberId,
      friendId: friend.id,
      status: verdict.status,
      reason: verdict.reason,
      deviceHash: signUp.deviceHash,
      signedUpAt: now,
      qualifiedAt: null,
      qualifyingReference: null,
      approvedBy: null,
      approvedAt: null,
    });
    referral.id = Number((await manager.insert(ReferralRecord, referral)).identifiers[0]?.id);
    return referral;
  }

  /**
   * A member who signed up without a code enters a friend's (填写邀请码), within days of joining and before their
   * first order; judged by the same guards, their own code included. Their account is locked first, as an order
   * locks it, so an order recorded meanwhile is either seen here (too late) or sees this referral.
   */
  async enterCode(context: ServiceContext, memberId: number, typedCode: string, deviceId: string | null): Promise<ReferralRecord> {
    const code = this.validCode(typedCode, "code");
    const deviceHash = deviceId ? this.deviceHash(deviceId, "deviceId") : null;
    const now = this.clock.now();
    return runInTransaction(this.dataSource, async (manager) => {
      await lockingRead(manager, PointAccountRecord, "account").where("account.memberId = :memberId", { memberId }).getOneOrFail();
      const referrer = await this.lockReferrer(manager, code);
      if (!referrer) throw badUserInput("code is not a code any member has: check it with your friend.", "code");
      if (await manager.existsBy(ReferralRecord, { friendId: memberId })) throw conflict("You have already joined through a friend's code: a member is referred once.");
      const member = await manager.findOneByOrFail(MemberRecord, { id: memberId });
      if (member.joinedAt.getTime() < now.getTime() - lateCodeEntryDays * 86_400_000) throw conflict(`A friend's code can be entered within ${lateCodeEntryDays} days of joining; that time has passed.`);
      const aggregates = await manager.findOneBy(MemberAggregateRecord, { memberId });
      if (aggregates && aggregates.ordersTotal > 0) throw conflict("A friend's code can be entered only before your first order.");
      const referral = await this.record(manager, { referrer, friend: member, friendPhone: this.cipher.decrypt(member.phoneEncrypted), deviceHash, now });
      if (deviceHash) await this.rememberDevice(manager, memberId, deviceHash, now);
      await this.audit.record(manager, context, { action: "referral.enterCode", targetType: "referral", targetId: referral.id, details: { referrerId: referrer.memberId } });
      return referral;
    });
  }

  /** Adds a device to the member's (no-op when known). */
  async rememberDevice(manager: EntityManager, memberId: number, deviceHash: string, now: Date): Promise<void> {
    await insertRows(manager, MemberDeviceRecord, [{ memberId, deviceHash, firstSeenAt: now }], { ignoreDuplicates: true });
  }

  private async judge(manager: EntityManager, { referrer, friend, friendPhone, deviceHash, now }: ReferralSignUp): Promise<ReferralVerdict> {
    const referrerMember = await manager.findOneByOrFail(MemberRecord, { id: referrer.memberId });
    const devices = await manager.findBy(MemberDeviceRecord, { memberId: referrer.memberId });
    const since = new Date(now.getTime() - referralLookBackDays * 86_400_000);
    const earlier = await manager
      .getRepository(ReferralRecord)
      .createQueryBuilder("referral")
      .innerJoin(MemberRecord, "friend", "friend.id = referral.friendId")
      .select(["referral.signedUpAt AS signedUpAt", "referral.deviceHash AS deviceHash", "friend.phoneEncrypted AS phoneEncrypted"])
      .where("referral.referrerId = :referrerId AND referral.signedUpAt > :since", { referrerId: referrer.memberId, since })
      .orderBy("referral.signedUpAt", "DESC")
      .limit(refereesCompared)
      .getRawMany<{ signedUpAt: Date | string; deviceHash: string | null; phoneEncrypted: string }>();
    return judgeReferralSignUp(
      {
        referrerId: referrer.memberId,
        friendId: friend.id,
        referrerPhone: this.cipher.decrypt(referrerMember.phoneEncrypted),
        friendPhone,
        friendDevice: deviceHash,
        referrerDevices: devices.map((device) => device.deviceHash),
        recentReferees: earlier.map((row) => ({ phone: this.cipher.decrypt(row.phoneEncrypted), device: row.deviceHash, signedUpAt: timeFromDatabase(row.signedUpAt)! })),
        now,
      },
      this.settings,
    );
  }
}
