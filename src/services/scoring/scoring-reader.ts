// Reads of scores, snapshots, aggregates and runs for the API.
import { LessThan, type DataSource } from "typeorm";
import { MemberAggregateRecord, MemberScoreSnapshotRecord, ScoringRunRecord } from "../../entities";
import { badUserInput } from "../../errors";

export class ScoringReader {
  constructor(private readonly dataSource: DataSource) {}

  async aggregates(memberId: number): Promise<MemberAggregateRecord> {
    return this.dataSource.getRepository(MemberAggregateRecord).findOneByOrFail({ memberId });
  }

  snapshots(memberId: number, months: number): Promise<MemberScoreSnapshotRecord[]> {
    if (!Number.isInteger(months) || months < 1 || months > 60) throw badUserInput(`months must be 1 to 60 (got ${months}).`, "months");
    return this.dataSource.getRepository(MemberScoreSnapshotRecord).find({ where: { memberId }, order: { month: "DESC" }, take: months });
  }

  run(id: number): Promise<ScoringRunRecord | null> {
    return this.dataSource.getRepository(ScoringRunRecord).findOneBy({ id });
  }

  /** Newest first, keyset paged by id. */
  async runs(first: number, beforeId: number | null): Promise<{ records: ScoringRunRecord[]; hasNextPage: boolean }> {
    const records = await this.dataSource.getRepository(ScoringRunRecord).find({ where: beforeId === null ? {} : { id: LessThan(beforeId) }, order: { id: "DESC" }, take: first + 1 });
    return { records: records.slice(0, first), hasNextPage: records.length > first };
  }
}
