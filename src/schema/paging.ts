// Reading `first` and `after` with errors that tell the client what to send instead.
import { badUserInput } from "../errors";

export const maximumPageSize = 100;

export function validFirst(first: number): number {
  if (!Number.isInteger(first) || first < 0 || first > maximumPageSize) {
    throw badUserInput(`first must be between 0 and ${maximumPageSize} (got ${first}): page through larger lists with after.`, "first");
  }
  return first;
}

/** Cursors are opaque to clients: base64url("<kind>:<id>"). */
export function encodeCursor(kind: string, id: number): string {
  return Buffer.from(`${kind}:${id}`, "utf8").toString("base64url");
}

export function decodeCursor(kind: string, cursor: string | null | undefined): number | null {
  if (cursor === null || cursor === undefined) return null;
  const match = new RegExp(`^${kind}:([1-9]\\d{0,15})$`).exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!match) throw badUserInput("after is not a cursor of this list: pass an endCursor from a previous page, or leave it out to start at the beginning.", "after");
  return Number(match[1]);
}
