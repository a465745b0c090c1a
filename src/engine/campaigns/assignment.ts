// Which arm of a campaign's experiment a member is in: the same answer on every call, in every process, in every
// version, with no assignment table. The member's place comes from a hash of the campaign key and the member id.
//
// The hash is SHA-256 (node:crypto): it is pure computation (no I/O), fixed by a standard, so it cannot drift
// between Node versions or machines, and its output bits are uniform and independent between keys; a 32-bit
// FNV-1a would be as stable, but mixes short, similar inputs (sequential ids) weakly unless extra mixing is added,
// and 32 bits leave coarse steps for small shares. Hashing costs about a microsecond, negligible next to sending
// a message.
//
// The hashed text, `${campaignKey}\u0000${purpose}\u0000${memberId}`, is part of the contract: changing it moves
// every member of every running experiment. The tests pin known answers so a change cannot slip through.
import { createHash } from "node:crypto";

export const controlGroupCode = "CONTROL";

export interface Variant {
  /** Unique within the campaign, and not "CONTROL". */
  code: string;
  /** A whole number ≥ 0, relative to the other variants' weights (45 and 45 split the non-control members in half). */
  weight: number;
}

export interface AssignmentSettings {
  campaignKey: string;
  variants: readonly Variant[];
  /** The percentage of members held out as the control group, 0-50; fractions allowed (12.5). Default 0. */
  controlPercent?: number;
}

/** A uniform point in [0, 1) for the member: the first 48 bits of the hash (exact in a double) over 2^48. */
export function memberHashPoint(campaignKey: string, purpose: string, memberId: number): number {
  const digest = createHash("sha256").update(`${campaignKey}\u0000${purpose}\u0000${memberId}`, "utf8").digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** A problem in the settings, or null: checked by assignVariant and meant for the campaign editor before saving. */
export function assignmentSettingsProblem(settings: AssignmentSettings): string | null {
  const { campaignKey, variants, controlPercent = 0 } = settings;
  if (campaignKey.length === 0) return "The campaign key must not be empty.";
  if (!(controlPercent >= 0 && controlPercent <= 50)) return `The control share must be 0-50 percent (got ${controlPercent}).`;
  if (variants.length === 0) return "A campaign needs at least one variant.";
  const codes = new Set<string>();
  for (const variant of variants) {
    if (variant.code.length === 0) return "A variant code must not be empty.";
    if (variant.code === controlGroupCode) return `"${controlGroupCode}" is reserved for the control group.`;
    if (codes.has(variant.code)) return `Variant "${variant.code}" appears twice.`;
    codes.add(variant.code);
    if (!Number.isInteger(variant.weight) || variant.weight < 0) return `Variant "${variant.code}" needs a whole-number weight of 0 or more (got ${variant.weight}).`;
  }
  if (variants.every((variant) => variant.weight === 0)) return "At least one variant needs a weight above 0.";
  return null;
}

/**
 * The member's variant code, or "CONTROL". Two independent draws: the first decides control (below controlPercent),
 * the second picks a variant by weight. So changing the weights never moves anyone in or out of control, and
 * raising the control share only moves members into control: everyone else keeps their variant.
 */
export function assignVariant(settings: AssignmentSettings, memberId: number): string {
  const problem = assignmentSettingsProblem(settings);
  if (problem !== null) throw new RangeError(problem);
  if (!Number.isSafeInteger(memberId)) throw new RangeError(`A member id must be a whole number (got ${memberId}).`);
  const { campaignKey, variants, controlPercent = 0 } = settings;
  if (memberHashPoint(campaignKey, "control", memberId) * 100 < controlPercent) return controlGroupCode;
  const totalWeight = variants.reduce((sum, variant) => sum + variant.weight, 0);
  // Integer weights and a point in [0, 1): target is in [0, totalWeight), and each variant owns [before, before + weight).
  const target = memberHashPoint(campaignKey, "variant", memberId) * totalWeight;
  let before = 0;
  for (const variant of variants) {
    before += variant.weight;
    if (target < before) return variant.code;
  }
  // Unreachable with a point below 1; kept so the function always answers with a real variant.
  return variants.filter((variant) => variant.weight > 0).at(-1)!.code;
}
