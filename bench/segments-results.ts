// Renders the segments section of bench/RESULTS.md.
import type { ProfileSummary } from "./cpu-profile";
import type { TimedSide } from "./segment-evaluation";
import type { LatencyPhase, LatencySummary } from "./segment-move-latency";
import type { SegmentBenchResults, SegmentBenchSettings } from "./segments";

export const segmentsSectionMarker = "<!-- segments benchmark -->";

const evaluationTargetSeconds = 120;
const latencyTargetMilliseconds = 50;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const whole = (value: number) => Math.round(value).toLocaleString("en-US");
const seconds = (value: number) => value.toFixed(1);
const milliseconds = (value: number) => value.toFixed(1);

function timedRow(label: string, members: number, side: TimedSide, floor: TimedSide): string {
  const time = median(side.seconds);
  const moves = side.moves.length > 0 ? whole(median(side.moves)) : "0";
  return `| ${label} | ${whole(members)} | ${moves} | ${seconds(time)} | ${side.seconds.map(seconds).join(", ")} | ${whole(members / time)} | ${(time / median(floor.seconds)).toFixed(2)}× |`;
}

function latencyRow(label: string, phases: LatencyPhase[], overall: LatencySummary, baseline: LatencySummary): string {
  const sum = (pick: (phase: LatencyPhase) => number) => whole(phases.reduce((total, phase) => total + pick(phase), 0));
  return (
    `| ${label} | ${whole(phases[0]?.subscriptions ?? 0)} | ${sum((phase) => phase.logins)} | ${sum((phase) => phase.moves)} | ${sum((phase) => phase.messages)} / ${sum((phase) => phase.expectedMessages)} | ` +
    `${sum((phase) => phase.subscribersWrong)} of ${sum((phase) => phase.subscriptions)} | ${milliseconds(overall.p50)} | ${milliseconds(overall.p95)} | ${milliseconds(overall.p99)} | ${milliseconds(overall.max)} | ${(overall.p95 / baseline.p95).toFixed(1)}× |`
  );
}

function profileLines(profile: ProfileSummary): string[] {
  const share = (value: number) => `${(value * 100).toFixed(1)}%`;
  return [
    `  - by package: ${profile.byPackage.slice(0, 8).map((entry) => `${entry.name} ${share(entry.share)}`).join(", ")}.`,
    `  - hottest functions (self time): ${profile.topFunctions.slice(0, 10).map((entry) => `\`${entry.name}\` (${entry.where}) ${share(entry.share)}`).join(", ")}.`,
  ];
}

export function renderSegmentsResults(results: SegmentBenchResults, settings: SegmentBenchSettings): string {
  const { evaluation, latency } = results;
  const schedule = median(evaluation.schedule.run.seconds);
  const placement = evaluation.placement.run.seconds.length > 0 ? median(evaluation.placement.run.seconds) : null;
  const disagreeing = evaluation.sql.counts.filter((count) => count.stored !== count.bySql);
  const bySchemes = new Map<string, string[]>();
  for (const count of evaluation.sql.counts) bySchemes.set(count.scheme, [...(bySchemes.get(count.scheme) ?? []), `${count.segment} ${whole(count.stored)}`]);
  const wrong = [...latency.one, ...latency.many].reduce((total, phase) => total + phase.subscribersWrong, 0);
  const p95 = latency.manyOverall.p95;
  const rounds = (phases: LatencyPhase[]) => phases.map((phase) => `${milliseconds(phase.latency.p50)} / ${milliseconds(phase.latency.p95)} / ${milliseconds(phase.latency.max)}`).join("; ");
  return [
    segmentsSectionMarker,
    "## Segments (SQLite)",
    "",
    "### Full re-evaluation",
    "",
    `${whole(evaluation.members)} demo members (the scoring benchmark's database, seed ${settings.evaluation.seed}${evaluation.seedSeconds === null ? ", kept in bench/.data" : `, seeded in ${whole(evaluation.seedSeconds)} s`}; ` +
      `opened in ${seconds(evaluation.openSeconds)} s with any pending migrations${evaluation.scoringSeconds === null ? "" : `; scored first in ${seconds(evaluation.scoringSeconds)} s`}), ` +
      `${evaluation.schemes} built-in schemes with ${evaluation.segments} segments. \`SegmentService.evaluateAll("SCHEDULE")\` timed whole, in chunks of 2,000 members. ` +
      `Medians of ${settings.evaluation.rounds} alternated rounds (periodic) and ${settings.evaluation.placementRounds} (first placement). ` +
      `Target: a full re-evaluation within ${evaluationTargetSeconds} s.`,
    "",
    "| side | members | moves | seconds (median) | rounds | members/s | ÷ its floor |",
    "|---|---:|---:|---:|---|---:|---:|",
    timedRow("floor: the same facts read (`readMemberFacts`, same chunks), the same membership rows REPLACEd and move rows inserted, no evaluation", evaluation.members, evaluation.schedule.floor, evaluation.schedule.floor),
    timedRow("**periodic re-evaluation**, memberships in place (the schedule's job)", evaluation.members, evaluation.schedule.run, evaluation.schedule.floor),
    ...(placement === null
      ? []
      : [
          timedRow("floor of the first placement: the same reads, every membership and move row written", evaluation.members, evaluation.placement.floor, evaluation.placement.floor),
          timedRow("**first placement**: memberships empty, every member INITIAL in every scheme", evaluation.members, evaluation.placement.run, evaluation.placement.floor),
        ]),
    "",
    `Target ${schedule <= evaluationTargetSeconds ? "met" : "**not met**"}: the periodic re-evaluation of ${whole(evaluation.members)} members took ${seconds(schedule)} s` +
      `${placement === null ? "." : `; the first placement ${seconds(placement)} s (${placement <= evaluationTargetSeconds ? "also within" : "**beyond**"} ${evaluationTargetSeconds} s).`}`,
    "",
    `- The pure engine alone (\`assignSegment\` in every scheme, facts in memory, ${whole(evaluation.engine.members)} members): ${whole(evaluation.engine.membersPerSecond)} members/s.`,
    `- The SQL path: each segment counted in the database by its rule's filter (\`ruleToSql\`) and none of the earlier rules', ${evaluation.sql.statements} COUNT statements: ` +
      `${seconds(evaluation.sql.seconds)} s, ${whole(evaluation.members / evaluation.sql.seconds)} members/s (it counts, it stores nothing). ` +
      (disagreeing.length === 0
        ? "Every count equals the stored memberships the engine placed."
        : `**${disagreeing.length} counts differ** from the stored memberships: ${disagreeing.map((count) => `${count.scheme}/${count.segment} ${count.stored} stored, ${count.bySql} by SQL`).join("; ")}.`),
    `- Where a periodic run's CPU time goes (V8 profile of one more run, ${seconds(evaluation.profile.totalMilliseconds / 1000)} s busy):`,
    ...profileLines(evaluation.profile),
    "- Segment sizes (stored memberships):",
    ...[...bySchemes].map(([scheme, segments]) => `  - ${scheme}: ${segments.join(", ")}.`),
    "",
    "### Live moves to subscribers",
    "",
    `The server in its own process on ${whole(latency.members)} demo members (SQLite), the subscribers in the benchmark's process, one graphql-ws socket each, as an analyst. ` +
      `Dormant members log in one at a time through \`recordEvents\` (an operator); each login moves the member from DORMANT to ACTIVE, and sometimes in other schemes. ` +
      `Latency: from the server publishing the move, right after its transaction commits (\`process.hrtime\` there), to the message's arrival at a subscriber (\`process.hrtime\` here); one monotonic clock for both processes. ` +
      `The ${whole(settings.latency.subscriptions)} subscriptions: ${whole(latency.mix.memberOfMover)} on a mover (member and ACTIVITY: exactly one move each), ${whole(latency.mix.schemeOnly)} on the ACTIVITY scheme, ` +
      `${whole(latency.mix.unfiltered)} with no filter (every move), ${whole(latency.mix.memberNotMoving)} on members who do not move (nothing). ` +
      `${settings.latency.rounds} rounds, alternating which side goes first; samples pooled. Target: p95 within ${latencyTargetMilliseconds} ms.`,
    "",
    "| side | subscriptions | logins | moves published | messages received / expected | feeds not exactly as expected (all rounds) | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | p95 ÷ one subscription |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    latencyRow("one subscription (ACTIVITY)", latency.one, latency.oneOverall, latency.oneOverall),
    latencyRow(`**${whole(settings.latency.subscriptions)} subscriptions**`, latency.many, latency.manyOverall, latency.oneOverall),
    "",
    `Target ${p95 <= latencyTargetMilliseconds ? "met" : "**not met**"}: p95 ${milliseconds(p95)} ms with ${whole(settings.latency.subscriptions)} subscriptions. ` +
      (wrong === 0 ? "Every subscriber received exactly the moves its filters select, each once." : `**${wrong} subscribers** did not receive exactly the moves their filters select.`),
    "",
    `- Rounds (p50 / p95 / max, ms): one subscription ${rounds(latency.one)}; ${whole(settings.latency.subscriptions)} subscriptions ${rounds(latency.many)}.`,
    `- Where the server's CPU time goes with ${whole(settings.latency.subscriptions)} subscriptions (V8 profile of one more phase: connecting, subscribing, ${whole(settings.latency.moves)} logins; ${seconds(latency.profile.totalMilliseconds / 1000)} s busy):`,
    ...profileLines(latency.profile),
    "",
  ].join("\n");
}
