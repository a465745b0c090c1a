// `npm run rescore`: a full rescoring of every member now, with progress on stderr.
import { systemClock } from "../clock";
import { createEventBus } from "../events/event-bus";
import { createServices } from "../services";
import { openConfiguredDatabase } from "./open-configured-database";
import { runCommand } from "./run-command";
import { seedProgressReporter } from "./seed-progress";

runCommand(async () => {
  const { config, database } = await openConfiguredDatabase();
  try {
    const services = createServices({ dataSource: database.dataSource, clock: systemClock, config, events: createEventBus(), signInCodeSender: { send: async () => undefined } });
    const started = Date.now();
    const progress = seedProgressReporter(process.stderr, "scored");
    const run = await services.scoring.runFull("COMMAND_LINE", "system:rescore", (current) => progress(current.membersScored, current.membersTotal));
    process.stdout.write(`Scoring run ${run.id}: ${run.membersScored} members scored in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
  } finally {
    await database.dataSource.destroy();
  }
});
