// `npm run jobs -- points-expiry|tier-review|behaviour-windows|rescore|segments|webhooks|all`: runs the scheduled jobs once, e.g. from cron when the server's
// own schedule is off (JOBS_INTERVAL_SECONDS=0).
import { systemClock } from "../clock";
import { createEventBus } from "../events/event-bus";
import { scheduledJobs, webhookDispatchJob } from "../server/scheduled-jobs";
import { createServices } from "../services";
import { openConfiguredDatabase } from "./open-configured-database";
import { runCommand } from "./run-command";

runCommand(async () => {
  const which = process.argv[2] ?? "all";
  if (!["points-expiry", "tier-review", "behaviour-windows", "rescore", "segments", "webhooks", "all"].includes(which)) throw new Error("usage: run-jobs.js points-expiry|tier-review|behaviour-windows|rescore|segments|webhooks|all");
  const { config, database } = await openConfiguredDatabase();
  try {
    const signInCodeSender = { send: async () => undefined };
    const services = createServices({ dataSource: database.dataSource, clock: systemClock, config, events: createEventBus(), signInCodeSender });
    // Asked for by name, a rescoring runs even when RESCORE_EVERY_HOURS is 0 (the server's schedule off).
    // Webhooks last: they send the moves the segments job made.
    for (const job of [...scheduledJobs(services, Math.max(config.rescoreEveryHours, 1), database.dataSource, systemClock), webhookDispatchJob(services)]) {
      if (which !== "all" && job.name !== which) continue;
      process.stdout.write(`${job.name}: ${JSON.stringify(await job.run())}\n`);
    }
  } finally {
    await database.dataSource.destroy();
  }
});
