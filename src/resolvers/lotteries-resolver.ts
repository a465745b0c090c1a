import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { hasPermission } from "../auth/identity";
import { requireCanReadMember, requireMember, requirePermission } from "../auth/policies";
import { forbidden, notFound, unauthenticated } from "../errors";
import { connectionBody } from "../schema/connection";
import { expectNumberId } from "../schema/global-id";
import { CreateLotteryInput, DrawLotteryPayload, Lottery, LotteryDraw, LotteryDrawConnection, LotteryPrize, LotteryStatusEnum, LotteryVerification, UpdateLotteryInput } from "../schema/lotteries-types";
import { Member } from "../schema/member-type";
import { decodeCursor, encodeCursor, validFirst } from "../schema/paging";
import type { DescribedDraw } from "../services/engagement/lotteries/lottery-reader";
import { lotteryStatus, type LotteryStatus } from "../services/engagement/lotteries/lottery-status";
import type { RequestContext } from "../server/request-context";

const drawCursorKind = "lotteryDraw";
const lotteryIdOf = (id: string, argument: string) => expectNumberId(id, argument, "lottery", "Lottery");

/** Members see open (and, when asked, ended) lotteries; staff with members:read see them all. Partners none. */
function isStaffReader(context: RequestContext): boolean {
  const { identity } = context;
  if (identity.kind === "anonymous") throw unauthenticated();
  if (identity.kind === "member") return false;
  if (identity.kind === "partner") throw forbidden("Lotteries are for members and the programme's staff.");
  requirePermission(identity, "members:read");
  return true;
}

/** A coupon code spends like cash: in full for its member and staff who may read personal data. */
function describeDraws(context: RequestContext, draws: DescribedDraw[]): LotteryDraw[] {
  return draws.map((described) => {
    const inFull = (context.identity.kind === "member" && context.identity.memberId === described.draw.memberId) || hasPermission(context.identity, "pii:read");
    return LotteryDraw.fromDescribed(described, !inFull);
  });
}

@Resolver(() => Lottery)
export class LotteryResolver {
  @Query(() => [Lottery], { description: "Lotteries not ended, ending soonest first, then with includeEnded the ended ones, latest first. Members see open ones; staff with members:read upcoming ones too." })
  async lotteries(@Ctx() context: RequestContext, @Arg("includeEnded", { defaultValue: false }) includeEnded: boolean): Promise<Lottery[]> {
    const statuses: LotteryStatus[] = isStaffReader(context) ? ["UPCOMING", "ACTIVE"] : ["ACTIVE"];
    if (includeEnded) statuses.push("ENDED");
    return (await context.services.lotteryReader.list(statuses)).map(Lottery.fromRecord);
  }

  @Query(() => Lottery, { description: "A lottery by id. Members cannot see one before it opens." })
  async lottery(@Arg("id", () => ID) id: string, @Ctx() context: RequestContext): Promise<Lottery> {
    const staff = isStaffReader(context);
    const record = await context.services.lotteryReader.byId(lotteryIdOf(id, "id"));
    if (!record || (!staff && lotteryStatus(record, context.clock.now()) === "UPCOMING")) throw notFound("No lottery has this id.");
    return Lottery.fromRecord(record);
  }

  @FieldResolver(() => LotteryStatusEnum)
  status(@Root() lottery: Lottery, @Ctx() context: RequestContext): LotteryStatus {
    return lotteryStatus(lottery.record, context.clock.now());
  }

  @FieldResolver(() => String, { nullable: true, description: "The seed (64 hex digits) once the lottery has ended, so anyone can recompute every draw; null before." })
  revealedSeed(@Root() lottery: Lottery, @Ctx() context: RequestContext): string | null {
    return context.services.lotteryReader.revealedSeed(lottery.record);
  }

  @FieldResolver(() => [LotteryPrize], { description: "The published prize table in order, with odds and stock left." })
  async prizes(@Root() lottery: Lottery, @Ctx() context: RequestContext): Promise<LotteryPrize[]> {
    return LotteryPrize.table(await context.services.lotteryReader.prizes(lottery.record.id));
  }

  @FieldResolver(() => Int, { nullable: true, description: "For the signed-in member: draws left today (0 when not open); null for staff." })
  async drawsLeftToday(@Root() lottery: Lottery, @Ctx() context: RequestContext): Promise<number | null> {
    if (context.identity.kind !== "member") return null;
    return context.services.lotteryReader.drawsLeftToday(lottery.record, context.identity.memberId);
  }

  @FieldResolver(() => Int, { description: "Draws made so far, by all members." })
  drawCount(@Root() lottery: Lottery, @Ctx() context: RequestContext): Promise<number> {
    return context.services.lotteryReader.drawCount(lottery.record.id);
  }

  @Authorized("members:read")
  @FieldResolver(() => LotteryDrawConnection, { description: "Every member's draws, newest first. Staff." })
  async draws(
    @Root() lottery: Lottery,
    @Ctx() context: RequestContext,
    @Arg("first", () => Int, { defaultValue: 20 }) first: number,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ): Promise<LotteryDrawConnection> {
    const page = await context.services.lotteryReader.drawPage({ lotteryId: lottery.record.id }, validFirst(first), decodeCursor(drawCursorKind, after));
    return connectionBody(describeDraws(context, page.draws), (draw) => encodeCursor(drawCursorKind, Number(draw.id)), page.hasNextPage);
  }

  @Authorized("members:read")
  @Query(() => LotteryVerification, { description: "Recomputes every draw of a lottery from its seed and checks the prize table's counts. Staff; after the lottery ends anyone can repeat it with revealedSeed." })
  async verifyLotteryDraws(@Arg("lotteryId", () => ID) lotteryId: string, @Ctx() context: RequestContext): Promise<LotteryVerification> {
    const result = await context.services.lotteryVerifier.verify(lotteryIdOf(lotteryId, "lotteryId"));
    return Object.assign(new LotteryVerification(), { ...result, lotteryId: String(result.lotteryId), valid: result.problems.length === 0 });
  }

  @Authorized("engagement:write")
  @Mutation(() => Lottery, { description: "Creates a lottery with its prize table and a secret seed whose SHA-256 is published as seedCommitment. Audited." })
  async createLottery(@Arg("input", () => CreateLotteryInput) input: CreateLotteryInput, @Ctx() context: RequestContext): Promise<Lottery> {
    return Lottery.fromRecord(await context.services.lotteries.create(context, input));
  }

  @Authorized("engagement:write")
  @Mutation(() => Lottery, { description: "Changes texts, cost, daily limit, dates not yet passed, and prize stock. Audited." })
  async updateLottery(@Arg("id", () => ID) id: string, @Arg("input", () => UpdateLotteryInput) input: UpdateLotteryInput, @Ctx() context: RequestContext): Promise<Lottery> {
    const prizeStocks = input.prizeStocks?.map((line, index) => ({ prizeId: expectNumberId(line.prizeId, `input.prizeStocks[${index}].prizeId`, "prize", "LotteryPrize"), stock: line.stock ?? null }));
    return Lottery.fromRecord(await context.services.lotteries.update(context, lotteryIdOf(id, "id"), { ...input, prizeStocks }));
  }

  @Authorized("engagement:write")
  @Mutation(() => Lottery, { description: "Ends the lottery now: no more draws, and revealedSeed shows the seed. Audited." })
  async endLottery(@Arg("id", () => ID) id: string, @Ctx() context: RequestContext): Promise<Lottery> {
    return Lottery.fromRecord(await context.services.lotteries.end(context, lotteryIdOf(id, "id")));
  }

  @Mutation(() => DrawLotteryPayload, {
    description: "Draws once for the signed-in member: pays costPoints (INSUFFICIENT_POINTS when short), within dailyLimit (NOT_ELIGIBLE, reason DAILY_LIMIT_REACHED), and gives the prize.",
  })
  async drawLottery(
    @Arg("lotteryId", () => ID) lotteryId: string,
    @Arg("idempotencyKey", { description: "A fresh UUID per draw; reuse it only to retry (a double tap gets the same draw)." }) idempotencyKey: string,
    @Ctx() context: RequestContext,
  ): Promise<DrawLotteryPayload> {
    const memberId = requireMember(context.identity);
    const result = await context.services.lotteryDraws.draw(context, memberId, lotteryIdOf(lotteryId, "lotteryId"), idempotencyKey);
    const described = (await context.services.lotteryReader.drawById(result.lotteryDrawId))!;
    const drawsLeftToday = await context.services.lotteryReader.drawsLeftToday(described.lottery, memberId);
    return Object.assign(new DrawLotteryPayload(), { draw: describeDraws(context, [described])[0], balance: result.balance, drawsLeftToday });
  }
}

@Resolver(() => Member)
export class MemberLotteryResolver {
  @FieldResolver(() => LotteryDrawConnection, { description: "The member's lottery draws, newest first, optionally of one lottery: the member, or staff with members:read." })
  async lotteryDraws(
    @Root() member: Member,
    @Ctx() context: RequestContext,
    @Arg("lotteryId", () => ID, { nullable: true }) lotteryId?: string | null,
    @Arg("first", () => Int, { defaultValue: 20 }) first?: number,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ): Promise<LotteryDrawConnection> {
    requireCanReadMember(context.identity, member.record.id);
    const filter = { memberId: member.record.id, lotteryId: lotteryId ? lotteryIdOf(lotteryId, "lotteryId") : null };
    const page = await context.services.lotteryReader.drawPage(filter, validFirst(first ?? 20), decodeCursor(drawCursorKind, after));
    return connectionBody(describeDraws(context, page.draws), (draw) => encodeCursor(drawCursorKind, Number(draw.id)), page.hasNextPage);
  }
}
