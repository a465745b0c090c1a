// SQL pieces the KPI queries share, the same on SQLite and MySQL/MariaDB: a time column's local day number, the
// breakdown of members into groups by their current attributes, and the groups of the programme-wide KPI facts.
import type { DataSource } from "typeorm";
import { isSqlite } from "../../database/transactions";
import { numberFromDatabase } from "../../database/raw-values";
import { programmeScheme, type KpiBreakdown } from "../../engine/analytics";

/** SQL and its positional parameters, in the order they appear. */
export interface SqlPiece {
  sql: string;
  parameters: unknown[];
}

/**
 * The local day number of a UTC datetime column. Both forms are exact at whole seconds, and local midnights are
 * whole seconds: SQLite's strftime('%s') drops the milliseconds, MySQL's DATEDIFF counts calendar days whatever the
 * session's time zone.
 */
export function localDaySql(dataSource: DataSource, column: string, utcOffsetMinutes: number): string {
  const offset = Math.trunc(utcOffsetMinutes);
  return isSqlite(dataSource)
    ? `((CAST(strftime('%s', ${column}) AS INTEGER) + ${offset * 60} + 86400000000) / 86400 - 1000000)`
    : `DATEDIFF(${column} + INTERVAL ${offset} MINUTE, '1970-01-01')`;
}

/**
 * How members are grouped: the joins from a member id column and the group's expression (NULL: no value). A query
 * over members itself names their alias (`membersAlias`), so the groups come from that row, not from joining members
 * again: growth counts then read the index `idx_members_joined_groups` alone.
 */
export function breakdownSql(breakdown: KpiBreakdown, memberIdColumn: string, schemeId: number | null, membersAlias?: string): SqlPiece & { group: string } {
  const join = membersAlias ? "" : `JOIN members gm ON gm.id = ${memberIdColumn}`;
  const member = membersAlias ?? "gm";
  switch (breakdown) {
    case "NONE":
      return { sql: "", parameters: [], group: "'ALL'" };
    case "CHANNEL":
      // Over members itself, a unary plus (a no-op on both databases): SQLite would otherwise walk the channel index in
      // group order and look every member up for joined_at, 6× slower than the covering idx_members_joined_groups.
      return { sql: join, parameters: [], group: membersAlias ? `+${member}.join_channel` : `${member}.join_channel` };
    case "TIER":
      return { sql: `${join} JOIN tiers gt ON gt.id = ${member}.tier_id`, parameters: [], group: "gt.code" };
    case "CITY_TIER":
      return { sql: join, parameters: [], group: `${member}.city_tier` };
    case "SEGMENT":
      return {
        sql: `LEFT JOIN segment_memberships gs ON gs.member_id = ${memberIdColumn} AND gs.scheme_id = ? LEFT JOIN segments gg ON gg.id = gs.segment_id`,
        parameters: [schemeId],
        group: "gg.code",
      };
  }
}

/** The label of a group value: members without a city tier are UNKNOWN, members outside the scheme UNPLACED. */
export function groupLabel(breakdown: KpiBreakdown, value: unknown): string {
  if (value === null || value === undefined) return breakdown === "SEGMENT" ? "UNPLACED" : "UNKNOWN";
  return String(value);
}

/** How the KPI facts are grouped for a breakdown: the schemes' rows to read, the column, and each value's label. */
export interface FactGroups {
  schemeIds: number[];
  column: string;
  label(value: unknown): string;
}

export async function factGroups(dataSource: DataSource, breakdown: KpiBreakdown, schemeId: number | null): Promise<FactGroups> {
  const programme = [programmeScheme];
  switch (breakdown) {
    case "NONE":
      return { schemeIds: programme, column: "'ALL'", label: () => "ALL" };
    case "CHANNEL":
      return { schemeIds: programme, column: "channel", label: (value) => String(value) };
    case "CITY_TIER":
      return { schemeIds: programme, column: "city_tier", label: (value) => (numberFromDatabase(value) === 0 ? "UNKNOWN" : String(numberFromDatabase(value))) };
    case "TIER": {
      const tiers: Record<string, unknown>[] = await dataSource.query("SELECT id, code FROM tiers");
      const codes = new Map(tiers.map((tier) => [numberFromDatabase(tier.id), String(tier.code)]));
      return { schemeIds: programme, column: "tier_id", label: (value) => codes.get(numberFromDatabase(value)) ?? `TIER_${String(value)}` };
    }
    case "SEGMENT": {
      // The programme's rows (scheme 0) are the totals the unplaced are worked out from.
      const segments: Record<string, unknown>[] = await dataSource.query("SELECT id, code FROM segments WHERE scheme_id = ?", [schemeId]);
      const codes = new Map(segments.map((segment) => [numberFromDatabase(segment.id), String(segment.code)]));
      return { schemeIds: [programmeScheme, schemeId!], column: "segment_id", label: (value) => codes.get(numberFromDatabase(value)) ?? `SEGMENT_${String(value)}` };
    }
  }
}
