// How members' customer lifetime values (member_scores.clv, fen, the latest scoring) spread: equal-width buckets
// between the lowest and the highest value, counted in SQL so a million members are not read into the process.
import type { DataSource } from "typeorm";
import { isSqlite } from "../../database/transactions";
import { numberFromDatabase } from "../../database/raw-values";
import { badUserInput } from "../../errors";

/** Enough for a histogram; more buckets than this is a table, not a chart. */
export const maximumClvBuckets = 100;

export interface ClvBucket {
  /** Fen: the bucket holds lowerFen ≤ clv < upperFen; the last bucket also holds upperFen (the highest value). */
  lowerFen: number;
  upperFen: number;
  members: number;
}

export class ClvDistribution {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Buckets in order, empty ones included. Bounds are whole fen: bucket k starts at min + ⌈k × (max − min) ÷ buckets⌉,
   * which is exactly where ⌊(clv − min) × buckets ÷ (max − min)⌋ reaches k, so bounds and counts agree (with a range
   * narrower than the bucket count some buckets are empty, lowerFen = upperFen). One bucket [min, max] when every
   * member has the same value; none when nobody has been scored.
   */
  async distribution(buckets: number): Promise<ClvBucket[]> {
    if (!Number.isInteger(buckets) || buckets < 1 || buckets > maximumClvBuckets) throw badUserInput(`buckets must be a whole number from 1 to ${maximumClvBuckets}.`, "buckets");
    const [range] = await this.dataSource.query("SELECT MIN(clv) AS lowest, MAX(clv) AS highest, COUNT(*) AS members FROM member_scores");
    if (numberFromDatabase(range.members) === 0) return [];
    const lowest = numberFromDatabase(range.lowest);
    const highest = numberFromDatabase(range.highest);
    if (lowest === highest) return [{ lowerFen: lowest, upperFen: highest, members: numberFromDatabase(range.members) }];
    const width = highest - lowest;
    // Integer division on both databases: SQLite divides integers as integers (its parameters arrive as reals, hence
    // the casts); MariaDB's / would give a decimal, DIV does not.
    const bucketOf = isSqlite(this.dataSource)
      ? "(clv - CAST(? AS INTEGER)) * CAST(? AS INTEGER) / CAST(? AS INTEGER)"
      : "(clv - ?) * ? DIV ?";
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT CASE WHEN clv = ? THEN ? ELSE ${bucketOf} END AS bucket, COUNT(*) AS members FROM member_scores GROUP BY bucket`,
      [highest, buckets - 1, lowest, buckets, width],
    );
    const counts = new Map(rows.map((row) => [numberFromDatabase(row.bucket), numberFromDatabase(row.members)]));
    const lowerBound = (bucket: number) => lowest + Math.ceil((bucket * width) / buckets);
    return Array.from({ length: buckets }, (_, bucket) => ({ lowerFen: lowerBound(bucket), upperFen: lowerBound(bucket + 1), members: counts.get(bucket) ?? 0 }));
  }
}
