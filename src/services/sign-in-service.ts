// Sign-up and sign-in by phone with a one-time code: the brief's "member in 30 seconds".
import { runInTransaction } from "../database/transactions";
import { randomInt } from "node:crypto";
import { IsNull, MoreThan, type DataSource } from "typeorm";
import type { TokenService } from "../auth/tokens";
import type { Clock } from "../clock";
import type { JoinChannel } from "../engine";
import { MemberRecord, SignInCodeRecord, type ReferralStatus } from "../entities";
import { badUserInput, ClientError, rateLimited } from "../errors";
import type { PersonalDataCipher } from "../privacy/personal-data-cipher";
import type { AuditService } from "./audit-service";
import type { ReferralSignUps } from "./engagement/referrals/referral-sign-ups";
import { validPhone, type MemberProfileChanges } from "./member-input";
import type { MemberService } from "./member-service";
import type { ServiceContext } from "./service-context";
import type { SignInCodeSender } from "./sign-in-code-sender";

export const signInCodeRules = {
  codeLifetimeSeconds: 300,
  resendIntervalSeconds: 60,
  codesPerHour: 5,
  attemptsPerCode: 5,
};

export interface SignInInput {
  phone: string;
  code: string;
  /** Used only when the phone is new and the member is signed up. */
  joinChannel?: JoinChannel;
  profile?: MemberProfileChanges;
  /** A friend's referral code; used only when the phone is new. */
  referralCode?: string | null;
  /** The app's device id: only its keyed hash is kept, for the referral fraud guards. */
  deviceId?: string | null;
}

export interface MemberSession {
  token: string;
  expiresAt: Date;
  member: MemberRecord;
  isNewMember: boolean;
  /** What became of the referral code of a sign-up; null without one (and for an existing member). */
  referralStatus: ReferralStatus | null;
}

const wrongCode = (message: string) => new ClientError("UNAUTHENTICATED", message);

export class SignInService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly cipher: PersonalDataCipher,
    private readonly members: MemberService,
    private readonly audit: AuditService,
    private readonly tokens: TokenService,
    private readonly sender: SignInCodeSender,
    private readonly referrals: ReferralSignUps | null = null,
  ) {}

  async requestCode(phoneInput: string): Promise<{ expiresAt: Date; resendAfterSeconds: number }> {
    const phone = validPhone(phoneInput, "phone");
    const phoneHash = this.cipher.lookupHash(phone);
    const now = this.clock.now();
    const codes = this.dataSource.getRepository(SignInCodeRecord);
    const lastHour = await codes.find({
      where: { phoneHash, createdAt: MoreThan(new Date(now.getTime() - 3600_000)) },
      order: { createdAt: "DESC" },
    });
    if (lastHour.length > 0) {
      const secondsSinceLast = (now.getTime() - lastHour[0].createdAt.getTime()) / 1000;
      if (secondsSinceLast < signInCodeRules.resendIntervalSeconds) {
        const wait = Math.ceil(signInCodeRules.resendIntervalSeconds - secondsSinceLast);
        throw rateLimited(`A code was sent moments ago: wait ${wait} seconds before asking for another.`, wait);
      }
    }
    if (lastHour.length >= signInCodeRules.codesPerHour) {
      const oldest = lastHour[lastHour.length - 1].createdAt.getTime();
      const wait = Math.ceil((oldest + 3600_000 - now.getTime()) / 1000);
      throw rateLimited(`Too many codes for this phone in the last hour: try again in ${Math.ceil(wait / 60)} minutes.`, wait);
    }
    const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
    const expiresAt = new Date(now.getTime() + signInCodeRules.codeLifetimeSeconds * 1000);
    await codes.insert({ phoneHash, codeHash: this.codeHash(phoneHash, code), failedAttempts: 0, createdAt: now, expiresAt, consumedAt: null });
    await this.sender.send(phone, code);
    return { expiresAt, resendAfterSeconds: signInCodeRules.resendIntervalSeconds };
  }

  async signIn(context: ServiceContext, input: SignInInput): Promise<MemberSession> {
    const phone = validPhone(input.phone, "input.phone");
    const phoneHash = this.cipher.lookupHash(phone);
    const referralCode = input.referralCode && this.referrals ? this.referrals.validCode(input.referralCode, "input.referralCode") : null;
    const deviceHash = input.deviceId && this.referrals ? this.referrals.deviceHash(input.deviceId, "input.deviceId") : null;
    const now = this.clock.now();
    const codes = this.dataSource.getRepository(SignInCodeRecord);
    const latest = await codes.findOne({ where: { phoneHash, consumedAt: IsNull() }, order: { createdAt: "DESC" } });
    if (!latest || latest.expiresAt <= now) throw wrongCode("No valid code for this phone: request a new code.");
    if (latest.failedAttempts >= signInCodeRules.attemptsPerCode) throw wrongCode("Too many wrong codes: request a new code.");
    if (latest.codeHash !== this.codeHash(phoneHash, input.code.trim())) {
      await codes.increment({ id: latest.id }, "failedAttempts", 1);
      const left = signInCodeRules.attemptsPerCode - latest.failedAttempts - 1;
      throw wrongCode(left > 0 ? `The code is wrong: ${left} attempts left.` : "The code is wrong and no attempts are left: request a new code.");
    }

    const { member, isNewMember, referralStatus } = await runInTransaction(this.dataSource, async (manager) => {
      // The conditional update makes a code single-use even when two sign-ins race.
      const consumed = await manager.update(SignInCodeRecord, { id: latest.id, consumedAt: IsNull() }, { consumedAt: now });
      if (consumed.affected !== 1) throw wrongCode("This code was already used: request a new code.");
      // Before the first plain read (see lockReferrer); an existing member's code is ignored below.
      const referrer = referralCode ? await this.referrals!.lockReferrer(manager, referralCode) : null;
      const existing = await manager.findOneBy(MemberRecord, { phoneHash });
      if (existing) {
        if (deviceHash) await this.referrals!.rememberDevice(manager, existing.id, deviceHash, now);
        await this.audit.record(manager, { ...context, identity: { kind: "member", memberId: existing.id } }, { action: "member.signIn", targetType: "member", targetId: existing.id });
        return { member: existing, isNewMember: false, referralStatus: null };
      }
      // Rolls the sign-up back, code unused, so the person can correct the referral code or leave it out.
      if (referralCode && !referrer) throw badUserInput("input.referralCode is not a code any member has: check it with your friend, or sign up without it.", "input.referralCode");
      const created = await this.members.insert(manager, {
        ...input.profile,
        name: input.profile?.name || `会员${phone.slice(-4)}`,
        phone,
        joinChannel: input.joinChannel ?? "MINI_PROGRAM",
      });
      const referral = referrer ? await this.referrals!.record(manager, { referrer, friend: created, friendPhone: phone, deviceHash, now }) : null;
      if (deviceHash) await this.referrals!.rememberDevice(manager, created.id, deviceHash, now);
      const details = { joinChannel: created.joinChannel, ...(referral ? { referralId: referral.id } : {}) };
      await this.audit.record(manager, { ...context, identity: { kind: "member", memberId: created.id } }, { action: "member.signUp", targetType: "member", targetId: created.id, details });
      return { member: created, isNewMember: true, referralStatus: referral?.status ?? null };
    });
    const { token, expiresAt } = await this.tokens.issue({ kind: "member", memberId: member.id }, now);
    return { token, expiresAt, member, isNewMember, referralStatus };
  }

  private codeHash(phoneHash: string, code: string): string {
    return this.cipher.lookupHash(`sign-in-code:${phoneHash}:${code}`);
  }
}
