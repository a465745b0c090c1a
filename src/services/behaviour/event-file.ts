// Reads a history file of behaviour events, NDJSON (one JSON object per line) or CSV (a header row naming the
// fields), as a stream of records: a file of any size goes through in constant memory.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { parse } from "csv-parse";
import { fromGlobalId } from "../../schema/global-id";
import type { BehaviourEventInput } from "./event-input";

export type EventFileFormat = "ndjson" | "csv";

/** One line of the file: the event, or why the line could not even be read as one. */
export type EventFileRecord = { line: number; event: BehaviourEventInput } | { line: number; error: string };

export function formatOfFile(file: string): EventFileFormat | null {
  if (/\.(ndjson|jsonl)$/i.test(file)) return "ndjson";
  if (/\.csv$/i.test(file)) return "csv";
  return null;
}

export async function* readEventFile(file: string, format: EventFileFormat): AsyncGenerator<EventFileRecord> {
  if (format === "ndjson") {
    let line = 0;
    for await (const text of createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity })) {
      line += 1;
      if (text.trim() === "") continue;
      let fields: unknown;
      try {
        fields = JSON.parse(text);
      } catch {
        yield { line, error: "is not valid JSON: each line must be one JSON object" };
        continue;
      }
      if (typeof fields !== "object" || fields === null || Array.isArray(fields)) yield { line, error: "is not a JSON object" };
      else yield { line, event: eventFromFields(fields as Record<string, unknown>) };
    }
    return;
  }
  // Line 1 is the header; csv-parse counts records, so record n is on line n + 1 (fields hold no line breaks).
  const parser = createReadStream(file, "utf8").pipe(parse({ columns: true, skip_empty_lines: true, trim: true, bom: true }));
  let line = 1;
  for await (const fields of parser as AsyncIterable<Record<string, string>>) {
    line += 1;
    yield { line, event: eventFromFields(fields) };
  }
}

/**
 * Fields as both formats give them: CSV gives strings ("" for empty, categories joined by "|"), JSON may give
 * numbers and arrays. Wrong values are passed on as they are, so the service rejects them with its own reasons.
 */
export function eventFromFields(fields: Record<string, unknown>): BehaviourEventInput {
  const text = (name: string) => (fields[name] === undefined || fields[name] === null || fields[name] === "" ? null : String(fields[name]));
  const number = (name: string) => (text(name) === null ? null : Number(fields[name]));
  const categories = fields.categories;
  return {
    source: text("source") ?? "",
    externalId: text("externalId") ?? "",
    kind: text("kind") ?? "",
    memberId: memberIdOf(fields.memberId),
    occurredAt: instantOf(text("occurredAt")),
    amount: number("amount"),
    channel: text("channel"),
    storeCode: text("storeCode"),
    brand: text("brand"),
    categories: Array.isArray(categories) ? categories.map(String) : text("categories")?.split("|") ?? null,
    orderExternalId: text("orderExternalId"),
    target: text("target"),
    durationSeconds: number("durationSeconds"),
    csat: number("csat"),
    nps: number("nps"),
  };
}

/**
 * Only times that say their zone: "2026-03-01 20:00" means different instants in Shanghai and on a UTC server, so
 * such a line is rejected rather than guessed.
 */
function instantOf(value: string | null): Date {
  if (value === null || !/(Z|[+-]\d{2}:?\d{2})$/i.test(value)) return new Date(Number.NaN);
  return new Date(value);
}

/** A member's number, or their API id (Member:…) as an export from the API would carry it. */
function memberIdOf(value: unknown): number {
  if (typeof value === "number") return value;
  const text = String(value ?? "");
  if (/^\d+$/.test(text)) return Number(text);
  const parsed = fromGlobalId(text);
  return parsed?.type === "Member" ? parsed.id : Number.NaN;
}
