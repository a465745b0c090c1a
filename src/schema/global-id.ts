// Stable opaque ids: base64url("Member:42"). Clients treat them as strings; `node(id)` resolves any of them.
import { badUserInput } from "../errors";

export const nodeTypes = ["Member", "Tier", "Partner", "StaffUser", "Reward", "PointsEntry"] as const;
export type NodeTypeName = (typeof nodeTypes)[number];

export function toGlobalId(type: NodeTypeName, id: number): string {
  return Buffer.from(`${type}:${id}`, "utf8").toString("base64url");
}

export function fromGlobalId(globalId: string): { type: NodeTypeName; id: number } | null {
  const decoded = Buffer.from(globalId, "base64url").toString("utf8");
  const match = /^([A-Za-z]+):([1-9]\d{0,15})$/.exec(decoded);
  if (!match || !(nodeTypes as readonly string[]).includes(match[1])) return null;
  const id = Number(match[2]);
  return Number.isSafeInteger(id) ? { type: match[1] as NodeTypeName, id } : null;
}

/** The numeric id inside a global id of the expected type, or BAD_USER_INPUT naming the argument. */
export function expectGlobalId(globalId: string, type: NodeTypeName, argument = "id"): number {
  const parsed = fromGlobalId(globalId);
  if (!parsed || parsed.type !== type) throw badUserInput(`${argument} is not a ${type} id: use the id field of a ${type} as returned by the API.`, argument);
  return parsed.id;
}

/**
 * The number of a configuration object that is not a graph node (bonus rules, scoring runs, segments): a plain
 * positive integer id, or BAD_USER_INPUT naming the argument and the type whose id field to use.
 */
export function expectNumberId(id: string, argument: string, kind: string, typeName: string): number {
  const value = Number(id);
  if (!Number.isSafeInteger(value) || value < 1) throw badUserInput(`${argument} is not a ${kind} id: use the id field of a ${typeName}.`, argument);
  return value;
}
