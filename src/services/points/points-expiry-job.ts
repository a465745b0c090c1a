// The expiry job: writes EXPIRE entries for what is left in lots past their expiry, member by member.
import type { DataSource } from "typeorm";
import type { Clock } from "../../clock";
import { runInTransaction } from "../../database/transactions";
import { PointLotRecord } from "../../entities";
import { topics, type EventBus } from "../../events/event-bus";
import type { PointsLedger } from "./points-ledger";

export interface ExpirySummary {
  members: number;
  pointsExpired: number;
}

export class PointsExpiryJob {
  constructor(private readonly dataSource: DataSource, private readonly clock: Clock, private readonly ledger: PointsLedger, private readonly events: EventBus) {}

  /** One short transaction per member, so the job never holds many accounts locked at once. */
  async run(batchSize = 500): Promise<ExpirySummary> {
    const now = this.clock.now();
    const summary: ExpirySummary = { members: 0, pointsExpired: 0 };
    let afterMemberId = 0;
    for (;;) {
      const rows: { memberId: number | string }[] = await this.dataSource
        .getRepository(PointLotRecord)
        .createQueryBuilder("lot")
        .select("DISTINCT lot.memberId", "memberId")
        .where("lot.remaining > 0 AND lot.expiresAt <= :now AND lot.memberId > :afterMemberId", { now, afterMemberId })
        .orderBy("lot.memberId", "ASC")
        .limit(batchSize)
        .getRawMany();
      for (const row of rows) {
        const memberId = Number(row.memberId);
        const { expired, balance } = await runInTransaction(this.dataSource, async (manager) => {
          const locked = await this.ledger.lock(manager, memberId);
          const entries = await this.ledger.expireDue(manager, locked, now, { actorType: "system", actorId: "points-expiry" });
          return { expired: -entries.reduce((sum, entry) => sum + entry.amount, 0), balance: locked.account.balance };
        });
        if (expired > 0) {
          summary.members += 1;
          summary.pointsExpired += expired;
          this.events.publish(topics.pointsChanged, { memberId, entryTypes: ["EXPIRE"], change: -expired, balance, at: now.toISOString() });
        }
        afterMemberId = memberId;
      }
      if (rows.length < batchSize) break;
    }
    return summary;
  }
}
