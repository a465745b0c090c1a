// What operators ask of a segment before they target it: its members page by page, how it splits by tier and
// lifecycle stage, and how segments overlap. A segment in a scheme reads its stored memberships; an ad-hoc segment
// (no scheme, may overlap others) is its rule, evaluated by SQL at the moment of asking.
import type { DataSource } from "typeorm";
import type { Clock } from "../../clock";
import { parseRule } from "../../engine";
import type { SegmentRecord } from "../../entities";
import { sqlDialectOf } from "./member-facts";
import { memberFactsFrom } from "./rule-columns";
import { ruleToSql, type SqlFilter } from "./rule-sql";

export interface SegmentBreakdown {
  byTier: { tierCode: string; members: number }[];
  byLifecycle: { stage: string; members: number }[];
}

export interface SegmentOverlap {
  first: SegmentRecord;
  second: SegmentRecord;
  members: number;
}

/** Members not scored yet have no lifecycle stage; they are counted under this name. */
export const notScoredStage = "NOT_SCORED";

type CountRow = { members: number | string };

export class SegmentAnalysis {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** The SQL condition on `m` (the members table) that selects the segment's members now (campaign audiences too). */
  filterOf(segment: SegmentRecord, now: Date): SqlFilter {
    if (segment.schemeId === null) return ruleToSql(parseRule(JSON.parse(segment.rule)), now, sqlDialectOf(this.dataSource));
    return { where: "EXISTS (SELECT 1 FROM segment_memberships sm WHERE sm.segment_id = ? AND sm.member_id = m.id)", parameters: [segment.id] };
  }

  async size(segment: SegmentRecord): Promise<number> {
    if (segment.schemeId !== null) {
      const [row]: CountRow[] = await this.dataSource.query("SELECT COUNT(*) AS members FROM segment_memberships WHERE segment_id = ?", [segment.id]);
      return Number(row.members);
    }
    const filter = this.filterOf(segment, this.clock.now());
    const [row]: CountRow[] = await this.dataSource.query(`SELECT COUNT(*) AS members FROM ${memberFactsFrom} WHERE ${filter.where}`, filter.parameters);
    return Number(row.members);
  }

  /** One page of member ids in id order after `afterMemberId`, and whether more follow. */
  async memberIds(segment: SegmentRecord, first: number, afterMemberId: number | null): Promise<{ ids: number[]; hasNextPage: boolean }> {
    const after = afterMemberId ?? 0;
    const rows: { id: number | string }[] =
      segment.schemeId !== null
        ? await this.dataSource.query(`SELECT member_id AS id FROM segment_memberships WHERE segment_id = ? AND member_id > ? ORDER BY member_id LIMIT ${first + 1}`, [segment.id, after])
        : await (async () => {
            const filter = this.filterOf(segment, this.clock.now());
            return this.dataSource.query(`SELECT m.id AS id FROM ${memberFactsFrom} WHERE m.id > ? AND ${filter.where} ORDER BY m.id LIMIT ${first + 1}`, [after, ...filter.parameters]);
          })();
    const ids = rows.map((row) => Number(row.id));
    return { ids: ids.slice(0, first), hasNextPage: ids.length > first };
  }

  /** Members of the segment by tier and by lifecycle stage, largest first. */
  async breakdown(segment: SegmentRecord): Promise<SegmentBreakdown> {
    const filter = this.filterOf(segment, this.clock.now());
    const byTier: { code: string; members: number | string }[] = await this.dataSource.query(
      `SELECT t.code AS code, COUNT(*) AS members FROM ${memberFactsFrom} WHERE ${filter.where} GROUP BY t.code ORDER BY members DESC, t.code`,
      filter.parameters,
    );
    const byLifecycle: { stage: string | null; members: number | string }[] = await this.dataSource.query(
      `SELECT s.lifecycle_stage AS stage, COUNT(*) AS members FROM ${memberFactsFrom} WHERE ${filter.where} GROUP BY s.lifecycle_stage ORDER BY members DESC, s.lifecycle_stage`,
      filter.parameters,
    );
    return {
      byTier: byTier.map((row) => ({ tierCode: row.code, members: Number(row.members) })),
      byLifecycle: byLifecycle.map((row) => ({ stage: row.stage ?? notScoredStage, members: Number(row.members) })),
    };
  }

  /** Members in both of each pair of the given segments. */
  async overlaps(segments: readonly SegmentRecord[]): Promise<SegmentOverlap[]> {
    const now = this.clock.now();
    const filters = segments.map((segment) => this.filterOf(segment, now));
    const overlaps: SegmentOverlap[] = [];
    for (let first = 0; first < segments.length; first += 1) {
      for (let second = first + 1; second < segments.length; second += 1) {
        const [row]: CountRow[] = await this.dataSource.query(`SELECT COUNT(*) AS members FROM ${memberFactsFrom} WHERE (${filters[first].where}) AND (${filters[second].where})`, [
          ...filters[first].parameters,
          ...filters[second].parameters,
        ]);
        overlaps.push({ first: segments[first], second: segments[second], members: Number(row.members) });
      }
    }
    return overlaps;
  }
}
