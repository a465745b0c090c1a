// Renders the coalition section of bench/RESULTS.md.
import os from "node:os";
import type { CoalitionBenchSettings, CoalitionDatabaseResults, TillMeasurement } from "./coalition";

/** The coalition section starts here, so a run of one benchmark can keep the others' figures. */
export const coalitionSectionMarker = "<!-- coalition benchmark -->";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function medianOf(rounds: TillMeasurement[]): TillMeasurement {
  const pick = (field: keyof TillMeasurement) => median(rounds.map((round) => round[field]));
  return {
    operationsPerSecond: pick("operationsPerSecond"),
    latencyMedianMilliseconds: pick("latencyMedianMilliseconds"),
    latencyP99Milliseconds: pick("latencyP99Milliseconds"),
    lookupMedianMilliseconds: pick("lookupMedianMilliseconds"),
    earnMedianMilliseconds: pick("earnMedianMilliseconds"),
  };
}

const whole = (value: number) => Math.round(value).toLocaleString("en-US");

function section(result: CoalitionDatabaseResults, settings: CoalitionBenchSettings): string {
  const api = medianOf(result.api);
  const inProcess = medianOf(result.inProcess);
  const row = (name: string, measured: TillMeasurement, statements: number) =>
    `| ${name} | ${whole(measured.operationsPerSecond)} | ${measured.latencyMedianMilliseconds.toFixed(1)} | ${measured.latencyP99Milliseconds.toFixed(1)} | ${measured.lookupMedianMilliseconds.toFixed(1)} | ${measured.earnMedianMilliseconds.toFixed(1)} | ${statements.toFixed(1)} | ${(measured.operationsPerSecond / inProcess.operationsPerSecond).toFixed(2)} |`;
  const { closing, settlement, ledger } = result;
  const service = median(closing.serviceSeconds);
  const floor = median(closing.floorSeconds);
  const settlementVerifies = settlement.problems.length === 0;
  const ledgerVerifies = ledger.differences.length === 0 && ledger.membersWithoutAccount === 0;
  return [
    `### ${result.label}`,
    "",
    `${result.serverVersion}. ${whole(result.members)} demo members, seeded in ${result.seedSeconds.toFixed(1)} s. The machine's one-minute load average was ${result.loadAverage.start.toFixed(1)} when this part began and ${result.loadAverage.end.toFixed(1)} when it ended (${os.cpus().length} cores; above that, other work shared them).`,
    "",
    "**Till throughput** (one operation = `partnerMember` look-up by member code with benefits, then `earnPartnerPoints`):",
    "",
    `| side | operations/s | latency median (ms) | p99 (ms) | look-up median (ms) | earn median (ms) | SQL statements per operation | ÷ in-process ops/s |`,
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    row("in-process services (baseline: no HTTP, no GraphQL, no key check)", inProcess, result.statementsPerOperation.inProcess),
    row(`**GraphQL API** (${settings.connections} tills over HTTP, \`ApiKey\`)`, api, result.statementsPerOperation.api),
    "",
    `- Rounds (API / in-process ops/s): ${result.api.map((round, index) => `${whole(round.operationsPerSecond)} / ${whole(result.inProcess[index]?.operationsPerSecond ?? 0)}`).join("; ")}.`,
    `- ÷ in-process in each round: ${result.api.map((round, index) => (round.operationsPerSecond / (result.inProcess[index]?.operationsPerSecond ?? Number.NaN)).toFixed(2)).join(", ")}. Statements are counted over 50 sequential operations; the API's include the key check of each request and the server's own timers.`,
    `- Every operation's earn was checked (the member the look-up named, the points at the partner's rate); ${whole(result.tillOperations)} operations in all (warm-ups and counting included) left ${whole(result.tillLines)} POINTS_ISSUED lines at the two till partners: ${result.tillOperations === result.tillLines ? "one each" : "**NOT one each**"}.`,
    "",
    `**Closing a period**: ${whole(closing.lines)} lines for one partner in ${closing.period} (${whole(closing.commandLines)} from partner commands, ${whole(closing.bulkBenefitLines)} bulk benefit redemptions, ${whole(closing.bulkAdjustmentLines)} bulk adjustments; prepared in ${closing.prepareSeconds.toFixed(1)} s):`,
    "",
    "| side | seconds (median) | ÷ floor | rounds (s) | SQL statements |",
    "|---|---:|---:|---|---:|",
    `| floor (bare SQL: insert the statement, UPDATE the lines, one grouped SUM/COUNT, update the statement) | ${floor.toFixed(2)} | 1.00× | ${closing.floorSeconds.map((value) => value.toFixed(2)).join(", ")} | ${closing.floorStatements} |`,
    `| **\`SettlementService.closePeriod\`** | ${service.toFixed(2)} | ${(service / floor).toFixed(2)}× | ${closing.serviceSeconds.map((value) => value.toFixed(2)).join(", ")} | ${closing.serviceStatements} |`,
    "",
    `- ÷ floor in each round: ${closing.serviceSeconds.map((value, index) => `${(value / closing.floorSeconds[index]).toFixed(2)}×`).join(", ")}.`,
    `- Both sides' statements equal the open period's totals before closing: ${whole(closing.totals.lineCount)} lines, ${whole(closing.totals.pointsIssued)} points issued, ${whole(closing.totals.pointsRedeemed)} redeemed, ${whole(closing.totals.benefitsRedeemed)} benefits, net ${whole(closing.totals.netAmount)} fen.`,
    `- For comparison, reading the statement's ${whole(closing.totals.lineCount)} lines back as entities (\`findBy({ statementId })\`, timed alone after each close; what closePeriod did before it summed them in the database, as the floor does) takes ${median(closing.lineLoadSeconds).toFixed(2)} s (rounds: ${closing.lineLoadSeconds.map((value) => value.toFixed(2)).join(", ")}).`,
    `- After the run, \`verifySettlement\`: ${whole(settlement.ledgerEntriesChecked)} partner ledger entries, ${whole(settlement.linesChecked)} lines, ${settlement.statementsChecked} statements checked, ${settlementVerifies ? "**no problems**" : `**${settlement.problems.length} PROBLEMS**, e.g. ${settlement.problems.slice(0, 3).join("; ")}`}.`,
    `- \`verifyLedger\`: ${whole(ledger.accountsChecked)} accounts, ${ledger.differences.length} differences, ${ledger.membersWithoutAccount} members without account: ${ledgerVerifies ? "**verifies**" : "**DOES NOT VERIFY**"}.`,
    "",
  ].join("\n");
}

export function renderCoalitionResults(results: CoalitionDatabaseResults[], settings: CoalitionBenchSettings): string {
  return [
    coalitionSectionMarker,
    "## Partner coalition",
    "",
    `**Till throughput**: ${settings.connections} concurrent tills of two partners (agreements at 100 and 200 points per 100 yuan, three benefits each, one with a tier condition and one with stock),`,
    "each operation a look-up by a freshly issued member code (`partnerMember(lookup: { memberCode }) { partnerMemberId grantedFields tier { code } pointsBalance benefits { eligible usesLeft refusal benefit { code } } }`)",
    "and then `earnPartnerPoints` for a new order of 50-500 yuan with the partner's id for the member (`{ partnerMemberId points pointsBalance }`), on random members (30% and 10% of them granted",
    "the partners their balance). Over HTTP to the server in its own process (keep-alive sockets, one request at a time per till, latency timed per operation); beside it the same",
    `service calls in the load generator's process with as many concurrent callers. ${settings.warmupSeconds} s warm-up each, then ${settings.rounds} rounds of ${settings.seconds} s alternating which side goes first; medians shown.`,
    `The server runs only during its own rounds; its API keys allow ${whole(settings.keyRequestsPerMinute)} requests a minute (\`BENCH_COALITION_KEY_REQUESTS_PER_MINUTE\`).`,
    "",
    `**Closing a period**: \`closePeriod\` on the month before this one, ${settings.closeRounds} rounds alternating with the floor; between runs the period is opened again (untimed: lines unassigned, statement deleted).`,
    "",
    ...results.map((result) => section(result, settings)),
  ].join("\n");
}
