// `npm start`: migrations, the default tier ladder, demo data on an empty database, then the server.
import { runCommand } from "./run-command";
import { loadConfig } from "../config";
import { MemberRecord } from "../entities";
import { seedDemoData } from "../seed/demo-data";
import { rebuildKpiFacts } from "../services/analytics/kpi-facts-rebuild";
import { startApplication } from "../server/application";
import { scheduledJobs, startJobTimer } from "../server/scheduled-jobs";
import { startSegmentSchedule } from "../server/segment-schedule";
import { seedProgressReporter } from "./seed-progress";

runCommand(async () => {
  const config = loadConfig(process.env);
  const application = await startApplication({
    config,
    async beforeListen({ database, services, logger, clock }) {
      if (config.jwtSecretIsDevelopmentDefault) logger.warn("JWT_SECRET is not set: using the development secret. Set it (32+ characters) before exposing this server.");
      if (config.personalDataKeyIsDevelopmentDefault) logger.warn("PERSONAL_DATA_KEY is not set: personal data is encrypted with the development key.");
      if (config.demoMembersOnFirstStart === 0) return;
      if ((await database.dataSource.getRepository(MemberRecord).count()) > 0) return;
      logger.info({ members: config.demoMembersOnFirstStart, seed: config.demoSeed }, "empty database: seeding demo data (DEMO_MEMBERS=0 turns this off)");
      const result = await seedDemoData(database.dataSource, {
        members: config.demoMembersOnFirstStart,
        seed: config.demoSeed,
        clock,
        cipher: services.cipher,
        withDemoStaff: config.environment !== "production",
        programme: config.programme,
        scoringWindowDays: config.scoring.rfmWindowDays,
        onProgress: config.demoMembersOnFirstStart >= 20_000 ? seedProgressReporter() : undefined,
      });
      logger.info(result, "demo data seeded");
      const run = await services.scoring.runFull("DEMO_SEED", "system:seed");
      logger.info({ runId: run.id, membersScored: run.membersScored }, "demo members scored");
      const placement = await services.segmentEvaluations.run("COMMAND_LINE", "system:seed");
      logger.info({ runId: placement.id, status: placement.status, members: placement.membersDone, moves: placement.moves }, "demo members placed in segments");
      // The seeded history was counted in the groups members joined with; now that they are scored and placed, it
      // counts in these, so the demo's KPI breakdowns by segment are not all "unplaced".
      await rebuildKpiFacts(database.dataSource, config.programme.utcOffsetMinutes, { regroup: true });
    },
  });

  // Signals are handled before anything says the server is up.
  let stopJobs: () => Promise<void> = async () => undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    application.logger.info({ signal }, "stopping: draining HTTP and WebSocket connections");
    stopJobs().then(() => application.stop()).then(
      () => {
        application.logger.info("stopped");
        process.exit(0);
      },
      (error: unknown) => {
        application.logger.error({ err: error }, "failed to stop cleanly");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));

  const stopSegmentSchedule =
    config.segmentsCron === null
      ? async () => undefined
      : startSegmentSchedule(config.segmentsCron, config.programme.utcOffsetMinutes, application.services.segmentEvaluations, (result) => {
          if (result instanceof Error) application.logger.error({ err: result }, "scheduled segment evaluation failed");
          else if (result === null) application.logger.info("scheduled segment evaluation: another server process runs this occurrence");
          else application.logger.info({ runId: result.id, status: result.status, members: result.membersDone, moves: result.moves }, "scheduled segment evaluation done");
        });
  const stopIntervalJobs =
    config.jobsIntervalSeconds > 0
      ? startJobTimer(scheduledJobs(application.services, config.rescoreEveryHours, application.database.dataSource, application.clock), config.jobsIntervalSeconds, (job, result) => {
          if (result instanceof Error) application.logger.error({ job, err: result }, "scheduled job failed");
          else application.logger.info({ job, ...result }, "scheduled job done");
        })
      : async () => undefined;
  stopJobs = async () => {
    await Promise.all([stopIntervalJobs(), stopSegmentSchedule()]);
  };

  // Printed last: whoever waits for this line (a supervisor, the tests) may signal the process at once.
  const { url } = application.server;
  process.stdout.write(
    [
      "",
      `Loyalty Graph is running (${config.environment}, ${config.database.type}).`,
      `  GraphQL (HTTP):          ${url}`,
      `  Subscriptions (ws):      ${url.replace(/^http/, "ws")}`,
      `  Health / readiness:      ${url.replace(/\/graphql$/, "/healthz")}  ${url.replace(/\/graphql$/, "/readyz")}`,
      "Get a token for local use (send it as `Authorization: Bearer <token>`):",
      "  npm run -s token -- --role admin      (or operator, analyst)",
      "  npm run -s token -- --member 1        (a member's own token)",
      "",
    ].join("\n"),
  );
});
