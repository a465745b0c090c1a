// `npm run seed -- --members N [--seed S]`: appends N deterministic demo members (and demo staff).
import { parseArgs } from "node:util";
import { runCommand } from "./run-command";
import { systemClock } from "../clock";
import { PersonalDataCipher } from "../privacy/personal-data-cipher";
import { createEventBus } from "../events/event-bus";
import { seedDemoData } from "../seed/demo-data";
import { createServices } from "../services";
import { openConfiguredDatabase } from "./open-configured-database";
import { seedProgressReporter } from "./seed-progress";

function positiveInteger(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new Error(`--${name} must be a whole number (got "${value}")`);
  return Number(value);
}

runCommand(async () => {
  const { values } = parseArgs({ options: { members: { type: "string" }, seed: { type: "string" } }, strict: true });
  const { config, database } = await openConfiguredDatabase();
  try {
    const members = positiveInteger(values.members, "members", config.demoMembersOnFirstStart || 3000);
    const seed = positiveInteger(values.seed, "seed", config.demoSeed);
    const started = Date.now();
    const result = await seedDemoData(database.dataSource, {
      members,
      seed,
      clock: systemClock,
      cipher: new PersonalDataCipher(config.personalDataKey),
      withDemoStaff: config.environment !== "production",
      programme: config.programme,
      scoringWindowDays: config.scoring.rfmWindowDays,
      onProgress: seedProgressReporter(),
    });
    process.stdout.write(
      `Seeded ${result.membersInserted} members (seed ${seed}) in ${((Date.now() - started) / 1000).toFixed(1)} s` +
        `${result.membersSkipped ? `, skipped ${result.membersSkipped} whose phone was taken` : ""}` +
        `${result.staffUsersCreated ? `, created ${result.staffUsersCreated} demo staff users` : ""}.\n`,
    );
    // Demo data comes with scores, as a programme that has been running would have them.
    const scoringStarted = Date.now();
    const services = createServices({ dataSource: database.dataSource, clock: systemClock, config, events: createEventBus(), signInCodeSender: { send: async () => undefined } });
    const progress = seedProgressReporter(process.stderr, "scored");
    const run = await services.scoring.runFull("DEMO_SEED", "system:seed", (current) => progress(current.membersScored, current.membersTotal));
    process.stdout.write(`Scored ${run.membersScored} members (run ${run.id}) in ${((Date.now() - scoringStarted) / 1000).toFixed(1)} s.\n`);
    await services.segments.ensureBuiltInSchemes();
    const placed = await services.segments.evaluateAll("SCHEDULE");
    process.stdout.write(`Placed ${placed.members} members in the segment schemes (${placed.moves} moves).\n`);
  } finally {
    await database.dataSource.destroy();
  }
});
