// Leaderboards as a viewer sees them: which board and scope (a member's own city and tier; staff choose), the top
// list, the member's own standing and neighbours, and names masked unless their member opted in.
import type { DataSource } from "typeorm";
import type { Clock } from "../../../clock";
import { lockingRead, runInTransaction } from "../../../database/transactions";
import { leaderboardPeriodAt, maskLeaderboardName, previousLeaderboardPeriod, type LeaderboardPeriod, type LeaderboardPeriodKind, type LeaderboardScope } from "../../../engine/engagement/leaderboards";
import { LeaderboardBoardRecord, LeaderboardPreferenceRecord, MemberRecord, TierRecord, type LeaderboardMetric } from "../../../entities";
import { badUserInput, notFound } from "../../../errors";
import type { AuditService } from "../../audit-service";
import type { ServiceContext } from "../../service-context";
import { LeaderboardReader, type BoardRow, type BoardScope } from "./leaderboard-reader";

export interface LeaderboardRequest {
  metric: LeaderboardMetric;
  periodKind: LeaderboardPeriodKind;
  scope: LeaderboardScope;
  previous: boolean;
  /** Staff only: the city of a CITY board, the tier code of a TIER board. Members get their own. */
  city?: string | null;
  tierCode?: string | null;
}

/** Who reads: a member sees their own standing; staff with pii:read see every name. */
export interface LeaderboardViewer {
  memberId: number | null;
  revealsNames: boolean;
}

export interface LeaderboardEntryView {
  rank: number;
  score: number;
  displayName: string;
  nameMasked: boolean;
  isMe: boolean;
  /** The member's id: for staff, and for the member's own entry; never another member's to a member. */
  memberId: number | null;
  /** Only on CITY boards. */
  city: string | null;
}

export interface LeaderboardView {
  request: LeaderboardRequest;
  period: LeaderboardPeriod;
  viewer: LeaderboardViewer;
  board: LeaderboardBoardRecord | null;
  /** Null when the board cannot have a scope: a member without a city asks for the CITY board. */
  boardScope: BoardScope | null;
  tierCode: string | null;
  rankedMembers: number;
  /** The viewer's own standing; null for staff. */
  me: MyStanding | null;
}

export interface MyStanding {
  /** Null when not ranked: no points earned in the period. */
  rank: number | null;
  position: number | null;
  score: number;
  nameVisible: boolean;
}

export interface Neighbours {
  above: LeaderboardEntryView[];
  below: LeaderboardEntryView[];
}

export const maximumTopEntries = 100;
export const maximumNeighbours = 10;

export class LeaderboardService {
  private readonly reader: LeaderboardReader;

  constructor(private readonly dataSource: DataSource, private readonly clock: Clock, private readonly audit: AuditService, private readonly utcOffsetMinutes: number) {
    this.reader = new LeaderboardReader(dataSource);
  }

  async open(request: LeaderboardRequest, viewer: LeaderboardViewer): Promise<LeaderboardView> {
    const current = leaderboardPeriodAt(request.periodKind, this.clock.now(), this.utcOffsetMinutes);
    const period = request.previous ? previousLeaderboardPeriod(current, this.utcOffsetMinutes) : current;
    const board = await this.reader.currentBoard(request.metric, period);
    if (viewer.memberId === null) {
      const { boardScope, tierCode } = await this.staffScope(request);
      return { request, period, viewer, board, boardScope, tierCode, rankedMembers: board ? await this.reader.rankedMembers(board, boardScope) : 0, me: null };
    }
    if (request.city != null) throw badUserInput("city is for staff: a member sees the board of their own city.", "city");
    if (request.tierCode != null) throw badUserInput("tierCode is for staff: a member sees the board of their own tier.", "tierCode");
    const member = await this.dataSource.getRepository(MemberRecord).findOne({ where: { id: viewer.memberId }, select: { id: true, city: true, tierId: true } });
    if (!member) throw notFound("No member has the id given.");
    const entry = board ? await this.reader.entryOf(board.id, member.id) : null;
    // A ranked member's city and tier are those of the board (as of its refresh), so their rank and the list agree.
    const city = entry ? entry.city : member.city;
    const tierId = entry ? entry.tierId : member.tierId;
    const boardScope: BoardScope | null = request.scope === "ALL" ? { scope: "ALL" } : request.scope === "TIER" ? { scope: "TIER", tierId } : city === null ? null : { scope: "CITY", city };
    const tierCode = request.scope === "TIER" ? ((await this.dataSource.getRepository(TierRecord).findOneBy({ id: tierId }))?.code ?? null) : null;
    const standing = entry && boardScope ? standingIn(entry, boardScope) : null;
    return {
      request,
      period,
      viewer,
      board,
      boardScope,
      tierCode,
      rankedMembers: board && boardScope ? await this.reader.rankedMembers(board, boardScope) : 0,
      me: { rank: standing?.rank ?? null, position: standing?.position ?? null, score: standing ? entry!.score : 0, nameVisible: await this.nameVisible(member.id) },
    };
  }

  private async staffScope(request: LeaderboardRequest): Promise<{ boardScope: BoardScope; tierCode: string | null }> {
    if (request.scope !== "CITY" && request.city != null) throw badUserInput("city applies to the CITY scope only.", "city");
    if (request.scope !== "TIER" && request.tierCode != null) throw badUserInput("tierCode applies to the TIER scope only.", "tierCode");
    if (request.scope === "CITY") {
      const city = request.city?.trim();
      if (!city) throw badUserInput("A CITY board needs the city, e.g. city: \"上海\".", "city");
      return { boardScope: { scope: "CITY", city }, tierCode: null };
    }
    if (request.scope === "TIER") {
      if (!request.tierCode) throw badUserInput("A TIER board needs the tier's code, e.g. tierCode: \"GOLD\".", "tierCode");
      const tiers = await this.dataSource.getRepository(TierRecord).find({ order: { rank: "ASC" } });
      const tier = tiers.find((candidate) => candidate.code === request.tierCode);
      if (!tier) throw badUserInput(`tierCode "${request.tierCode}" is not a tier: use one of ${tiers.map((known) => known.code).join(", ")}.`, "tierCode");
      return { boardScope: { scope: "TIER", tierId: tier.id }, tierCode: tier.code };
    }
    return { boardScope: { scope: "ALL" }, tierCode: null };
  }

  /** The first `first` entries of the viewer's board and scope. */
  async top(view: LeaderboardView, first: number): Promise<LeaderboardEntryView[]> {
    if (!Number.isInteger(first) || first < 0 || first > maximumTopEntries) throw badUserInput(`first must be from 0 to ${maximumTopEntries}.`, "first");
    if (!view.board || !view.boardScope) return [];
    return (await this.reader.rows(view.board.id, view.boardScope, 1, first)).map((row) => this.entryView(view, row));
  }

  /**
   * Up to `count` entries just above and just below the viewer. A member who is not ranked stands below everyone who
   * is: their neighbours above are the last ranked members, and nobody is below.
   */
  async neighbours(view: LeaderboardView, count: number): Promise<Neighbours> {
    if (!Number.isInteger(count) || count < 0 || count > maximumNeighbours) throw badUserInput(`count must be from 0 to ${maximumNeighbours}.`, "count");
    if (!view.board || !view.boardScope || !view.me || count === 0) return { above: [], below: [] };
    const position = view.me.position ?? view.rankedMembers + 1;
    const rows = await this.reader.rows(view.board.id, view.boardScope, Math.max(1, position - count), position + count);
    const views = (list: BoardRow[]) => list.map((row) => this.entryView(view, row));
    return { above: views(rows.filter((row) => row.position < position)), below: views(rows.filter((row) => row.position > position)) };
  }

  private entryView(view: LeaderboardView, row: BoardRow): LeaderboardEntryView {
    const isMe = view.viewer.memberId === row.memberId;
    const shown = isMe || row.nameVisible || view.viewer.revealsNames;
    return {
      rank: row.rank,
      score: row.score,
      displayName: shown ? row.name : maskLeaderboardName(row.name),
      nameMasked: !shown,
      isMe,
      memberId: view.viewer.memberId === null || isMe ? row.memberId : null,
      city: view.request.scope === "CITY" ? row.city : null,
    };
  }

  async nameVisible(memberId: number): Promise<boolean> {
    return (await this.dataSource.getRepository(LeaderboardPreferenceRecord).findOneBy({ memberId }))?.nameVisible ?? false;
  }

  /** The member shows (or masks again) their name on every board at once; the boards read it live. */
  async setNameVisible(context: ServiceContext, memberId: number, visible: boolean): Promise<boolean> {
    await runInTransaction(this.dataSource, async (manager) => {
      // The member's row serialises two taps of the switch (on MariaDB both would otherwise insert the preference).
      if (!(await lockingRead(manager, MemberRecord, "member").select("member.id").where("member.id = :memberId", { memberId }).getOne())) throw notFound("No member has the id given.");
      const previous = await manager.findOneBy(LeaderboardPreferenceRecord, { memberId });
      if (previous?.nameVisible === visible || (!previous && !visible)) return;
      await manager.save(LeaderboardPreferenceRecord, Object.assign(new LeaderboardPreferenceRecord(), { memberId, nameVisible: visible, updatedAt: this.clock.now() }));
      await this.audit.record(manager, context, { action: "member.setLeaderboardNameVisible", targetType: "member", targetId: memberId, details: { nameVisible: visible } });
    });
    return visible;
  }
}

function standingIn(entry: { positionAll: number; rankAll: number; positionCity: number | null; rankCity: number | null; positionTier: number; rankTier: number }, scope: BoardScope): { position: number; rank: number } | null {
  if (scope.scope === "ALL") return { position: entry.positionAll, rank: entry.rankAll };
  if (scope.scope === "TIER") return { position: entry.positionTier, rank: entry.rankTier };
  return entry.positionCity === null || entry.rankCity === null ? null : { position: entry.positionCity, rank: entry.rankCity };
}
