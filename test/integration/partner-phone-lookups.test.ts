// Phone look-ups through the partner directory against the look-up miss allowance, when many arrive at once: each
// takes an attempt before it runs, so concurrent misses cannot all pass a check made before any was counted. Counted
// in the process and, with REDIS_URL, in Redis; on SQLite and, with MYSQL_URL, MariaDB.
import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import { ManualClock } from "../../src/clock";
import { loadConfig } from "../../src/config";
import { openDatabase } from "../../src/database/data-source";
import { ClientError } from "../../src/errors";
import { createEventBus } from "../../src/events/event-bus";
import { createServices, type Services } from "../../src/services";
import { openPartnerRateLimits, type PartnerRateLimits } from "../../src/services/partner-rate-limits";
import { systemContext } from "../../src/services/service-context";
import { testDatabaseKinds, type ScratchDatabase } from "../support/databases";
import { nextPhone } from "../support/test-application";

const allowance = 20;
const context = systemContext("test");

interface LimiterKind {
  name: string;
  open(): Promise<PartnerRateLimits>;
}

function limiterKinds(): LimiterKind[] {
  const environment = { NODE_ENV: "test", PARTNER_LOOKUP_MISSES_PER_HOUR: String(allowance) };
  const kinds: LimiterKind[] = [{ name: "in the process", open: () => openPartnerRateLimits(loadConfig(environment)) }];
  const redisUrl = process.env.REDIS_URL;
  if (redisUrl) kinds.push({ name: "on Redis", open: () => openPartnerRateLimits(loadConfig({ ...environment, REDIS_URL: redisUrl, REDIS_CHANNEL_PREFIX: `test-${randomUUID()}:` })) });
  return kinds;
}

/** NOT_FOUND, RATE_LIMITED... or "found". */
async function outcomeOf(lookup: Promise<unknown>): Promise<string> {
  try {
    await lookup;
    return "found";
  } catch (error) {
    if (error instanceof ClientError) return String(error.extensions.code);
    throw error;
  }
}

function countOf(outcomes: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}

/** A number no member has: 137 is never given out by nextPhone. */
const unknownPhone = (index: number) => `137${String(process.pid % 10000).padStart(4, "0")}${String(index).padStart(4, "0")}`;

describe.each(testDatabaseKinds())("partner phone look-ups at once on $name", (kind) => {
  describe.each(limiterKinds())("with the look-up limits counted $name", (limiterKind) => {
    let scratch: ScratchDatabase;
    let dataSource: DataSource;
    let limits: PartnerRateLimits;
    let services: Services;

    beforeAll(async () => {
      scratch = await kind.create();
      ({ dataSource } = await openDatabase(scratch.config, { runMigrations: true }));
      limits = await limiterKind.open();
      const config = { ...loadConfig({ NODE_ENV: "test" }), database: scratch.config };
      services = createServices({ dataSource, clock: new ManualClock(new Date("2026-11-23T08:00:00.000Z")), config, events: createEventBus(), signInCodeSender: { send: async () => undefined }, partnerRateLimits: limits });
      await services.tiers.ensureDefaultLadder();
    }, 60_000);

    afterAll(async () => {
      await limits?.close();
      await dataSource?.destroy();
      await scratch?.drop();
    });

    const newPartner = () => services.partners.create(context, { code: `P_${randomUUID().slice(0, 8).toUpperCase()}`, name: "试探者" });

    it(`answers exactly ${allowance} of 60 concurrent misses with NOT_FOUND and refuses the other 40`, async () => {
      const partner = await newPartner();
      const outcomes = await Promise.all(Array.from({ length: 60 }, (_, index) => outcomeOf(services.partnerDirectory.lookup(partner.id, { phone: unknownPhone(index) }))));
      expect(countOf(outcomes)).toEqual({ NOT_FOUND: allowance, RATE_LIMITED: 60 - allowance });
    });

    it("counts only misses, and past the allowance refuses even a number that would match", async () => {
      const partner = await newPartner();
      const phone = nextPhone();
      const member = await services.members.create(context, { name: "会员", phone, joinChannel: "APP" }, randomUUID());
      await services.partnerGrants.grant(context, member.id, partner.id, []);
      for (let hit = 0; hit < allowance + 5; hit += 1) {
        expect(await outcomeOf(services.partnerDirectory.lookup(partner.id, { phone }))).toBe("found");
      }
      const misses = await Promise.all(Array.from({ length: allowance }, (_, index) => outcomeOf(services.partnerDirectory.lookup(partner.id, { phone: unknownPhone(100 + index) }))));
      expect(countOf(misses)).toEqual({ NOT_FOUND: allowance });
      expect(await outcomeOf(services.partnerDirectory.lookup(partner.id, { phone }))).toBe("RATE_LIMITED");
    });
  });
});
