// A benchmark target in a process of its own, so the load generator does not share its event loop.
//   node dist/bench/target.js graphql|naive|floor|leaderboard-floor    (DATABASE_URL and the secrets come from the environment;
//   BENCH_CLOCK_AT fixes the server's clock, BENCH_LEADERBOARD_PERIOD names the leaderboard floor's month)
// Talks to the parent over IPC: sends { ready, port }, answers { statements } and stops on { stop }.
import "reflect-metadata";
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import DataLoader from "dataloader";
import type { DataSource } from "typeorm";
import { loadConfig } from "../src/config";
import { TierRecord } from "../src/entities";
import { topics, type EventBus } from "../src/events/event-bus";
import { createLoaders, type Loaders } from "../src/loaders/create-loaders";
import { startApplication } from "../src/server/application";
import { ManualClock } from "../src/clock";
import { createFloorServer } from "./floor-server";
import { createLeaderboardFloorServer } from "./leaderboard-floor";

export type TargetMode = "graphql" | "naive" | "floor" | "leaderboard-floor";

/** A segment move as the server published it: `at` is process.hrtime in milliseconds (one monotonic clock for every process of the machine). */
export interface PublishedMove {
  memberId: number;
  schemeId: number;
  at: number;
}

export type TargetMessage =
  | { type: "ready"; port: number }
  | { type: "statements"; count: number }
  | { type: "profiling" }
  | { type: "profile-written" }
  | { type: "watching-moves" }
  | { type: "published-moves"; moves: PublishedMove[] };
export type ParentMessage = { type: "statements" } | { type: "stop" } | { type: "start-profile" } | { type: "stop-profile"; file: string } | { type: "watch-moves" } | { type: "published-moves" };

/** What type-graphql's examples do without loaders: one query per member for its tier, nothing cached. */
function naiveLoaders(dataSource: DataSource): Loaders {
  return {
    ...createLoaders(dataSource),
    tierById: new DataLoader<number, TierRecord | null>((ids) => Promise.all(ids.map((id) => dataSource.getRepository(TierRecord).findOneBy({ id }))), { batch: false, cache: false }),
  };
}

/**
 * Notes when each segment move is published, which the service does right after its transaction commits: the start
 * of the latency a subscriber sees (bench/segment-move-latency.ts). One more listener on the bus among the many.
 */
function watchMoves(events: EventBus): PublishedMove[] {
  const published: PublishedMove[] = [];
  void (async () => {
    for await (const move of events.subscribe(topics.segmentMoved)) published.push({ memberId: move.memberId, schemeId: move.schemeId, at: Number(process.hrtime.bigint()) / 1e6 });
  })();
  return published;
}

async function start(mode: TargetMode): Promise<{ port: number; statements(): number; stop(): Promise<void>; events?: EventBus }> {
  const config = loadConfig(process.env);
  if (mode === "floor") {
    const floor = createFloorServer(config.database);
    await new Promise<void>((resolve) => floor.server.listen(0, "127.0.0.1", () => resolve()));
    return { port: (floor.server.address() as { port: number }).port, statements: floor.statements, stop: floor.close };
  }
  if (mode === "leaderboard-floor") {
    if (config.database.type !== "sqlite") throw new Error("the leaderboard floor reads SQLite");
    const floor = createLeaderboardFloorServer(config.database.path, process.env.BENCH_LEADERBOARD_PERIOD ?? "");
    await new Promise<void>((resolve) => floor.server.listen(0, "127.0.0.1", () => resolve()));
    return { port: (floor.server.address() as { port: number }).port, statements: floor.statements, stop: floor.close };
  }
  // A fixed clock, for data seeded at another time (the leaderboard benchmark's periods).
  const clock = process.env.BENCH_CLOCK_AT ? new ManualClock(new Date(process.env.BENCH_CLOCK_AT)) : undefined;
  const application = await startApplication({ config, port: 0, clock, loaderFactory: mode === "naive" ? naiveLoaders : undefined });
  return { port: application.server.port, statements: () => application.database.queryCounter.statements, stop: () => application.stop(), events: application.events };
}

const mode = process.argv[2] as TargetMode;
if (!["graphql", "naive", "floor", "leaderboard-floor"].includes(mode)) {
  process.stderr.write("usage: target.js graphql|naive|floor|leaderboard-floor\n");
  process.exit(2);
}
start(mode).then(
  (target) => {
    const send = (message: TargetMessage) => process.send!(message);
    // The CPU profile covers only what the parent asks for: steady load, not start-up and warm-up.
    const profiler = new Session();
    let published: PublishedMove[] = [];
    process.on("message", async (message: ParentMessage) => {
      if (message.type === "statements") send({ type: "statements", count: target.statements() });
      if (message.type === "stop") target.stop().then(() => process.exit(0));
      if (message.type === "start-profile") {
        profiler.connect();
        await profiler.post("Profiler.enable");
        await profiler.post("Profiler.start");
        send({ type: "profiling" });
      }
      if (message.type === "watch-moves" && target.events) {
        published = watchMoves(target.events);
        send({ type: "watching-moves" });
      }
      if (message.type === "published-moves") send({ type: "published-moves", moves: published.splice(0) });
      if (message.type === "stop-profile") {
        const { profile } = await profiler.post("Profiler.stop");
        writeFileSync(message.file, JSON.stringify(profile));
        profiler.disconnect();
        send({ type: "profile-written" });
      }
    });
    send({ type: "ready", port: target.port });
  },
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
