// Reads of challenges: what a member can take part in now with their progress and eligibility, a member's own
// challenges, and for staff the definitions with how many members took part and completed.
import type { DataSource } from "typeorm";
import type { Clock } from "../../../clock";
import { challengeEligibility, type ChallengeEligibility } from "../../../engine/engagement/challenges/challenge-eligibility";
import { ChallengeProgressRecord, ChallengeRecord } from "../../../entities";
import { memberStanding } from "../../eligibility-conditions";

/** A challenge as one member sees it. */
export interface MemberChallengeView {
  challenge: ChallengeRecord;
  /** Null when the member has made no progress yet. */
  progress: ChallengeProgressRecord | null;
  /** Now; null when not asked (a member's own history shows what they did, eligible or not today). */
  eligibility: ChallengeEligibility | null;
}

export interface ChallengeFigures {
  participants: number;
  completions: number;
}

const historyLimit = 100;

export class ChallengeReader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  byId(id: number): Promise<ChallengeRecord | null> {
    return this.dataSource.getRepository(ChallengeRecord).findOneBy({ id });
  }

  /** Staff's list, newest first. */
  list(activeOnly: boolean): Promise<ChallengeRecord[]> {
    return this.dataSource.getRepository(ChallengeRecord).find({ where: activeOnly ? { active: true } : {}, order: { id: "DESC" } });
  }

  /** Members with progress and members who completed, per challenge. */
  async figures(challengeIds: readonly number[]): Promise<Map<number, ChallengeFigures>> {
    if (challengeIds.length === 0) return new Map();
    const rows = await this.dataSource
      .getRepository(ChallengeProgressRecord)
      .createQueryBuilder("progress")
      .select("progress.challengeId", "challengeId")
      .addSelect("COUNT(*)", "participants")
      .addSelect("COUNT(progress.completedAt)", "completions")
      .where("progress.challengeId IN (:...challengeIds)", { challengeIds: [...challengeIds] })
      .groupBy("progress.challengeId")
      .getRawMany<{ challengeId: number | string; participants: number | string; completions: number | string }>();
    const figures = new Map(challengeIds.map((id) => [id, { participants: 0, completions: 0 }]));
    for (const row of rows) figures.set(Number(row.challengeId), { participants: Number(row.participants), completions: Number(row.completions) });
    return figures;
  }

  /** The active challenges running now, ending soonest first, with the member's progress and eligibility. */
  async running(memberId: number): Promise<MemberChallengeView[]> {
    const now = this.clock.now();
    const challenges = await this.dataSource
      .getRepository(ChallengeRecord)
      .createQueryBuilder("challenge")
      .where("challenge.active = :active AND challenge.startsAt <= :now AND challenge.endsAt > :now", { active: true, now })
      .orderBy("challenge.endsAt", "ASC")
      .addOrderBy("challenge.id", "ASC")
      .getMany();
    if (challenges.length === 0) return [];
    const standing = await memberStanding(this.dataSource.manager, memberId);
    const progress = await this.progressOf(memberId, challenges.map((challenge) => challenge.id));
    return challenges.map((challenge) => ({ challenge, progress: progress.get(challenge.id) ?? null, eligibility: challengeEligibility(challenge, standing) }));
  }

  /** The challenges the member has made progress in, latest started first (at most 100). */
  async ofMember(memberId: number): Promise<MemberChallengeView[]> {
    const progress = await this.dataSource.getRepository(ChallengeProgressRecord).find({ where: { memberId }, order: { startedAt: "DESC", challengeId: "DESC" }, take: historyLimit });
    if (progress.length === 0) return [];
    const challenges = await this.dataSource
      .getRepository(ChallengeRecord)
      .createQueryBuilder("challenge")
      .where("challenge.id IN (:...ids)", { ids: progress.map((row) => row.challengeId) })
      .getMany();
    const byId = new Map(challenges.map((challenge) => [challenge.id, challenge]));
    return progress.map((row) => ({ challenge: byId.get(row.challengeId)!, progress: row, eligibility: null }));
  }

  private async progressOf(memberId: number, challengeIds: number[]): Promise<Map<number, ChallengeProgressRecord>> {
    const rows = await this.dataSource
      .getRepository(ChallengeProgressRecord)
      .createQueryBuilder("progress")
      .where("progress.memberId = :memberId AND progress.challengeId IN (:...challengeIds)", { memberId, challengeIds })
      .getMany();
    return new Map(rows.map((row) => [row.challengeId, row]));
  }
}
