// The partner coalition's services, built once per process beside the points services they write through.
import type { DataSource } from "typeorm";
import type { Clock } from "../../clock";
import type { Config } from "../../config";
import type { PersonalDataCipher } from "../../privacy/personal-data-cipher";
import type { AuditService } from "../audit-service";
import type { IdempotencyService } from "../idempotency-service";
import type { PointsLedger } from "../points/points-ledger";
import type { PointsService } from "../points/points-service";
import { coalitionKeys } from "./coalition-keys";
import { PartnerBenefitService } from "./partner-benefit-service";
import { PartnerGrantService } from "./partner-grant-service";
import { PartnerMemberDirectory, type LookupMissLimiter } from "./partner-member-directory";
import { PartnerPointsService } from "./partner-points-service";
import { SettlementService } from "./settlement-service";

export interface CoalitionDependencies {
  dataSource: DataSource;
  clock: Clock;
  config: Config;
  cipher: PersonalDataCipher;
  audit: AuditService;
  idempotency: IdempotencyService;
  points: PointsService;
  ledger: PointsLedger;
  lookupMisses: LookupMissLimiter;
}

export function createCoalitionServices({ dataSource, clock, config, cipher, audit, idempotency, points, ledger, lookupMisses }: CoalitionDependencies) {
  const partnerGrants = new PartnerGrantService(dataSource, clock, audit);
  const keys = coalitionKeys(config.jwtSecret, config.personalDataKey);
  const partnerDirectory = new PartnerMemberDirectory(dataSource, clock, cipher, keys, lookupMisses, config.memberCodeTtlSeconds);
  return {
    partnerGrants,
    partnerDirectory,
    partnerBenefits: new PartnerBenefitService(dataSource, clock, audit, idempotency),
    partnerPoints: new PartnerPointsService(dataSource, points, ledger, partnerDirectory, partnerGrants),
    settlement: new SettlementService(dataSource, clock, audit, idempotency, config.programme.utcOffsetMinutes),
  };
}
