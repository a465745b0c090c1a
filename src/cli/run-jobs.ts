// `npm run jobs -- points-expiry|tier-review|behaviour-windows|badges|challenge-rewards|settlement|referral-rewards|rescore|segments|campaigns|webhooks|leaderboards|kpi-facts|all`: runs the scheduled jobs once, e.g. from cron when the server's
// own schedule is off (JOBS_INTERVAL_SECONDS=0).
import { systemClock } from "../clock";
import { openEventBus } from "../events/open-event-bus";
import { campaignJob, kpiFactsJob, leaderboardJob, scheduledJobs, webhookDispatchJob, type ScheduledJob } from "../server/scheduled-jobs";
import type { SegmentEvaluationRunRecord } from "../entities";
import { createServices } from "../services";
import { openConfiguredDatabase } from "./open-configured-database";
import { runCommand } from "./run-command";

const summary = (run: SegmentEvaluationRunRecord) => ({ runId: run.id, status: run.status, members: run.membersDone, moves: run.moves, ...(run.error ? { error: run.error } : {}) });

runCommand(async () => {
  const which = process.argv[2] ?? "all";
  if (!["points-expiry", "tier-review", "behaviour-windows", "badges", "challenge-rewards", "settlement", "referral-rewards", "rescore", "segments", "campaigns", "webhooks", "leaderboards", "kpi-facts", "all"].includes(which)) throw new Error("usage: run-jobs.js points-expiry|tier-review|behaviour-windows|badges|challenge-rewards|settlement|referral-rewards|rescore|segments|campaigns|webhooks|leaderboards|kpi-facts|all");
  const { config, database } = await openConfiguredDatabase();
  // With REDIS_URL set, the moves a job makes reach the running servers' subscribers.
  const bus = await openEventBus(config);
  try {
    const signInCodeSender = { send: async () => undefined };
    const services = createServices({ dataSource: database.dataSource, clock: systemClock, config, events: bus.events, signInCodeSender });
    // Asked for by name, a rescoring runs even when RESCORE_EVERY_HOURS is 0 (the server's schedule off).
    const jobs: ScheduledJob[] = [
      ...scheduledJobs(services, Math.max(config.rescoreEveryHours, 1), database.dataSource, systemClock),
      // After the rescoring: every member against every scheme, as a recorded run.
      { name: "segments", run: async () => summary(await services.segmentEvaluations.run("COMMAND_LINE", "system:jobs")) },
      // Campaigns after the segments (entering one may trigger a campaign); webhooks last: they send what both made.
      campaignJob(services),
      webhookDispatchJob(services),
      // After everything that writes points.
      leaderboardJob(services),
      kpiFactsJob(database.dataSource, systemClock, config.programme.utcOffsetMinutes),
    ];
    for (const job of jobs) {
      if (which !== "all" && job.name !== which) continue;
      process.stdout.write(`${job.name}: ${JSON.stringify(await job.run())}\n`);
    }
  } finally {
    await bus.close();
    await database.dataSource.destroy();
  }
});
