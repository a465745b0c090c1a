// `npm run jobs -- points-expiry|tier-review|behaviour-windows|rescore|segments|all`: runs the scheduled jobs once, e.g. from cron when the server's
// own schedule is off (JOBS_INTERVAL_SECONDS=0).
import { systemClock } from "../clock";
import { openEventBus } from "../events/open-event-bus";
import { scheduledJobs } from "../server/scheduled-jobs";
import { createServices } from "../services";
import { openConfiguredDatabase } from "./open-configured-database";
import { runCommand } from "./run-command";

runCommand(async () => {
  const which = process.argv[2] ?? "all";
  if (!["points-expiry", "tier-review", "behaviour-windows", "rescore", "segments", "all"].includes(which)) throw new Error("usage: run-jobs.js points-expiry|tier-review|behaviour-windows|rescore|all");
  const { config, database } = await openConfiguredDatabase();
  // With REDIS_URL set, the moves a job makes reach the running servers' subscribers.
  const bus = await openEventBus(config);
  try {
    const signInCodeSender = { send: async () => undefined };
    const services = createServices({ dataSource: database.dataSource, clock: systemClock, config, events: bus.events, signInCodeSender });
    // Asked for by name, a rescoring runs even when RESCORE_EVERY_HOURS is 0 (the server's schedule off).
    for (const job of scheduledJobs(services, Math.max(config.rescoreEveryHours, 1), database.dataSource, systemClock)) {
      if (which !== "all" && job.name !== which) continue;
      process.stdout.write(`${job.name}: ${JSON.stringify(await job.run())}\n`);
    }
  } finally {
    await bus.close();
    await database.dataSource.destroy();
  }
});
