// Lotteries (抽奖), built once per process: staff's configuration, members' draws, reads and the verifier.
import type { DataSource } from "typeorm";
import type { Clock } from "../../../clock";
import type { PersonalDataCipher } from "../../../privacy/personal-data-cipher";
import type { AuditService } from "../../audit-service";
import type { PointsLedger } from "../../points/points-ledger";
import type { PointsService } from "../../points/points-service";
import { LotteryDraws } from "./lottery-draws";
import { LotteryReader } from "./lottery-reader";
import { LotteryService } from "./lottery-service";
import { LotteryVerifier } from "./lottery-verifier";

export interface LotteryDependencies {
  dataSource: DataSource;
  clock: Clock;
  cipher: PersonalDataCipher;
  audit: AuditService;
  points: PointsService;
  ledger: PointsLedger;
  utcOffsetMinutes: number;
}

export function createLotteryServices({ dataSource, clock, cipher, audit, points, ledger, utcOffsetMinutes }: LotteryDependencies) {
  return {
    lotteries: new LotteryService(dataSource, clock, cipher, audit),
    lotteryDraws: new LotteryDraws(points, ledger, cipher, utcOffsetMinutes),
    lotteryReader: new LotteryReader(dataSource, clock, cipher, utcOffsetMinutes),
    lotteryVerifier: new LotteryVerifier(dataSource, clock, cipher),
  };
}
