// How a partner finds a member, and the pseudonymous id it knows the member by. Three ways in:
// - the member code the member's app shows (signed, short-lived): showing it at the till is the member's consent to
//   be identified to that partner with the coalition basics;
// - a phone number the partner already holds, matched by keyed hash, and only for members who granted that partner
//   access (anyone else is "not found", so a partner cannot test which numbers are members); misses are rate limited;
// - the partner's own pseudonymous id, for a member it has met before.
import { createHash } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import type { Clock } from "../../clock";
import { decodeMemberCode, encodeMemberCode, memberCodeIsFresh, partnerPseudonym, isPartnerPseudonym } from "../../engine";
import { MemberCodeUseRecord, MemberPartnerGrantRecord, MemberRecord, PartnerMemberLinkRecord } from "../../entities";
import { isUniqueViolation } from "../idempotency-service";
import { badUserInput, notFound } from "../../errors";
import type { PersonalDataCipher } from "../../privacy/personal-data-cipher";
import { normalizePhone } from "../../privacy/personal-data-format";
import { insertRows } from "../../database/bulk-insert";
import type { CoalitionKeys } from "./coalition-keys";

export interface MemberLookup {
  memberCode?: string | null;
  phone?: string | null;
  partnerMemberId?: string | null;
}

/** A member as one partner knows them: the internal id never leaves the server. */
export interface PartnerMemberReference {
  partnerId: number;
  memberId: number;
  partnerMemberId: string;
}

/** What the rate limiter of phone misses must offer (PartnerRateLimits): take an attempt before, return it on a hit. */
export interface LookupMissLimiter {
  takeLookupAttempt(partnerId: number): Promise<void>;
  returnLookupAttempt(partnerId: number): Promise<void>;
}

export class PartnerMemberDirectory {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly cipher: PersonalDataCipher,
    private readonly keys: CoalitionKeys,
    private readonly misses: LookupMissLimiter,
    private readonly memberCodeTtlSeconds: number,
  ) {}

  /** A fresh code for the member's app to show; it stops working after the configured seconds. */
  issueMemberCode(memberId: number): { code: string; expiresAt: Date } {
    const now = this.clock.now();
    // Whole seconds: the code carries its expiry in seconds.
    const expiresAt = new Date((Math.floor(now.getTime() / 1000) + this.memberCodeTtlSeconds) * 1000);
    return { code: encodeMemberCode(memberId, expiresAt, this.keys.memberCode), expiresAt };
  }

  /**
   * The member a code names, checking the signature only. Commands check freshness inside their idempotent work, so a
   * retry of a redemption made with a code that has expired since still gets its first answer.
   */
  memberIdOfCode(code: string, field: string): number {
    const decoded = decodeMemberCode(code, this.keys.memberCode);
    if (!decoded) throw badUserInput("The member code is not valid: scan it again from the member's app.", field);
    return decoded.memberId;
  }

  assertCodeFresh(code: string, now: Date, field: string): void {
    const decoded = decodeMemberCode(code, this.keys.memberCode);
    if (!decoded || !memberCodeIsFresh(decoded, now)) throw badUserInput("The member code has expired: ask the member to refresh it in their app and scan it again.", field);
  }

  /**
   * The member a command names, and the check it makes inside its idempotent work, so that a retry is answered
   * even after the scanned code has expired. Earning accepts any of the three ways in, checking a code's freshness;
   * spending (points or a benefit) needs the member's code, fresh and not spent with before.
   */
  async memberForCommand(partnerId: number, lookup: MemberLookup, purpose: "EARN" | "SPEND"): Promise<{ memberId: number; confirmPresence: (manager: EntityManager, now: Date) => Promise<void> }> {
    const code = lookup.memberCode;
    if (code && !lookup.phone && !lookup.partnerMemberId) {
      const memberId = this.memberIdOfCode(code, "input.member.memberCode");
      const confirmPresence = purpose === "SPEND" ? (manager: EntityManager, now: Date) => this.spendCode(manager, code, partnerId, memberId, now, "input.member.memberCode") : async (_manager: EntityManager, now: Date) => this.assertCodeFresh(code, now, "input.member.memberCode");
      return { memberId, confirmPresence };
    }
    if (purpose === "SPEND") throw badUserInput("input.member.memberCode is required: spending needs the member's code, scanned now at the till.", "input.member.memberCode");
    const reference = await this.lookup(partnerId, lookup);
    return { memberId: reference.memberId, confirmPresence: async () => undefined };
  }

  /**
   * Checks the code is fresh and records that it has been spent with, in the spending transaction: one spend per
   * code, so a code shown to earn points cannot be replayed to spend the balance.
   */
  async spendCode(manager: EntityManager, code: string, partnerId: number, memberId: number, now: Date, field: string): Promise<void> {
    this.assertCodeFresh(code, now, field);
    // Typed codes may differ in case and hyphens: the hash is of the code as issued, re-made from what it says.
    const decoded = decodeMemberCode(code, this.keys.memberCode)!;
    const codeHash = createHash("sha256").update(encodeMemberCode(decoded.memberId, decoded.expiresAt, this.keys.memberCode)).digest("hex");
    await manager.insert(MemberCodeUseRecord, { codeHash, memberId, partnerId, usedAt: now }).catch((error: unknown) => {
      throw isUniqueViolation(error) ? badUserInput("This member code has already been used to spend: ask the member to show a fresh code.", field) : error;
    });
  }

  /** Finds the member for the partner by exactly one of the three ways, linking them on first sight. */
  async lookup(partnerId: number, lookup: MemberLookup): Promise<PartnerMemberReference> {
    const given = (["memberCode", "phone", "partnerMemberId"] as const).filter((key) => lookup[key] !== null && lookup[key] !== undefined && lookup[key] !== "");
    if (given.length !== 1) throw badUserInput("Give exactly one of lookup.memberCode, lookup.phone or lookup.partnerMemberId.", "lookup");
    if (lookup.partnerMemberId) return this.byPartnerMemberId(partnerId, lookup.partnerMemberId, "lookup.partnerMemberId");
    if (lookup.memberCode) {
      const memberId = this.memberIdOfCode(lookup.memberCode, "lookup.memberCode");
      this.assertCodeFresh(lookup.memberCode, this.clock.now(), "lookup.memberCode");
      if (!(await this.dataSource.manager.existsBy(MemberRecord, { id: memberId }))) throw notFound("No member has this code: ask the member to refresh it in their app.");
      return this.link(this.dataSource.manager, partnerId, memberId);
    }
    return this.byPhone(partnerId, lookup.phone!);
  }

  async byPartnerMemberId(partnerId: number, partnerMemberId: string, field: string): Promise<PartnerMemberReference> {
    if (!isPartnerPseudonym(partnerMemberId)) throw badUserInput(`${field} is not a partner member id: use the partnerMemberId a look-up returned.`, field);
    const link = await this.dataSource.getRepository(PartnerMemberLinkRecord).findOneBy({ partnerId, pseudonym: partnerMemberId });
    if (!link) throw notFound("Your brand knows no member by this partnerMemberId: look the member up by member code first.");
    return { partnerId, memberId: link.memberId, partnerMemberId: link.pseudonym };
  }

  /** The partner's id for a member it has just served. */
  referenceFor(partnerId: number, memberId: number): Promise<PartnerMemberReference> {
    return this.link(this.dataSource.manager, partnerId, memberId);
  }

  /** The partner's id for a member, made and kept on first use. */
  async link(manager: EntityManager, partnerId: number, memberId: number): Promise<PartnerMemberReference> {
    const existing = await manager.findOneBy(PartnerMemberLinkRecord, { partnerId, memberId });
    if (existing) return { partnerId, memberId, partnerMemberId: existing.pseudonym };
    const pseudonym = partnerPseudonym(this.keys.pseudonym, partnerId, memberId);
    // Two first look-ups at once both try to insert the same row: the second is skipped.
    await insertRows(manager, PartnerMemberLinkRecord, [{ partnerId, memberId, pseudonym, createdAt: this.clock.now() }], { ignoreDuplicates: true });
    return { partnerId, memberId, partnerMemberId: pseudonym };
  }

  private async byPhone(partnerId: number, phone: string): Promise<PartnerMemberReference> {
    const normalized = normalizePhone(phone);
    if (!normalized) throw badUserInput("lookup.phone is not a mobile phone number: send 11 digits, optionally with +86.", "lookup.phone");
    // Every look-up takes one of the partner's misses before it runs, and a hit gives it back: concurrent look-ups
    // cannot overrun the allowance, and a partner past it is refused even for a number that would match.
    await this.misses.takeLookupAttempt(partnerId);
    let memberId: number | null;
    try {
      memberId = await this.grantedMemberIdByPhone(partnerId, normalized);
    } catch (error) {
      // A look-up that failed on our side is not a miss.
      await this.misses.returnLookupAttempt(partnerId);
      throw error;
    }
    if (memberId === null) throw notFound("No member who shares their membership with your brand has this phone number: ask the member to show their member code.");
    await this.misses.returnLookupAttempt(partnerId);
    return this.link(this.dataSource.manager, partnerId, memberId);
  }

  /** Only members who granted this partner access can be found by phone. */
  private async grantedMemberIdByPhone(partnerId: number, normalizedPhone: string): Promise<number | null> {
    const found = await this.dataSource
      .getRepository(MemberRecord)
      .createQueryBuilder("member")
      .innerJoin(MemberPartnerGrantRecord, "partner_grant", "partner_grant.memberId = member.id AND partner_grant.partnerId = :partnerId", { partnerId })
      .where("member.phoneHash = :phoneHash", { phoneHash: this.cipher.lookupHash(normalizedPhone) })
      .select("member.id", "id")
      .getRawOne<{ id: number }>();
    return found ? Number(found.id) : null;
  }
}
