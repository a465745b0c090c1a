// Builds every service once per process; they are stateless and shared by all requests.
import type { DataSource } from "typeorm";
import { TokenService } from "../auth/tokens";
import type { Clock } from "../clock";
import type { Config } from "../config";
import type { EventBus } from "../events/event-bus";
import { PersonalDataCipher } from "../privacy/personal-data-cipher";
import { AuditService } from "./audit-service";
import { IdempotencyService } from "./idempotency-service";
import { MemberService } from "./member-service";
import { PartnerService } from "./partner-service";
import type { SignInCodeSender } from "./sign-in-code-sender";
import { SignInService } from "./sign-in-service";
import { StaffService } from "./staff-service";
import { TierService } from "./tier-service";

export interface ServiceDependencies {
  dataSource: DataSource;
  clock: Clock;
  config: Config;
  events: EventBus;
  signInCodeSender: SignInCodeSender;
}

export function createServices({ dataSource, clock, config, events, signInCodeSender }: ServiceDependencies) {
  const cipher = new PersonalDataCipher(config.personalDataKey);
  const tokens = new TokenService(config.jwtSecret, { member: config.memberTokenTtlSeconds, staff: config.staffTokenTtlSeconds });
  const audit = new AuditService(clock);
  const idempotency = new IdempotencyService(dataSource, clock);
  const members = new MemberService(dataSource, clock, cipher, events, audit, idempotency);
  return {
    cipher,
    tokens,
    audit,
    idempotency,
    members,
    tiers: new TierService(dataSource, clock),
    signIn: new SignInService(dataSource, clock, cipher, members, audit, tokens, signInCodeSender),
    staff: new StaffService(dataSource, clock, audit, tokens),
    partners: new PartnerService(dataSource, clock, audit),
  };
}

export type Services = ReturnType<typeof createServices>;
