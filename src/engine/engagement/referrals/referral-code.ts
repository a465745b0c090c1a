// A member's referral code: 8 characters of Crockford's base32 (40 random bits), short enough to read out or type
// from a poster, with no look-alike characters. Codes are random, not derived from the member id, so a code says
// nothing about who owns it or how many members there are.
import { crockfordAlphabet, encodeCrockfordBase32 } from "../../coalition/crockford-base32";

export const referralCodeLength = 8;
/** Random bytes a code takes: 5 bytes are exactly 8 characters of 5 bits. */
export const referralCodeBytes = 5;

export function referralCodeFromBytes(bytes: Uint8Array): string {
  if (bytes.length !== referralCodeBytes) throw new Error(`A referral code takes ${referralCodeBytes} random bytes (got ${bytes.length}).`);
  return encodeCrockfordBase32(bytes);
}

/** Typing mistakes Crockford's scheme forgives: O for zero, I and L for one. */
const aliases: Readonly<Record<string, string>> = { O: "0", I: "1", L: "1" };

/**
 * The code as stored, from what a person typed or a link carried: case, spaces and hyphens do not matter, and O, I
 * and L read as 0, 1 and 1. Null when it cannot be a code.
 */
export function normalizeReferralCode(typed: string): string | null {
  const characters = [...typed.replace(/[\s-]/g, "").toUpperCase()].map((character) => aliases[character] ?? character);
  if (characters.length !== referralCodeLength || characters.some((character) => !crockfordAlphabet.includes(character))) return null;
  return characters.join("");
}
