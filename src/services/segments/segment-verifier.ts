// The invariant of segment schemes, checked on the stored memberships: every member is in exactly one segment of
// every scheme. The primary key (member, scheme) already rules out two; this finds none, and segments of the
// wrong scheme.
import type { DataSource } from "typeorm";

export interface SegmentVerification {
  members: number;
  schemes: number;
  /** Per scheme code: members with no segment in it. */
  missing: { scheme: string; members: number }[];
  /** Memberships whose segment belongs to another scheme (or to none). */
  misplaced: number;
}

export async function verifySegments(dataSource: DataSource): Promise<SegmentVerification> {
  const [{ members }] = await dataSource.query("SELECT COUNT(*) AS members FROM members");
  const [{ schemes }] = await dataSource.query("SELECT COUNT(*) AS schemes FROM segment_schemes");
  const missing: { code: string; members: number | string }[] = await dataSource.query(
    `SELECT s.code AS code, COUNT(*) AS members FROM segment_schemes s CROSS JOIN members m
       LEFT JOIN segment_memberships ms ON ms.member_id = m.id AND ms.scheme_id = s.id
      WHERE ms.member_id IS NULL GROUP BY s.code ORDER BY s.code`,
  );
  const [{ misplaced }] = await dataSource.query(
    "SELECT COUNT(*) AS misplaced FROM segment_memberships ms JOIN segments g ON g.id = ms.segment_id WHERE g.scheme_id IS NULL OR g.scheme_id <> ms.scheme_id",
  );
  return { members: Number(members), schemes: Number(schemes), missing: missing.map((row) => ({ scheme: row.code, members: Number(row.members) })), misplaced: Number(misplaced) };
}

export function segmentsVerify(verification: SegmentVerification): boolean {
  return verification.missing.length === 0 && verification.misplaced === 0;
}
