// A scratch database with demo members, scored, with the built-in segment schemes (and, if asked, everyone placed):
// the starting point of the segment and campaign suites.
import type { DataSource } from "typeorm";
import type { ManualClock } from "../../src/clock";
import { loadConfig, type Config } from "../../src/config";
import { openDatabase } from "../../src/database/data-source";
import { createEventBus, type EventBus } from "../../src/events/event-bus";
import { PersonalDataCipher } from "../../src/privacy/personal-data-cipher";
import { seedDemoData } from "../../src/seed/demo-data";
import { createServices, type Services } from "../../src/services";
import type { ScratchDatabase, TestDatabaseKind } from "./databases";

export interface ScoredDemo {
  scratch: ScratchDatabase;
  dataSource: DataSource;
  config: Config;
  events: EventBus;
  services: Services;
  close(): Promise<void>;
}

export async function scoredDemo(kind: TestDatabaseKind, options: { members: number; seed: number; clock: ManualClock; placeInSegments?: boolean }): Promise<ScoredDemo> {
  const scratch = await kind.create();
  const { dataSource } = await openDatabase(scratch.config, { runMigrations: true });
  const config = { ...loadConfig({ NODE_ENV: "test" }), database: scratch.config };
  await seedDemoData(dataSource, { members: options.members, seed: options.seed, clock: options.clock, cipher: new PersonalDataCipher(config.personalDataKey), withDemoStaff: false });
  const events = createEventBus();
  const services = createServices({ dataSource, clock: options.clock, config, events, signInCodeSender: { send: async () => undefined } });
  await services.segments.ensureBuiltInSchemes();
  await services.scoring.runFull("COMMAND_LINE", "test");
  if (options.placeInSegments) await services.segmentEvaluations.run("COMMAND_LINE", "test");
  return {
    scratch,
    dataSource,
    config,
    events,
    services,
    async close() {
      await dataSource.destroy();
      await scratch.drop();
    },
  };
}
