// Where a lottery is in its life, from its dates and the clock.
import type { LotteryRecord } from "../../../entities";

export const lotteryStatuses = ["UPCOMING", "ACTIVE", "ENDED"] as const;
export type LotteryStatus = (typeof lotteryStatuses)[number];

export function lotteryStatus(lottery: Pick<LotteryRecord, "startsAt" | "endsAt">, now: Date): LotteryStatus {
  if (now.getTime() < lottery.startsAt.getTime()) return "UPCOMING";
  return now.getTime() < lottery.endsAt.getTime() ? "ACTIVE" : "ENDED";
}
