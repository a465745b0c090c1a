// Recomputes every recorded draw of a lottery from its seed (LotteryDrawChecker), in one read transaction so the
// prize table's counts and the draws agree even while members keep drawing.
import type { DataSource } from "typeorm";
import type { Clock } from "../../../clock";
import { runInTransaction } from "../../../database/transactions";
import { LotteryDrawChecker, seedCommitment } from "../../../engine/engagement/lotteries";
import { LotteryDrawRecord, LotteryPrizeRecord, LotteryRecord } from "../../../entities";
import { notFound } from "../../../errors";
import type { PersonalDataCipher } from "../../../privacy/personal-data-cipher";
import { lotteryStatus } from "./lottery-status";

export interface LotteryVerification {
  lotteryId: number;
  seedMatchesCommitment: boolean;
  seedRevealed: boolean;
  checkedDraws: number;
  problems: string[];
}

const pageSize = 1000;

export class LotteryVerifier {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly cipher: PersonalDataCipher,
  ) {}

  verify(lotteryId: number): Promise<LotteryVerification> {
    return runInTransaction(this.dataSource, async (manager) => {
      const lottery = await manager.findOneBy(LotteryRecord, { id: lotteryId });
      if (!lottery) throw notFound("No lottery has this id.");
      const seed = this.cipher.decrypt(lottery.seedEncrypted);
      const prizes = await manager.find(LotteryPrizeRecord, { where: { lotteryId }, order: { position: "ASC" } });
      const checker = new LotteryDrawChecker(lottery.id, seed, lottery.seedCommitment, prizes);
      for (let afterId = 0; ; ) {
        const draws = await manager.getRepository(LotteryDrawRecord).createQueryBuilder("draw").where("draw.lotteryId = :lotteryId AND draw.id > :afterId", { lotteryId, afterId }).orderBy("draw.id", "ASC").limit(pageSize).getMany();
        for (const draw of draws) checker.check(draw);
        if (draws.length < pageSize) break;
        afterId = draws[draws.length - 1].id;
      }
      const { checkedDraws, problems } = checker.finish();
      return { lotteryId, seedMatchesCommitment: seedCommitment(seed) === lottery.seedCommitment, seedRevealed: lotteryStatus(lottery, this.clock.now()) === "ENDED", checkedDraws, problems };
    });
  }
}
