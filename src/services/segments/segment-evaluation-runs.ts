// Full re-evaluations of segment membership as runs with progress: on a schedule (cron), on demand from the admin
// console or the command line. Each run is a row; a scheduled run carries its cron occurrence, unique, so that
// several server processes firing the same occurrence evaluate once.
import type { DataSource } from "typeorm";
import type { Clock } from "../../clock";
import { runInTransaction } from "../../database/transactions";
import { SegmentEvaluationRunRecord, type SegmentEvaluationTrigger } from "../../entities";
import { isUniqueViolation } from "../idempotency-service";
import type { SegmentService } from "./segment-service";

export interface StartedEvaluation {
  run: SegmentEvaluationRunRecord;
  completion: Promise<SegmentEvaluationRunRecord>;
}

export class SegmentEvaluationRuns {
  /** Runs this process is executing, by scope ("all" or a scheme id): asking again returns the running one. */
  private readonly running = new Map<string, Promise<StartedEvaluation | null>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly segments: SegmentService,
  ) {}

  /**
   * Starts a run in the background and returns it at once with its completion. Returns the run of the same scope
   * this process is already executing instead of starting a second (except after a rule change, which must read
   * the new rule from its first chunk); null when `scheduleSlot` was taken (another process runs that occurrence).
   */
  async start(trigger: SegmentEvaluationTrigger, actor: string | null, schemeId: number | null = null, scheduleSlot: string | null = null): Promise<StartedEvaluation | null> {
    const scope = schemeId === null ? "all" : String(schemeId);
    const active = this.running.get(scope);
    if (active && trigger !== "RULE_CHANGE") return active;
    // Registered before the first await, so two requests at the same moment share one run; forgotten as the run
    // ends, before anyone awaiting its completion resumes.
    const forget = () => {
      if (this.running.get(scope) === starting) this.running.delete(scope);
    };
    const starting: Promise<StartedEvaluation | null> = this.begin(trigger, actor, schemeId, scheduleSlot).then(
      (started) => {
        if (!started) {
          forget();
          return null;
        }
        return { run: started.run, completion: started.completion.finally(forget) };
      },
      (error: unknown) => {
        forget();
        throw error;
      },
    );
    this.running.set(scope, starting);
    return starting;
  }

  private async begin(trigger: SegmentEvaluationTrigger, actor: string | null, schemeId: number | null, scheduleSlot: string | null): Promise<StartedEvaluation | null> {
    const [{ members }] = await this.dataSource.query("SELECT COUNT(*) AS members FROM members");
    let run: SegmentEvaluationRunRecord;
    try {
      run = await this.save({
        status: "RUNNING", trigger, schemeId, scheduleSlot, actor, membersTotal: Number(members), membersDone: 0, moves: 0, error: null, startedAt: this.clock.now(), finishedAt: null,
      } as SegmentEvaluationRunRecord);
    } catch (error) {
      if (scheduleSlot !== null && isUniqueViolation(error)) return null;
      throw error;
    }
    return { run: { ...run }, completion: this.execute(run) };
  }

  /** Runs one to its end (command line, tests). */
  async run(trigger: SegmentEvaluationTrigger, actor: string | null, schemeId: number | null = null): Promise<SegmentEvaluationRunRecord> {
    const started = await this.start(trigger, actor, schemeId);
    return started!.completion;
  }

  /** The run of one cron occurrence, unless another process has it already (then null). */
  async runScheduled(occurrence: Date): Promise<SegmentEvaluationRunRecord | null> {
    const started = await this.start("SCHEDULE", "system:schedule", null, occurrence.toISOString());
    return started ? started.completion : null;
  }

  /** Resolves when the runs this process is executing have ended (shutdown). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.running.values()].map(async (starting) => (await starting)?.completion));
  }

  private async execute(run: SegmentEvaluationRunRecord): Promise<SegmentEvaluationRunRecord> {
    try {
      // A time-driven re-evaluation records its moves as SCHEDULE whoever asked for it; a rule edit as RULE_CHANGE.
      const reason = run.trigger === "RULE_CHANGE" ? "RULE_CHANGE" : "SCHEDULE";
      const result = await this.segments.evaluateAll(reason, {
        schemeId: run.schemeId,
        onProgress: async (progress) => {
          Object.assign(run, { membersDone: progress.members, moves: progress.moves });
          await this.save(run);
        },
      });
      Object.assign(run, { status: "COMPLETED", membersDone: result.members, moves: result.moves, finishedAt: this.clock.now() });
    } catch (error) {
      Object.assign(run, { status: "FAILED", error: (error instanceof Error ? error.message : String(error)).slice(0, 500), finishedAt: this.clock.now() });
    }
    return this.save(run);
  }

  /** In a transaction of its own: on SQLite a write outside the queue would join whichever transaction is open. */
  private save(run: SegmentEvaluationRunRecord): Promise<SegmentEvaluationRunRecord> {
    return runInTransaction(this.dataSource, (manager) => manager.save(SegmentEvaluationRunRecord, run));
  }
}
