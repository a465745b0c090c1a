// When earned points expire: a fixed number of months after earning, or at the end of the following year.
import { addLocalMonths, startOfLocalYear } from "../calendar";

export type ExpiryPolicy = { kind: "months-after-earning"; months: number } | { kind: "end-of-following-year" };

/** Reads `end-of-following-year` or `months:N` (1 to 120); returns null for anything else. */
export function parseExpiryPolicy(text: string): ExpiryPolicy | null {
  if (text === "end-of-following-year") return { kind: "end-of-following-year" };
  const match = /^months:(\d{1,3})$/.exec(text);
  if (!match) return null;
  const months = Number(match[1]);
  return months >= 1 && months <= 120 ? { kind: "months-after-earning", months } : null;
}

/**
 * The first instant at which points earned at `earnedAt` are expired. "End of the following year" means points
 * earned any time in 2026 last through 31 December 2027 local time and are expired from 1 January 2028 00:00.
 */
export function lotExpiresAt(policy: ExpiryPolicy, earnedAt: Date, utcOffsetMinutes: number): Date {
  if (policy.kind === "months-after-earning") return addLocalMonths(earnedAt, policy.months, utcOffsetMinutes);
  return startOfLocalYear(earnedAt, utcOffsetMinutes, 2);
}
