// Latency of live segment moves: the server in a child process, many graphql-ws subscriptions from this process,
// dormant members logging in one after another through recordEvents. Each move's latency runs from its publication in
// the server (right after its transaction commits; the target notes process.hrtime there) to its arrival at each
// subscriber (process.hrtime here): CLOCK_MONOTONIC is one clock for every process of the machine, so the two
// readings subtract without skew, at sub-millisecond resolution. Side by side: the same moves with one subscription.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { systemClock } from "../src/clock";
import { loadConfig } from "../src/config";
import { openDatabase } from "../src/database/data-source";
import { createEventBus } from "../src/events/event-bus";
import { PersonalDataCipher } from "../src/privacy/personal-data-cipher";
import { seedDemoData } from "../src/seed/demo-data";
import { createServices } from "../src/services";
import { systemContext } from "../src/services/service-context";
import { summariseProfile, type ProfileSummary } from "./cpu-profile";
import type { PublishedMove } from "./target";
import { secrets, startTarget, type RunningTarget } from "./target-process";

export interface MoveLatencySettings {
  members: number;
  subscriptions: number;
  /** Dormant members logging in per phase, each a move in the ACTIVITY scheme (and maybe in others). */
  moves: number;
  /** Rounds of the two phases, one subscription then all of them, alternating which goes first. */
  rounds: number;
}

export interface LatencySummary {
  samples: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LatencyPhase {
  subscriptions: number;
  logins: number;
  /** Moves the server published (ACTIVITY and any other scheme a login changed). */
  moves: number;
  messages: number;
  expectedMessages: number;
  /** Subscribers whose messages were not exactly the moves their filters select, each once. */
  subscribersWrong: number;
  /** Subscribers that expected moves, and of them those that got each exactly once. */
  subscribersExpecting: number;
  latency: LatencySummary;
}

export interface MoveLatencyResults {
  members: number;
  dormantMembers: number;
  mix: { memberOfMover: number; memberNotMoving: number; schemeOnly: number; unfiltered: number };
  one: LatencyPhase[];
  many: LatencyPhase[];
  /** Every sample of every round of a side, pooled. */
  oneOverall: LatencySummary;
  manyOverall: LatencySummary;
  /** The server's CPU profile over one more phase with every subscription (untimed: the profiler slows it). */
  profile: ProfileSummary;
}

const movesSubscription = `subscription ($schemeId: ID, $memberId: ID) { segmentMoves(schemeId: $schemeId, memberId: $memberId) { member { id } scheme { code } from { code } to { code } reason at } }`;
const loginMutation = `mutation ($events: [BehaviourEventInput!]!) { recordEvents(events: $events) { accepted } }`;

interface Filter {
  memberId: number | null;
  schemeId: number | null;
}

interface Subscriber {
  filter: Filter;
  client: Client;
  arrivals: { memberId: number; scheme: string; at: number }[];
  failure: unknown;
}

interface Prepared {
  directory: string;
  url: string;
  analyst: string;
  operator: string;
  dormant: number[];
  active: number[];
}

const memberGlobalId = (id: number) => Buffer.from(`Member:${id}`).toString("base64url");
const memberIdOf = (globalId: string) => Number(Buffer.from(globalId, "base64url").toString().split(":")[1]);
const now = () => Number(process.hrtime.bigint()) / 1e6;

function summarise(latencies: number[]): LatencySummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (fraction: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]);
  return { samples: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.at(-1) ?? 0 };
}

/** A scratch SQLite database of demo members, scored and placed, with staff tokens: an analyst watches, an operator records logins. */
async function prepare(members: number): Promise<Prepared> {
  const directory = mkdtempSync(path.join(os.tmpdir(), "loyalty-segment-moves-"));
  const file = path.join(directory, "moves.sqlite");
  const config = { ...loadConfig({ NODE_ENV: "production", ...secrets, LOG_LEVEL: "silent" }), database: { type: "sqlite" as const, path: file } };
  const { dataSource } = await openDatabase(config.database);
  try {
    await seedDemoData(dataSource, { members, seed: 1, clock: systemClock, cipher: new PersonalDataCipher(config.personalDataKey), withDemoStaff: false, batchSize: 2_000 });
    const services = createServices({ dataSource, clock: systemClock, config, events: createEventBus(), signInCodeSender: { send: async () => undefined } });
    await services.scoring.runFull("COMMAND_LINE", "bench");
    await services.segments.ensureBuiltInSchemes();
    await services.segments.evaluateAll("SCHEDULE");
    const token = async (role: "analyst" | "operator") => {
      const staff = await services.staff.findOrCreateForRole(systemContext("bench"), role);
      return `Bearer ${(await services.tokens.issue({ kind: "staff", staffUserId: staff.id, role }, new Date())).token}`;
    };
    const inActivity = async (code: string) =>
      ((await dataSource.query(
        `SELECT ms.member_id AS id FROM segment_memberships ms JOIN segments g ON g.id = ms.segment_id JOIN segment_schemes s ON s.id = ms.scheme_id
          WHERE s.code = 'ACTIVITY' AND g.code = ? ORDER BY ms.member_id`,
        [code],
      )) as { id: number }[]).map((row) => Number(row.id));
    return { directory, url: `sqlite:${file}`, analyst: await token("analyst"), operator: await token("operator"), dormant: await inActivity("DORMANT"), active: await inActivity("ACTIVE") };
  } finally {
    await dataSource.destroy();
  }
}

async function graphql(url: string, authorization: string, query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors).slice(0, 400)}`);
  return body.data;
}

/** Opens one socket per subscription (as 1,000 admin consoles would), a hundred at a time; resolves once all are acknowledged. */
async function subscribeAll(url: string, authorization: string, filters: Filter[]): Promise<Subscriber[]> {
  const subscribers: Subscriber[] = [];
  for (let start = 0; start < filters.length; start += 100) {
    await Promise.all(
      filters.slice(start, start + 100).map(
        (filter) =>
          new Promise<void>((resolve, reject) => {
            const client = createClient({ url: url.replace(/^http/, "ws"), webSocketImpl: WebSocket, connectionParams: { authorization }, retryAttempts: 0, lazy: false, on: { connected: () => resolve(), closed: () => reject(new Error("a subscriber's socket closed")) } });
            const subscriber: Subscriber = { filter, client, arrivals: [], failure: null };
            subscribers.push(subscriber);
            const variables = { schemeId: filter.schemeId === null ? null : String(filter.schemeId), memberId: filter.memberId === null ? null : memberGlobalId(filter.memberId) };
            client.subscribe(
              { query: movesSubscription, variables },
              {
                // Timed first, before anything else is done with the message.
                next: (message: any) => {
                  const at = now();
                  const move = message.data?.segmentMoves;
                  if (!move) subscriber.failure ??= message.errors ?? message;
                  else subscriber.arrivals.push({ memberId: memberIdOf(move.member.id), scheme: move.scheme.code, at });
                },
                error: (error) => (subscriber.failure ??= error),
                complete: () => undefined,
              },
            );
          }),
      ),
    );
  }
  // The subscribe message follows the acknowledgement; give the server time to register all of them.
  await new Promise((resolve) => setTimeout(resolve, 1_000 + filters.length));
  return subscribers;
}

const selects = (filter: Filter, move: { memberId: number; schemeId: number }) => (filter.memberId === null || filter.memberId === move.memberId) && (filter.schemeId === null || filter.schemeId === move.schemeId);

async function eventually(check: () => boolean, what: string, seconds = 10): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** One phase: subscribe, log the movers in one at a time (each waits for the move to reach its subscribers), check, close. */
interface PhaseWithSamples {
  phase: LatencyPhase;
  samples: number[];
}

async function phase(target: RunningTarget, prepared: Prepared, filters: Filter[], movers: number[], activitySchemeId: number, schemes: { id: number; code: string }[]): Promise<PhaseWithSamples> {
  const subscribers = await subscribeAll(target.url, prepared.analyst, filters);
  try {
    for (const memberId of movers) {
      const data = await graphql(target.url, prepared.operator, loginMutation, {
        events: [{ source: "bench", externalId: `LOGIN-${randomUUID()}`, kind: "LOGIN", memberId: memberGlobalId(memberId), occurredAt: new Date().toISOString() }],
      });
      if (data.recordEvents.accepted !== 1) throw new Error(`the login of member ${memberId} was not accepted`);
      const waiting = subscribers.filter((subscriber) => selects(subscriber.filter, { memberId, schemeId: activitySchemeId }));
      await eventually(() => waiting.every((subscriber) => subscriber.arrivals.some((arrival) => arrival.memberId === memberId && arrival.scheme === "ACTIVITY")), `member ${memberId}'s move at ${waiting.length} subscribers`);
    }
    // Moves in other schemes may still be on their way to the unfiltered subscribers.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  } finally {
    await Promise.all(subscribers.map((subscriber) => subscriber.client.dispose()));
  }
  const reply = await target.ask({ type: "published-moves" }, "published-moves");
  const published: PublishedMove[] = reply.type === "published-moves" ? reply.moves : [];
  const codes = new Map(schemes.map((scheme) => [scheme.id, scheme.code]));
  const publishedAt = new Map(published.map((move) => [`${move.memberId}:${codes.get(move.schemeId)}`, move.at]));
  const latencies: number[] = [];
  let wrong = 0;
  let expecting = 0;
  let expectedMessages = 0;
  for (const subscriber of subscribers) {
    const expected = published.filter((move) => selects(subscriber.filter, move)).map((move) => `${move.memberId}:${codes.get(move.schemeId)}`).sort();
    const received = subscriber.arrivals.map((arrival) => `${arrival.memberId}:${arrival.scheme}`).sort();
    expectedMessages += expected.length;
    if (expected.length > 0) expecting += 1;
    if (subscriber.failure !== null || expected.join() !== received.join()) wrong += 1;
    for (const arrival of subscriber.arrivals) {
      const at = publishedAt.get(`${arrival.memberId}:${arrival.scheme}`);
      if (at !== undefined) latencies.push(arrival.at - at);
    }
  }
  const result: LatencyPhase = {
    subscriptions: filters.length,
    logins: movers.length,
    moves: published.length,
    messages: subscribers.reduce((total, subscriber) => total + subscriber.arrivals.length, 0),
    expectedMessages,
    subscribersWrong: wrong,
    subscribersExpecting: expecting,
    latency: summarise(latencies),
  };
  return { phase: result, samples: latencies };
}

/**
 * The many subscriptions: one per mover (that member, ACTIVITY: expects exactly one move), a few on the whole
 * ACTIVITY scheme and a few with no filter (every move), and the rest on members who do not move (nothing): every
 * move is authorised and filtered for all of them, and resolved for those it selects.
 */
function manyFilters(settings: MoveLatencySettings, movers: number[], notMoving: number[], activitySchemeId: number): { filters: Filter[]; mix: MoveLatencyResults["mix"] } {
  const unfiltered = Math.round(settings.subscriptions * 0.02);
  const schemeOnly = Math.round(settings.subscriptions * 0.03);
  const memberNotMoving = Math.max(0, settings.subscriptions - movers.length - unfiltered - schemeOnly);
  const filters: Filter[] = [
    ...movers.map((memberId) => ({ memberId, schemeId: activitySchemeId })),
    ...Array.from({ length: schemeOnly }, () => ({ memberId: null, schemeId: activitySchemeId })),
    ...Array.from({ length: unfiltered }, () => ({ memberId: null, schemeId: null })),
    ...Array.from({ length: memberNotMoving }, (_, index) => ({ memberId: notMoving[index % notMoving.length], schemeId: activitySchemeId })),
  ];
  return { filters, mix: { memberOfMover: movers.length, memberNotMoving, schemeOnly, unfiltered } };
}

export async function benchmarkMoveLatency(settings: MoveLatencySettings, log: (line: string) => void): Promise<MoveLatencyResults> {
  log(`segments: seeding ${settings.members.toLocaleString("en-US")} members for the move latency`);
  const prepared = await prepare(settings.members);
  const needed = settings.moves * (settings.rounds * 2 + 1);
  if (prepared.dormant.length < needed) throw new Error(`${prepared.dormant.length} dormant members, ${needed} needed: lower BENCH_SEGMENT_MOVES or raise BENCH_SEGMENT_LATENCY_MEMBERS`);
  const target = await startTarget("graphql", prepared.url);
  try {
    await target.ask({ type: "watch-moves" }, "watching-moves");
    // Scheme ids are plain numbers in the API (configuration, not graph nodes).
    const schemes = ((await graphql(target.url, prepared.analyst, `{ segmentSchemes { id code } }`)).segmentSchemes as { id: string; code: string }[]).map((row) => ({ id: Number(row.id), code: row.code }));
    const activitySchemeId = schemes.find((scheme) => scheme.code === "ACTIVITY")!.id;
    const one: PhaseWithSamples[] = [];
    const many: PhaseWithSamples[] = [];
    let mix: MoveLatencyResults["mix"] = { memberOfMover: 0, memberNotMoving: 0, schemeOnly: 0, unfiltered: 0 };
    let nextMover = 0;
    const take = () => prepared.dormant.slice(nextMover, (nextMover += settings.moves));
    for (let round = 0; round < settings.rounds; round += 1) {
      const runOne = async () => one.push(await phase(target, prepared, [{ memberId: null, schemeId: activitySchemeId }], take(), activitySchemeId, schemes));
      const runMany = async () => {
        const movers = take();
        const chosen = manyFilters(settings, movers, prepared.active, activitySchemeId);
        mix = chosen.mix;
        many.push(await phase(target, prepared, chosen.filters, movers, activitySchemeId, schemes));
      };
      // Alternated, so drift of the machine falls on both sides alike.
      if (round % 2 === 0) {
        await runOne();
        await runMany();
      } else {
        await runMany();
        await runOne();
      }
      const last = (phases: PhaseWithSamples[]) => phases[phases.length - 1].phase.latency;
      log(`segments: moves round ${round + 1}: 1 subscription p95 ${last(one).p95.toFixed(1)} ms; ${settings.subscriptions} subscriptions p95 ${last(many).p95.toFixed(1)} ms, max ${last(many).max.toFixed(1)} ms`);
    }
    const profileDirectory = mkdtempSync(path.join(os.tmpdir(), "loyalty-profile-"));
    const profileFile = path.join(profileDirectory, "server.cpuprofile");
    await target.ask({ type: "start-profile" }, "profiling");
    const movers = take();
    await phase(target, prepared, manyFilters(settings, movers, prepared.active, activitySchemeId).filters, movers, activitySchemeId, schemes);
    await target.ask({ type: "stop-profile", file: profileFile }, "profile-written");
    const profile = summariseProfile(profileFile);
    rmSync(profileDirectory, { recursive: true, force: true });
    const pooled = (phases: PhaseWithSamples[]) => summarise(phases.flatMap((entry) => entry.samples));
    return { members: settings.members, dormantMembers: prepared.dormant.length, mix, one: one.map((entry) => entry.phase), many: many.map((entry) => entry.phase), oneOverall: pooled(one), manyOverall: pooled(many), profile };
  } finally {
    await target.stop();
    rmSync(prepared.directory, { recursive: true, force: true });
  }
}
