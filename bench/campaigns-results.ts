// Renders the campaigns section of bench/RESULTS.md.
import type { CampaignBenchResults, CampaignBenchSettings, CampaignDatabaseResults, CampaignSide } from "./campaigns";
import type { ProfileSummary } from "./cpu-profile";

export const campaignsSectionMarker = "<!-- campaigns benchmark -->";

const targetSendsPerSecond = 5_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const whole = (value: number) => Math.round(value).toLocaleString("en-US");
const seconds = (value: number) => value.toFixed(2);

function sideRow(label: string, sends: number, side: CampaignSide, floor: CampaignSide): string {
  const cells = (pick: (side: CampaignSide) => number[]) => {
    const time = median(pick(side));
    return `${seconds(time)} s, ${whole(sends / time)}/s, ${(time / median(pick(floor))).toFixed(2)}×`;
  };
  return (
    `| ${label} | ${cells((entry) => entry.enqueueSeconds)} | ${cells((entry) => entry.deliverySeconds)} | **${cells((entry) => entry.totalSeconds)}** | ` +
    `${side.totalSeconds.map(seconds).join(", ")} | ${(median(side.statements) / sends).toFixed(2)} |`
  );
}

function profileLines(profile: ProfileSummary): string[] {
  const share = (value: number) => `${(value * 100).toFixed(1)}%`;
  return [
    `  - by package: ${profile.byPackage.slice(0, 8).map((entry) => `${entry.name} ${share(entry.share)}`).join(", ")}.`,
    `  - hottest functions (self time): ${profile.topFunctions.slice(0, 10).map((entry) => `\`${entry.name}\` (${entry.where}) ${share(entry.share)}`).join(", ")}.`,
  ];
}

function databaseSection(result: CampaignDatabaseResults, settings: CampaignBenchSettings): string[] {
  const total = median(result.run.totalSeconds);
  const rate = result.sends / total;
  return [
    `### ${result.label}`,
    "",
    `${result.serverVersion}; ${whole(result.members)} demo members${result.prepareSeconds === null ? " (prepared by an earlier run)" : `, prepared in ${seconds(result.prepareSeconds)} s`}. ` +
      `Audience chunks of ${whole(result.chunkSize)} members, delivery batches of ${whole(result.batchSize)} sends (one transaction each). Medians of ${settings.rounds} alternated rounds; ` +
      "each cell: seconds, sends per second, ÷ the floor's time for that phase.",
    "",
    "| side | enqueue (assignments, PENDING sends) | delivery (sends made) | total | total per round (s) | statements per send |",
    "|---|---:|---:|---:|---|---:|",
    sideRow("floor: the same rows, plain bulk SQL, no per-send logic", result.sends, result.floor, result.floor),
    sideRow("**campaign run** (`CampaignRunner.runUntilIdle`)", result.sends, result.run, result.floor),
    "",
    `Target ≥ ${whole(targetSendsPerSecond)} sends/s ${rate >= targetSendsPerSecond ? "met" : "**not met**"}: ${whole(rate)} sends/s end to end (${whole(result.sends)} sends in ${seconds(total)} s), ` +
      `${(total / median(result.floor.totalSeconds)).toFixed(2)}× the floor's time.`,
    "",
    `- Where a run's CPU time goes (V8 profile of one more run, ${seconds(result.profile.totalMilliseconds / 1000)} s busy):`,
    ...profileLines(result.profile),
    "",
  ];
}

export function renderCampaignsResults(results: CampaignBenchResults, settings: CampaignBenchSettings): string {
  return [
    campaignsSectionMarker,
    "## Campaigns",
    "",
    `A one-shot APP_PUSH campaign to an ad-hoc segment every member matches (tier rank ≥ 0), every member consenting to app push, one variant, no control: ` +
      `each send checks the guard rails (consent, quiet hours, frequency cap, budget), gives a coupon, renders \`${results.message}\`, writes a CAMPAIGN_MESSAGE webhook delivery ` +
      `(one endpoint registered) and is marked SENT. Clock fixed at ${results.clock.toISOString()} (12:00 in the programme's time zone, outside quiet hours). ` +
      "The campaign tables are emptied before every round; an untimed run first warms the cache and gives the floor its rows. " +
      "The **floor** writes the same rows in the same transactions with plain bulk SQL: the members read by id, assignments and PENDING sends inserted per chunk; per batch the coupons and webhook deliveries inserted " +
      "(the run's own coupon codes, messages and payloads) and the sends set to SENT in one multi-row upsert. " +
      `Target: at least ${whole(targetSendsPerSecond)} sends/s.`,
    "",
    ...results.databases.flatMap((result) => databaseSection(result, settings)),
  ].join("\n");
}
