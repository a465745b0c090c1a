// The member code: what a member's app shows as a QR code or barcode for a partner's till to scan, or for the
// cashier to type. It names the member and an expiry, signed with the coalition's key, so a till can turn it into a
// member without the member's phone number and a screenshot stops working within minutes.
//
//   "LG" + Crockford base32 of 19 bytes:
//     0-3    expiry, whole seconds since 1970 (uint32 big-endian: good until 2106)
//     4-8    member id (uint40 big-endian: up to 2^40 - 1)
//     9-18   the first 10 bytes of HMAC-SHA256(key, "member-code:" + bytes 0-8)
//
// 19 bytes are 31 characters, 33 with the prefix: short enough for a small QR code, a one-dimensional barcode and a
// cashier's patience. An 80-bit signature cannot be guessed at any rate a till can try codes, and the code lives for
// minutes. The layout and the signed text are part of the contract: changing them voids every code in flight.
import { createHmac, timingSafeEqual } from "node:crypto";
import { crockfordBase32Length, decodeCrockfordBase32, encodeCrockfordBase32 } from "./crockford-base32";

export const memberCodePrefix = "LG";
export const largestCodedMemberId = 2 ** 40 - 1;

const payloadLength = 9;
const signatureLength = 10;
const codeLength = memberCodePrefix.length + crockfordBase32Length(payloadLength + signatureLength);
const largestExpirySeconds = 2 ** 32 - 1;

export interface DecodedMemberCode {
  memberId: number;
  expiresAt: Date;
}

function signature(payload: Buffer, key: string): Buffer {
  if (key.length === 0) throw new RangeError("The member code key must not be empty.");
  return createHmac("sha256", key).update("member-code:", "utf8").update(payload).digest().subarray(0, signatureLength);
}

/**
 * The code for a member until `expiresAt`. The expiry is rounded down to the whole second, so a code never lives
 * longer than asked. Throws a RangeError for a member id that is not a whole number 0 to 2^40 - 1, or an expiry
 * outside 1970-2106.
 */
export function encodeMemberCode(memberId: number, expiresAt: Date, key: string): string {
  if (!Number.isInteger(memberId) || memberId < 0 || memberId > largestCodedMemberId) {
    throw new RangeError(`A member code holds a member id that is a whole number 0 to 2^40 - 1 (got ${memberId}).`);
  }
  const expirySeconds = Math.floor(expiresAt.getTime() / 1000);
  if (!(expirySeconds >= 0 && expirySeconds <= largestExpirySeconds)) {
    throw new RangeError(`A member code's expiry must be between 1970 and 2106 (got ${String(expiresAt)}).`);
  }
  const payload = Buffer.alloc(payloadLength);
  payload.writeUInt32BE(expirySeconds, 0);
  payload.writeUIntBE(memberId, 4, 5);
  return memberCodePrefix + encodeCrockfordBase32(Buffer.concat([payload, signature(payload, key)]));
}

/**
 * The member and expiry of a code, or null when it is not a code signed with `key`. People type codes, so case,
 * spaces, hyphens and Crockford's look-alikes (O for 0, I and L for 1) are forgiven. The expiry is not checked
 * here: the caller does, against its own clock (memberCodeIsFresh).
 */
export function decodeMemberCode(code: string, key: string): DecodedMemberCode | null {
  const compact = code.replace(/[\s-]+/g, "").toUpperCase();
  // The prefix is checked before the aliases apply, as its L would otherwise read as 1.
  if (compact.length !== codeLength || !compact.startsWith(memberCodePrefix)) return null;
  const bytes = decodeCrockfordBase32(compact.slice(memberCodePrefix.length));
  if (bytes === null) return null;
  const payload = Buffer.from(bytes.subarray(0, payloadLength));
  const given = Buffer.from(bytes.subarray(payloadLength));
  if (!timingSafeEqual(given, signature(payload, key))) return null;
  return { memberId: payload.readUIntBE(4, 5), expiresAt: new Date(payload.readUInt32BE(0) * 1000) };
}

/** Whether a decoded code may still be used at `now`: the expiry itself is already too late. */
export function memberCodeIsFresh(decoded: { expiresAt: Date }, now: Date): boolean {
  return now.getTime() < decoded.expiresAt.getTime();
}
