// `BENCH_ONLY=segments npm run bench`: segment evaluation of a large population on SQLite beside its floor
// (bench/segment-evaluation.ts), and the latency of live moves to many graphql-ws subscribers beside one
// (bench/segment-move-latency.ts).
import { benchmarkSegmentEvaluation, type EvaluationBenchResults, type EvaluationBenchSettings } from "./segment-evaluation";
import { benchmarkMoveLatency, type MoveLatencyResults, type MoveLatencySettings } from "./segment-move-latency";

export interface SegmentBenchSettings {
  evaluation: EvaluationBenchSettings;
  latency: MoveLatencySettings;
}

export interface SegmentBenchResults {
  evaluation: EvaluationBenchResults;
  latency: MoveLatencyResults;
}

export function segmentBenchSettings(environment: NodeJS.ProcessEnv): SegmentBenchSettings {
  const number = (name: string, fallback: number) => Number(environment[name] ?? fallback);
  return {
    evaluation: {
      // The scoring benchmark's population by default: both use the same cached database.
      members: number("BENCH_SEGMENT_MEMBERS", number("BENCH_SCORING_MEMBERS", 1_000_000)),
      seed: 1,
      rounds: number("BENCH_SEGMENT_ROUNDS", 3),
      placementRounds: number("BENCH_SEGMENT_PLACEMENT_ROUNDS", 1),
      engineMembers: 200_000,
    },
    latency: {
      members: number("BENCH_SEGMENT_LATENCY_MEMBERS", 10_000),
      subscriptions: number("BENCH_SEGMENT_SUBSCRIPTIONS", 1_000),
      moves: number("BENCH_SEGMENT_MOVES", 100),
      rounds: number("BENCH_SEGMENT_LATENCY_ROUNDS", 2),
    },
  };
}

/** The move latency first: it needs a few seconds of seeding, the evaluation may need minutes. */
export async function benchmarkSegments(settings: SegmentBenchSettings, log: (line: string) => void): Promise<SegmentBenchResults> {
  const latency = await benchmarkMoveLatency(settings.latency, log);
  const evaluation = await benchmarkSegmentEvaluation(settings.evaluation, log);
  return { evaluation, latency };
}
