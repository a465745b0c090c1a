// The jobs that keep points, tiers and scores current as time passes, and the in-process timer that runs them.
// Segment membership is re-evaluated on a cron schedule of its own (src/server/segment-schedule.ts).
import type { DataSource } from "typeorm";
import type { Clock } from "../clock";
import type { Services } from "../services";
import { runInTransaction } from "../database/transactions";
import { foldAllFactChanges } from "../services/analytics/kpi-fact-store";
import { foldDailyChanges } from "../services/analytics/kpi-daily-sums";
import { foldPointChanges } from "../services/analytics/kpi-points-facts";
import { regroupPoints } from "../services/analytics/points-by-group";
import { systemContext } from "../services/service-context";

export interface ScheduledJob {
  /** "segments", "campaigns" and "webhooks" have timers of their own in the server (a cron, a short interval); the command line runs them with these. */
  name: "points-expiry" | "tier-review" | "behaviour-windows" | "badges" | "challenge-rewards" | "rescore" | "settlement" | "referral-rewards" | "segments" | "campaigns" | "webhooks" | "leaderboards" | "kpi-facts";
  run(): Promise<object>;
}

export function scheduledJobs(services: Pick<Services, "pointsExpiry" | "tierQualification" | "scoring" | "activity" | "settlement" | "referralRewards" | "badgeRules" | "challengeRewards">, rescoreEveryHours: number, dataSource: DataSource, clock: Clock): ScheduledJob[] {
  const jobs: ScheduledJob[] = [
    { name: "points-expiry", run: () => services.pointsExpiry.run() },
    { name: "tier-review", run: () => services.tierQualification.reviewDue() },
    // Windows end on the day they were summed for: after midnight every member's 30/90-day figures move on.
    { name: "behaviour-windows", run: async () => ({ refreshed: await services.activity.refreshWindows(dataSource, clock.now()) }) },
    // After the windows moved: 社交达人 reads the members' 90-day interactions.
    { name: "badges", run: () => services.badgeRules.awardSocialStars() },
    // Challenge points are granted just after each completion commits; this catches any a crash left waiting.
    { name: "challenge-rewards", run: () => services.challengeRewards.grantPending() },
    // Each partner's statement closes once its period has ended; what arrives later goes onto the next one.
    {
      name: "settlement",
      run: async () => ({ closed: (await services.settlement.closeDuePeriods(systemContext("settlement"))).map((statement) => ({ partnerId: statement.partnerId, statementId: statement.id })) }),
    },
    // Rewards of qualified referrals are paid just after the order; this pays any a crash left owed.
    { name: "referral-rewards", run: () => services.referralRewards.payOwed() },
  ];
  // Last: expiry and reviews change what the scores read.
  if (rescoreEveryHours > 0) jobs.push({ name: "rescore", run: () => services.scoring.rescoreIfDue(rescoreEveryHours) });
  return jobs;
}

/** Starts due campaigns, enqueues their audiences and delivers due sends. The server runs it every few seconds. */
export function campaignJob(services: Pick<Services, "campaignRunner">): ScheduledJob {
  return { name: "campaigns", run: () => services.campaignRunner.runUntilIdle() };
}

/** Sends the webhook deliveries that are due. The server runs it on a timer of its own, every few seconds. */
export function webhookDispatchJob(services: Pick<Services, "webhookDispatcher">): ScheduledJob {
  return { name: "webhooks", run: () => services.webhookDispatcher.dispatchDue() };
}

/**
 * Rebuilds the leaderboards that may have changed. The server runs it every LEADERBOARD_REFRESH_SECONDS; a board another
 * process built within `skipYoungerThanSeconds` is kept.
 */
export function leaderboardJob(services: Pick<Services, "leaderboardRefresh">, skipYoungerThanSeconds = 0): ScheduledJob {
  return { name: "leaderboards", run: () => services.leaderboardRefresh.refresh({ skipYoungerThanSeconds }) };
}

/**
 * Runs every job now and then every `intervalSeconds`, one run at a time (a slow run delays the next rather than
 * overlapping it). Several server processes may each run the jobs: every step locks its member and re-checks, so
 * a second run finds nothing left to do. Returns a stop function.
 */
export function startJobTimer(jobs: ScheduledJob[], intervalSeconds: number, onResult: (name: string, result: object | Error) => void): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  const runAll = async () => {
    for (const job of jobs) {
      if (stopped) return;
      try {
        onResult(job.name, await job.run());
      } catch (error) {
        onResult(job.name, error instanceof Error ? error : new Error(String(error)));
      }
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runAll().then(schedule);
    }, intervalSeconds * 1000);
    timer.unref();
  };
  running = runAll().then(schedule);
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}

/**
 * Adds the KPI fact changes events and ledger entries appended into the facts (activity, points by day, and the daily sums by group). The
 * server runs it every KPI_FACTS_FOLD_SECONDS. First, the points of members whose segment moved and whose points have
 * not followed yet (a crash after the move, or an account busy at the time) follow them.
 */
export function kpiFactsJob(dataSource: DataSource, clock: Clock, utcOffsetMinutes: number): ScheduledJob {
  return {
    name: "kpi-facts",
    run: async () => {
      const regrouped = await regroupPoints(dataSource, utcOffsetMinutes, clock.now());
      const activity = await foldAllFactChanges(dataSource, clock.now());
      let points = 0;
      for (;;) {
        const folded = await runInTransaction(dataSource, (manager) => foldPointChanges(manager, { now: clock.now() }));
        if (folded === 0) break;
        points += folded;
      }
      let daily = 0;
      for (;;) {
        const folded = await runInTransaction(dataSource, (manager) => foldDailyChanges(manager, { now: clock.now() }));
        if (folded === 0) break;
        daily += folded;
      }
      return { regrouped, activity, points, daily };
    },
  };
}
