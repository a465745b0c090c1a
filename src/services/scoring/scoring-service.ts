// Scoring runs. A full run scores every member in two passes over the aggregates: the first computes the
// population's quintile and percentile breakpoints and fits the clusters, the second scores and writes each
// chunk. Between runs, a member whose behaviour changed is rescored alone with the latest run's breakpoints.
import type { DataSource } from "typeorm";
import type { Clock } from "../../clock";
import { insertRows } from "../../database/bulk-insert";
import { timeToDatabase } from "../../database/raw-values";
import { runInTransaction } from "../../database/transactions";
import { clusterFeatures, computeBreakpoints, fitClusterModel, rawFigures, scoreMember } from "../../engine";
import { localMonthKey } from "../../engine";
import { createRandom } from "../../engine/random";
import type { ClusterModel, MemberActivity, MemberFigures, RawFigures, ScoringBreakpoints, ScoringSettings } from "../../engine/scoring/types";
import { MemberScoreRecord, ScoringRunRecord, type ScoringRunTrigger } from "../../entities";
import type { ActivityRecorder } from "../behaviour/activity-recorder";
import { readActivityChunk, readActivityOf } from "./activity-reader";
import { scoreRow } from "./score-rows";

const chunkSize = 5_000;
const clusterSampleSize = 20_000;
const snapshotRange = 20_000;
/**
 * Up to this many members, pass one keeps what it read and computed for pass two (about 1 GB a million): the
 * aggregates are read and the raw figures computed once instead of twice. Larger populations are read again.
 */
const membersKeptInMemory = 1_500_000;

/** A chunk of pass one kept for pass two: the members' aggregates and their raw figures, in the same order. */
interface KeptChunk {
  activities: MemberActivity[];
  figures: MemberFigures[];
}

export interface ScoringServiceOptions {
  settings: ScoringSettings;
  utcOffsetMinutes: number;
  /** K-means clusters of a full run; 0 chooses k from 2 to 8 by silhouette. */
  clusterCount: number;
  /** Told which members were just rescored alone (segments re-evaluate them). */
  afterRescore?: (memberIds: readonly number[]) => Promise<unknown>;
  /** Told when background work fails (incremental rescoring runs after the command that caused it returned). */
  onError: (error: unknown, what: string) => void;
}

export interface StartedRun {
  run: ScoringRunRecord;
  completion: Promise<ScoringRunRecord>;
}

/** The latest completed run's breakpoints and clusters, parsed once per run. */
interface ScoringModel {
  runId: number;
  breakpoints: ScoringBreakpoints;
  clusters: ClusterModel | null;
}

export class ScoringService {
  private active: Promise<StartedRun> | null = null;
  private model: ScoringModel | null = null;
  private readonly pending = new Set<number>();
  private draining: Promise<void> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly activity: ActivityRecorder,
    private readonly options: ScoringServiceOptions,
  ) {}

  /**
   * Starts a full run unless one is already running in this process, in which case that one is returned.
   * Resolves with the run's row once it exists; `completion` resolves when it ends.
   */
  startFullRun(trigger: ScoringRunTrigger, actor: string | null, onProgress?: (run: ScoringRunRecord) => void): Promise<StartedRun> {
    if (this.active) {
      // The row as it is now, with its progress.
      return this.active.then(async ({ run, completion }) => ({ run: (await this.dataSource.getRepository(ScoringRunRecord).findOneBy({ id: run.id })) ?? run, completion }));
    }
    // Set before the first await, so two calls at once cannot both start a run.
    const active = this.begin(trigger, actor, onProgress);
    this.active = active;
    const finished = () => {
      if (this.active === active) this.active = null;
    };
    active.then(({ completion }) => completion.then(finished, finished), finished);
    return active;
  }

  private async begin(trigger: ScoringRunTrigger, actor: string | null, onProgress?: (run: ScoringRunRecord) => void): Promise<StartedRun> {
    const now = this.clock.now();
    const [{ members }] = await this.dataSource.query("SELECT COUNT(*) AS members FROM member_aggregates");
    const run = await this.saveRun({
      status: "RUNNING", trigger, actor, membersTotal: Number(members), membersScored: 0, breakpoints: null, clusterModel: null, error: null, startedAt: now, finishedAt: null,
    } as ScoringRunRecord);
    const snapshot = { ...run };
    return { run: snapshot, completion: this.score(run, onProgress) };
  }

  /** Runs a full rescoring to its end (command line, schedule, tests). */
  async runFull(trigger: ScoringRunTrigger, actor: string | null, onProgress?: (run: ScoringRunRecord) => void): Promise<ScoringRunRecord> {
    const { completion } = await this.startFullRun(trigger, actor, onProgress);
    return completion;
  }

  /**
   * Run rows are written in transactions of their own like everything else: on SQLite a write outside the queue
   * would land in whichever transaction holds the shared connection, and vanish if that one rolled back.
   */
  private saveRun(run: ScoringRunRecord): Promise<ScoringRunRecord> {
    return runInTransaction(this.dataSource, (manager) => manager.save(ScoringRunRecord, run));
  }

  private async score(run: ScoringRunRecord, onProgress?: (run: ScoringRunRecord) => void): Promise<ScoringRunRecord> {
    const { settings } = this.options;
    try {
      const now = run.startedAt;
      await this.activity.refreshWindows(this.dataSource, now);
      const model = await this.fitModel(run.id, now);
      Object.assign(run, { breakpoints: JSON.stringify(model.breakpoints), clusterModel: model.clusters ? JSON.stringify(model.clusters) : null, membersTotal: model.breakpoints.memberCount });
      await this.saveRun(run);
      const runModel: ScoringModel = { runId: run.id, breakpoints: model.breakpoints, clusters: model.clusters };
      let afterMemberId = 0;
      for (let index = 0; ; index += 1) {
        const kept = model.chunks?.[index];
        const chunk = model.chunks ? (kept?.activities ?? []) : await readActivityChunk(this.dataSource.manager, afterMemberId, chunkSize);
        if (chunk.length === 0) break;
        afterMemberId = chunk[chunk.length - 1].memberId;
        const figures = kept?.figures ?? chunk.map((activity) => rawFigures(activity, now, settings));
        if (model.chunks) model.chunks[index] = { activities: [], figures: [] };
        const rows = this.scoreRows(runModel, chunk, figures, now);
        run.membersScored += rows.length;
        // The chunk and the progress that counts it commit together.
        await runInTransaction(this.dataSource, async (manager) => {
          await insertRows(manager, MemberScoreRecord, rows, { replace: true });
          await manager.update(ScoringRunRecord, { id: run.id }, { membersScored: run.membersScored });
        });
        onProgress?.(run);
      }
      // Events that arrived during the run changed some members after pass one read them (and their incremental
      // rescoring used the previous model): rescore them again, from their current aggregates, with this run's.
      const touched: { member_id: number | string }[] = await this.dataSource.query("SELECT member_id FROM member_aggregates WHERE updated_at > ?", [timeToDatabase(this.dataSource, now)]);
      const touchedIds = touched.map((row) => Number(row.member_id));
      for (let start = 0; start < touchedIds.length; start += chunkSize) await this.rescoreWith(runModel, touchedIds.slice(start, start + chunkSize));
      await this.writeSnapshots(now);
      Object.assign(run, { status: "COMPLETED", finishedAt: this.clock.now() });
      await this.saveRun(run);
      this.model = runModel;
      return run;
    } catch (error) {
      Object.assign(run, { status: "FAILED", finishedAt: this.clock.now(), error: String(error instanceof Error ? error.message : error).slice(0, 500) });
      await this.saveRun(run);
      throw error;
    }
  }

  /** Pass one: breakpoints over the whole population and clusters fitted on a sample of it. */
  private async fitModel(runId: number, now: Date): Promise<{ breakpoints: ScoringBreakpoints & { memberCount: number }; clusters: ClusterModel | null; chunks: KeptChunk[] | null }> {
    const { settings } = this.options;
    const random = createRandom(runId);
    const figures: RawFigures[] = [];
    const sample: number[][] = [];
    let chunks: KeptChunk[] | null = [];
    let afterMemberId = 0;
    for (;;) {
      const chunk = await readActivityChunk(this.dataSource.manager, afterMemberId, chunkSize);
      if (chunk.length === 0) break;
      afterMemberId = chunk[chunk.length - 1].memberId;
      const kept: KeptChunk | null = chunks && figures.length + chunk.length <= membersKeptInMemory ? { activities: chunk, figures: [] } : null;
      if (kept) chunks!.push(kept);
      else chunks = null;
      for (const activity of chunk) {
        const raw = rawFigures(activity, now, settings);
        kept?.figures.push(raw);
        // What the breakpoints read, for every member: the kept figures themselves, or a copy without the factor
        // lists when the population is too large to keep.
        figures.push(kept ? raw : { memberId: raw.memberId, recencyDays: raw.recencyDays, frequency: raw.frequency, monetary: raw.monetary, clv: raw.clv, churnRisk: raw.churnRisk, churnFactors: [] });
        // Reservoir sampling: every member has the same chance to be in the clustering sample. Features are built
        // only for the members that enter it.
        if (sample.length < clusterSampleSize) sample.push(clusterFeatures(activity, raw));
        else {
          const slot = Math.floor(random.next() * figures.length);
          if (slot < clusterSampleSize) sample[slot] = clusterFeatures(activity, raw);
        }
      }
    }
    const breakpoints = { ...computeBreakpoints(figures), memberCount: figures.length };
    const { clusterCount } = this.options;
    const clusters = sample.length >= 2 ? fitClusterModel(sample, () => random.next(), clusterCount > 0 ? { k: clusterCount, sampleSize: 2_000 } : { kRange: [2, 8], sampleSize: 2_000 }) : null;
    return { breakpoints, clusters, chunks };
  }

  /**
   * Keeps the month's last scores: a snapshot row per member per local month, replaced by later runs in it. Copied
   * in ranges of member ids, each its own transaction, so MariaDB's shared locks on the scores copied are held
   * briefly and incremental rescoring is never held up for the whole copy.
   */
  async writeSnapshots(now: Date): Promise<void> {
    const columns = "run_id, recency_days, recency, frequency, monetary, rfm_code, rfm_segment, lifecycle_stage, churn_risk_permille, activity, loyalty, value, clv, computed_at";
    const month = localMonthKey(now, this.options.utcOffsetMinutes);
    const [{ highest }] = await this.dataSource.query("SELECT COALESCE(MAX(member_id), 0) AS highest FROM member_scores");
    for (let from = 0; from < Number(highest); from += snapshotRange) {
      await runInTransaction(this.dataSource, (manager) =>
        manager.query(
          `REPLACE INTO member_score_snapshots (member_id, month, ${columns}) SELECT member_id, ?, ${columns} FROM member_scores WHERE member_id > ? AND member_id <= ?`,
          [month, from, from + snapshotRange],
        ),
      );
    }
  }

  /** A full run when the last one finished more than `everyHours` ago, or never ran. */
  async rescoreIfDue(everyHours: number): Promise<{ ran: boolean; runId?: number; membersScored?: number }> {
    const latest = await this.dataSource.getRepository(ScoringRunRecord).findOne({ where: { status: "COMPLETED" }, order: { id: "DESC" } });
    const due = !latest?.finishedAt || this.clock.now().getTime() - latest.finishedAt.getTime() >= everyHours * 3_600_000;
    if (!due) return { ran: false };
    const run = await this.runFull("SCHEDULE", null);
    return { ran: true, runId: run.id, membersScored: run.membersScored };
  }

  /** Waits for background work to end, before the database closes. */
  async stop(): Promise<void> {
    await this.idle();
    await this.active?.then(({ completion }) => completion).catch(() => undefined);
  }

  /** The latest completed run's model, or null before the first run. */
  async currentModel(): Promise<ScoringModel | null> {
    const latest = await this.dataSource.getRepository(ScoringRunRecord).findOne({ where: { status: "COMPLETED" }, order: { id: "DESC" } });
    if (!latest?.breakpoints) return null;
    if (this.model?.runId !== latest.id) {
      this.model = { runId: latest.id, breakpoints: JSON.parse(latest.breakpoints) as ScoringBreakpoints, clusters: latest.clusterModel ? (JSON.parse(latest.clusterModel) as ClusterModel) : null };
    }
    return this.model;
  }

  /**
   * Rescores some members now with the latest breakpoints, then re-evaluates their segments. Before the first full
   * run there are no breakpoints and nothing is scored (the server's schedule starts that run at start-up when none
   * has completed), but the segments are still re-evaluated.
   */
  async rescoreMembers(memberIds: readonly number[]): Promise<number> {
    if (memberIds.length === 0) return 0;
    const model = await this.currentModel();
    const rescored = model ? await this.rescoreWith(model, memberIds) : 0;
    // Segments test more than scores (activity, tier, profile): members are re-evaluated even before the first full
    // run has made a model to score them with.
    await this.options.afterRescore?.(memberIds);
    return rescored;
  }

  private async rescoreWith(model: ScoringModel, memberIds: readonly number[]): Promise<number> {
    const { settings } = this.options;
    const now = this.clock.now();
    return runInTransaction(this.dataSource, async (manager) => {
      const activities: MemberActivity[] = await readActivityOf(manager, [...new Set(memberIds)]);
      const rows = this.scoreRows(model, activities, activities.map((activity) => rawFigures(activity, now, settings)), now);
      await insertRows(manager, MemberScoreRecord, rows, { replace: true });
      return rows.length;
    });
  }

  /** Score rows of members with a model: the one step a full run and an incremental rescoring share. */
  private scoreRows(model: ScoringModel, activities: readonly MemberActivity[], figures: readonly MemberFigures[], now: Date): MemberScoreRecord[] {
    const { settings } = this.options;
    return activities.map((activity, position) => scoreRow(scoreMember(activity, figures[position], model.breakpoints, now, settings, model.clusters), model.runId, now));
  }

  /** Queues a member for rescoring after the command that touched them; queued members are rescored together. */
  enqueue(memberId: number): void {
    this.pending.add(memberId);
    this.draining ??= this.drain().finally(() => {
      this.draining = null;
    });
  }

  /** Resolves when every queued member has been rescored (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    // Yield first, so the members of commands finishing together are rescored in one transaction.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pending.size > 0) {
      const memberIds = [...this.pending].slice(0, 500);
      for (const memberId of memberIds) this.pending.delete(memberId);
      await this.rescoreMembers(memberIds).catch((error: unknown) => this.options.onError(error, `rescoring members ${memberIds.join(", ")}`));
    }
  }
}
