// The id a partner knows a member by. Each partner gets its own, so two partners cannot join their customer lists
// on it, and without the coalition's key nobody can go from a member id to a pseudonym (or check a guess).
// It is a keyed hash rather than a random id so it can be computed again; the link table keeps it for look-ups the
// other way, from a partner's pseudonym to the member.
//
// "pm_" + the first 16 bytes (128 bits: no collisions in any realistic coalition) of
// HMAC-SHA256(key, "partner-pseudonym:<partnerId>:<memberId>") in lower-case Crockford base32, the alphabet of the
// member code, without look-alike characters. The hashed text is part of the contract: changing it changes every
// partner's ids.
import { createHmac } from "node:crypto";
import { encodeCrockfordBase32 } from "./crockford-base32";

export const partnerPseudonymPrefix = "pm_";

// 26 characters carry 130 bits, so the last one holds 3 bits and 2 zero padding bits: one of 0 4 8 c g m r w.
const pseudonymShape = /^pm_[0-9a-hjkmnp-tv-z]{25}[048cgmrw]$/;

export function partnerPseudonym(key: string, partnerId: number, memberId: number): string {
  if (key.length === 0) throw new RangeError("The partner pseudonym key must not be empty.");
  for (const [name, value] of [["partnerId", partnerId], ["memberId", memberId]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number of 0 or more (got ${value}).`);
  }
  const digest = createHmac("sha256", key).update(`partner-pseudonym:${partnerId}:${memberId}`, "utf8").digest();
  return partnerPseudonymPrefix + encodeCrockfordBase32(digest.subarray(0, 16)).toLowerCase();
}

/** Whether a value has the shape of a pseudonym (for rejecting bad input early); it says nothing of whose it is. */
export function isPartnerPseudonym(value: string): boolean {
  return pseudonymShape.test(value);
}
