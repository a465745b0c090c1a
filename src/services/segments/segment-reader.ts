// Reads of schemes, segment sizes, a member's segments and rule previews for the API.
import { In, IsNull, type DataSource } from "typeorm";
import type { Clock } from "../../clock";
import { MemberRecord, SegmentEvaluationRunRecord, SegmentMembershipRecord, SegmentRecord, SegmentSchemeRecord } from "../../entities";
import { memberFactsFrom } from "./rule-columns";
import { ruleFromInput } from "./rule-input";
import { ruleToSql } from "./rule-sql";
import { sqlDialectOf } from "./member-facts";

export interface SegmentPreview {
  size: number;
  sample: MemberRecord[];
}

export class SegmentReader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  schemes(): Promise<SegmentSchemeRecord[]> {
    return this.dataSource.getRepository(SegmentSchemeRecord).find({ order: { id: "ASC" } });
  }

  adHocSegments(): Promise<SegmentRecord[]> {
    return this.dataSource.getRepository(SegmentRecord).find({ where: { schemeId: IsNull() }, order: { id: "ASC" } });
  }

  segmentsOf(schemeIds: readonly number[]): Promise<SegmentRecord[]> {
    return this.dataSource.getRepository(SegmentRecord).find({ where: { schemeId: In([...schemeIds]) }, order: { position: "ASC", id: "ASC" } });
  }

  memberships(memberId: number): Promise<SegmentMembershipRecord[]> {
    return this.dataSource.getRepository(SegmentMembershipRecord).find({ where: { memberId }, order: { schemeId: "ASC" } });
  }

  segments(ids: readonly number[]): Promise<SegmentRecord[]> {
    return this.dataSource.getRepository(SegmentRecord).findBy({ id: In([...ids]) });
  }

  /** How many members a rule selects now, and the first few of them, without saving anything. */
  async preview(input: unknown, sampleSize: number): Promise<SegmentPreview> {
    const rule = ruleFromInput(input, "rule");
    const filter = ruleToSql(rule, this.clock.now(), sqlDialectOf(this.dataSource));
    const [{ size }] = await this.dataSource.query(`SELECT COUNT(*) AS size FROM ${memberFactsFrom} WHERE ${filter.where}`, filter.parameters);
    const ids: { id: number | string }[] = await this.dataSource.query(`SELECT m.id AS id FROM ${memberFactsFrom} WHERE ${filter.where} ORDER BY m.id LIMIT ${sampleSize}`, filter.parameters);
    const sample = await this.dataSource.getRepository(MemberRecord).find({ where: { id: In(ids.map((row) => Number(row.id))) }, order: { id: "ASC" } });
    return { size: Number(size), sample };
  }

  evaluationRuns(first: number): Promise<SegmentEvaluationRunRecord[]> {
    return this.dataSource.getRepository(SegmentEvaluationRunRecord).find({ order: { id: "DESC" }, take: first });
  }

  evaluationRun(id: number): Promise<SegmentEvaluationRunRecord | null> {
    return this.dataSource.getRepository(SegmentEvaluationRunRecord).findOneBy({ id });
  }
}
