// The periodic full re-evaluation of segment membership, on a cron schedule (SEGMENTS_CRON) in the programme's
// time zone. Every server process runs the timer; the run's unique schedule slot lets one of them evaluate.
import { Cron } from "croner";
import type { SegmentEvaluationRunRecord } from "../entities";
import type { SegmentEvaluationRuns } from "../services/segments/segment-evaluation-runs";

export function startSegmentSchedule(
  expression: string,
  utcOffsetMinutes: number,
  evaluations: SegmentEvaluationRuns,
  onResult: (result: SegmentEvaluationRunRecord | null | Error) => void,
): () => Promise<void> {
  const job = new Cron(expression, { mode: "5-part", utcOffset: utcOffsetMinutes, protect: true, unref: true }, async () => {
    // The occurrence to the minute: every process that fires for it names the same slot.
    const occurrence = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    try {
      onResult(await evaluations.runScheduled(occurrence));
    } catch (error) {
      onResult(error instanceof Error ? error : new Error(String(error)));
    }
  });
  return async () => {
    job.stop();
    await evaluations.settle();
  };
}
