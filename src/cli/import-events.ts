// `npm run import -- <file.ndjson|file.csv> [--award-points] [--batch N]`: imports a history of behaviour events,
// streaming, with progress on stderr and a summary at the end. Events are idempotent by (source, externalId), so
// running the same file again adds nothing; fix the rejected lines and run it again. History orders are recorded
// without points unless --award-points (balances are migrated separately, e.g. with adjustPoints); they do
// count as qualifying spend for tiers. Exits 1 when any line was rejected.
import { parseArgs } from "node:util";
import { systemClock } from "../clock";
import { openEventBus } from "../events/open-event-bus";
import { createServices } from "../services";
import { formatOfFile, readEventFile, type EventFileFormat } from "../services/behaviour/event-file";
import { maximumEventsPerBatch } from "../services/behaviour/behaviour-event-service";
import type { BehaviourEventInput } from "../services/behaviour/event-input";
import { systemContext } from "../services/service-context";
import { openConfiguredDatabase } from "./open-configured-database";
import { runCommand } from "./run-command";

const shownRejections = 20;

runCommand(async () => {
  const { values, positionals } = parseArgs({ options: { "award-points": { type: "boolean" }, batch: { type: "string" }, format: { type: "string" } }, allowPositionals: true, strict: true });
  const file = positionals[0];
  if (!file) throw new Error("usage: npm run import -- <file.ndjson|file.csv> [--award-points] [--batch 1000] [--format ndjson|csv]");
  const format = (values.format ?? formatOfFile(file)) as EventFileFormat | null;
  if (format !== "ndjson" && format !== "csv") throw new Error(`cannot tell the format of ${file}: name it .ndjson, .jsonl or .csv, or pass --format`);
  const batchSize = Number(values.batch ?? maximumEventsPerBatch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > maximumEventsPerBatch) throw new Error(`--batch must be 1 to ${maximumEventsPerBatch}`);

  const { config, database } = await openConfiguredDatabase();
  const onBackgroundError = (error: unknown, what: string) => process.stderr.write(`error ${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  // With REDIS_URL set, the moves the import causes reach the running servers' subscribers.
  const bus = await openEventBus(config);
  const services = createServices({ dataSource: database.dataSource, clock: systemClock, config, events: bus.events, signInCodeSender: { send: async () => undefined }, onBackgroundError });
  const context = systemContext("import");
  const totals = { lines: 0, accepted: 0, duplicates: 0, rejected: 0 };
  const rejections: string[] = [];
  const touched = new Set<number>();
  let rescored = 0;
  const started = Date.now();
  const reject = (line: number, reason: string) => {
    totals.rejected += 1;
    if (rejections.length < shownRejections) rejections.push(`  line ${line}: ${reason}`);
  };

  let batch: { line: number; event: BehaviourEventInput }[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const result = await services.behaviourEvents.recordEvents(context, batch.map((item) => item.event), { awardPoints: values["award-points"] ?? false, rescore: false });
    for (const item of result.results) {
      const { line, event } = batch[item.index];
      if (item.status === "ACCEPTED") {
        totals.accepted += 1;
        touched.add(event.memberId);
      } else if (item.status === "DUPLICATE") totals.duplicates += 1;
      else reject(line, `${item.code}: ${(item.reason ?? "").replace(`events[${item.index}]`, "event")}`);
    }
    batch = [];
    process.stderr.write(`imported ${totals.lines.toLocaleString("en-US")} lines: ${totals.accepted} accepted, ${totals.duplicates} duplicates, ${totals.rejected} rejected (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  };

  try {
    for await (const record of readEventFile(file, format)) {
      totals.lines += 1;
      if ("error" in record) reject(record.line, record.error);
      else batch.push(record);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    // The import rescored no one on the way (a member may have hundreds of events in the file): once, now.
    const members = [...touched];
    for (let start = 0; start < members.length; start += 1_000) rescored += await services.scoring.rescoreMembers(members.slice(start, start + 1_000));
    await services.scoring.stop();
  } finally {
    await bus.close();
    await database.dataSource.destroy();
  }
  process.stdout.write(
    `${file}: ${totals.lines} lines, ${totals.accepted} accepted, ${totals.duplicates} duplicates (already imported), ${totals.rejected} rejected; ` +
      `${rescored} members rescored${rescored < touched.size ? " (members are scored once a first full run has set the breakpoints: npm run rescore)" : ""}; ${((Date.now() - started) / 1000).toFixed(1)} s.\n`,
  );
  if (rejections.length > 0) {
    process.stdout.write(`Rejected lines${totals.rejected > shownRejections ? ` (first ${shownRejections})` : ""}:\n${rejections.join("\n")}\nFix them and run the import again: accepted lines are not imported twice.\n`);
    process.exitCode = 1;
  }
});
