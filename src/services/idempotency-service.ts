// Runs a retryable command once per (caller, command, key): a retry gets the first result back.
import { runInTransaction } from "../database/transactions";
import { createHash } from "node:crypto";
import { QueryFailedError, type DataSource, type EntityManager } from "typeorm";
import { describeActor } from "../auth/identity";
import type { Clock } from "../clock";
import { IdempotencyRecord } from "../entities";
import { badUserInput, conflict } from "../errors";
import type { ServiceContext } from "./service-context";

export interface IdempotentCommand {
  command: string;
  key: string;
  input: unknown;
}

/** JSON with object keys sorted, so equal inputs hash equally whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; errno?: number } | undefined;
  return driverError?.code === "ER_DUP_ENTRY" || driverError?.code === "SQLITE_CONSTRAINT_UNIQUE" || driverError?.code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

export class IdempotencyService {
  constructor(private readonly dataSource: DataSource, private readonly clock: Clock) {}

  /**
   * Runs `work` and stores its result in one transaction. With an existing record for the key the stored result
   * is returned and nothing runs. A concurrent twin that loses the race runs the work too, but its transaction
   * fails (on the key itself or earlier) and rolls back entirely; it then returns the winner's result.
   */
  async run<Result>(context: ServiceContext, command: IdempotentCommand, work: (manager: EntityManager) => Promise<Result>): Promise<Result> {
    if (!/^[A-Za-z0-9_.:-]{8,128}$/.test(command.key)) {
      throw badUserInput("idempotencyKey must be 8 to 128 letters, digits or _ . : - (a UUID works well).", "idempotencyKey");
    }
    const actor = describeActor(context.identity);
    const scope = `${actor.actorType}:${actor.actorId ?? "-"}:${command.command}`;
    const requestHash = createHash("sha256").update(canonicalJson(command.input)).digest("hex");

    // Worth its statement: without it a retry would redo the whole work only to roll it back, and on SQLite, where
    // every request shares one connection, others could read its uncommitted writes meanwhile.
    const previous = await this.find(this.dataSource.manager, scope, command.key);
    if (previous) return this.replay<Result>(previous, requestHash);

    try {
      return await runInTransaction(this.dataSource, async (manager) => {
        const result = await work(manager);
        await manager.insert(IdempotencyRecord, {
          scope,
          key: command.key,
          requestHash,
          response: JSON.stringify(result ?? null),
          createdAt: this.clock.now(),
        });
        return result;
      });
    } catch (error) {
      // A twin with the same key may have won the race: its work made ours fail (on the key itself, or on anything
      // its changes made impossible). If it committed, its result is the answer.
      const winner = await this.find(this.dataSource.manager, scope, command.key);
      if (!winner) throw error;
      return this.replay<Result>(winner, requestHash);
    }
  }

  private find(manager: EntityManager, scope: string, key: string): Promise<IdempotencyRecord | null> {
    return manager.findOneBy(IdempotencyRecord, { scope, key });
  }

  private replay<Result>(record: IdempotencyRecord, requestHash: string): Result {
    if (record.requestHash !== requestHash) {
      throw conflict("This idempotencyKey was already used for a different request: use a new key for a new request.");
    }
    return JSON.parse(record.response) as Result;
  }
}
