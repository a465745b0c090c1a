// Operators' own segment schemes: an ordered list of segments with rules, ending in a named catch-all, and edits of
// a segment's rule, which re-evaluate the scheme at once (moves with reason RULE_CHANGE). Built-in schemes follow
// the scores and are not edited.
import { IsNull, type DataSource, type EntityManager } from "typeorm";
import { describeActor } from "../../auth/identity";
import type { Clock } from "../../clock";
import { runInTransaction } from "../../database/transactions";
import type { SegmentRule } from "../../engine";
import { SegmentRecord, SegmentSchemeRecord } from "../../entities";
import { badUserInput, conflict, notFound } from "../../errors";
import type { AuditService } from "../audit-service";
import { isUniqueViolation } from "../idempotency-service";
import { validCode } from "../points/points-input";
import type { ServiceContext } from "../service-context";
import { ruleFromInput } from "./rule-input";
import type { SegmentEvaluationRuns } from "./segment-evaluation-runs";
import type { EvaluationResult } from "./segment-service";

export interface SegmentInput {
  code: string;
  name: string;
  nameEn: string;
  rule: unknown;
}

export interface SchemeInput {
  code: string;
  name: string;
  nameEn: string;
  segments: SegmentInput[];
  /** The last segment: every member no rule before it matched. */
  catchAll: Omit<SegmentInput, "rule">;
}

const maximumSegments = 50;

function validName(value: string, field: string): string {
  const text = (value ?? "").trim();
  if (text.length === 0 || text.length > 64) throw badUserInput(`${field} must be 1 to 64 characters.`, field);
  return text;
}

export class SegmentDefinitionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly evaluations: SegmentEvaluationRuns,
  ) {}

  async createScheme(context: ServiceContext, input: SchemeInput): Promise<{ scheme: SegmentSchemeRecord; evaluation: EvaluationResult }> {
    const code = validCode(input.code, "input.code", 32);
    const name = validName(input.name, "input.name");
    const nameEn = validName(input.nameEn, "input.nameEn");
    if (!Array.isArray(input.segments) || input.segments.length === 0 || input.segments.length > maximumSegments) {
      throw badUserInput(`input.segments must hold 1 to ${maximumSegments} segments before the catch-all.`, "input.segments");
    }
    const segments = [
      ...input.segments.map((segment, index) => ({
        code: validCode(segment.code, `input.segments[${index}].code`, 32),
        name: validName(segment.name, `input.segments[${index}].name`),
        nameEn: validName(segment.nameEn, `input.segments[${index}].nameEn`),
        rule: ruleFromInput(segment.rule, `input.segments[${index}].rule`) as SegmentRule | null,
      })),
      { code: validCode(input.catchAll.code, "input.catchAll.code", 32), name: validName(input.catchAll.name, "input.catchAll.name"), nameEn: validName(input.catchAll.nameEn, "input.catchAll.nameEn"), rule: null },
    ];
    const codes = segments.map((segment) => segment.code);
    const repeated = codes.find((candidate, index) => codes.indexOf(candidate) !== index);
    if (repeated) throw badUserInput(`Segment code ${repeated} appears twice in the scheme: codes must differ.`, "input.segments");
    const now = this.clock.now();
    const scheme = await runInTransaction(this.dataSource, async (manager) => {
      const saved = await manager.save(SegmentSchemeRecord, { code, name, nameEn, builtIn: false, createdAt: now, updatedAt: now }).catch((error: unknown) => {
        throw isUniqueViolation(error) ? conflict(`A segment scheme ${code} already exists: choose another code.`) : error;
      });
      for (const [position, segment] of segments.entries()) {
        await manager.insert(SegmentRecord, { schemeId: saved.id, code: segment.code, name: segment.name, nameEn: segment.nameEn, position, rule: JSON.stringify(segment.rule ?? {}), catchAll: segment.rule === null, createdAt: now, updatedAt: now });
      }
      await this.audit.record(manager, context, { action: "segmentScheme.create", targetType: "segmentScheme", targetId: saved.id, details: { code, segments: codes } });
      return saved;
    });
    // Every member is placed in the new scheme before this returns: the scheme is complete from its first moment.
    return { scheme, evaluation: await this.reevaluate(context, scheme.id) };
  }

  async updateSegmentRule(context: ServiceContext, segmentId: number, rule: unknown): Promise<{ segment: SegmentRecord; evaluation: EvaluationResult }> {
    const parsed = ruleFromInput(rule, "rule");
    const now = this.clock.now();
    const segment = await runInTransaction(this.dataSource, async (manager) => {
      const record = await this.editableSegment(manager, segmentId);
      if (record.catchAll) throw badUserInput(`Segment ${record.code} is a catch-all: it takes every member the segments before it do not, and has no rule.`, "segmentId");
      const before = record.rule;
      Object.assign(record, { rule: JSON.stringify(parsed), updatedAt: now });
      await manager.save(SegmentRecord, record);
      await this.audit.record(manager, context, { action: "segment.updateRule", targetType: "segment", targetId: record.id, details: { before, after: JSON.stringify(parsed) } });
      return record;
    });
    // Editing a rule re-evaluates at once, so the scheme never shows members placed by the old rule. An ad-hoc
    // segment stores no membership: it is its rule, evaluated whenever it is read.
    if (segment.schemeId === null) return { segment, evaluation: { members: 0, moves: 0 } };
    return { segment, evaluation: await this.reevaluate(context, segment.schemeId) };
  }

  /** An ad-hoc segment: a named rule outside any scheme, for targeting; members may be in several. */
  async createAdHocSegment(context: ServiceContext, input: SegmentInput): Promise<SegmentRecord> {
    const code = validCode(input.code, "input.code", 32);
    const name = validName(input.name, "input.name");
    const nameEn = validName(input.nameEn, "input.nameEn");
    const rule = ruleFromInput(input.rule, "input.rule");
    const now = this.clock.now();
    return runInTransaction(this.dataSource, async (manager) => {
      // The unique index on (scheme, code) does not cover a null scheme: ad-hoc codes are checked here.
      if (await manager.existsBy(SegmentRecord, { schemeId: IsNull(), code })) throw conflict(`An ad-hoc segment ${code} already exists: choose another code.`);
      const saved = await manager.save(SegmentRecord, { schemeId: null, code, name, nameEn, position: 0, rule: JSON.stringify(rule), catchAll: false, createdAt: now, updatedAt: now });
      await this.audit.record(manager, context, { action: "segment.createAdHoc", targetType: "segment", targetId: saved.id, details: { code, rule: JSON.stringify(rule) } });
      return saved;
    });
  }

  /** Renames a segment of an operator's scheme or an ad-hoc one; membership does not change. */
  async renameSegment(context: ServiceContext, segmentId: number, names: { name: string; nameEn: string }): Promise<SegmentRecord> {
    const name = validName(names.name, "name");
    const nameEn = validName(names.nameEn, "nameEn");
    return runInTransaction(this.dataSource, async (manager) => {
      const record = await this.editableSegment(manager, segmentId);
      const before = `${record.name} / ${record.nameEn}`;
      Object.assign(record, { name, nameEn, updatedAt: this.clock.now() });
      await manager.save(SegmentRecord, record);
      await this.audit.record(manager, context, { action: "segment.rename", targetType: "segment", targetId: record.id, details: { before, after: `${name} / ${nameEn}` } });
      return record;
    });
  }

  /**
   * Puts the segments of an operator's scheme in a new order (every segment but the catch-all, which stays last)
   * and re-evaluates the scheme: with first-match placement, order decides where members who match several go.
   */
  async reorderSegments(context: ServiceContext, schemeId: number, segmentIds: readonly number[]): Promise<{ segments: SegmentRecord[]; evaluation: EvaluationResult }> {
    const segments = await runInTransaction(this.dataSource, async (manager) => {
      const scheme = await manager.findOneBy(SegmentSchemeRecord, { id: schemeId });
      if (!scheme) throw notFound(`No segment scheme ${schemeId}.`);
      if (scheme.builtIn) throw conflict(`${scheme.code} is a built-in scheme that follows the scores: its order is fixed.`);
      const records = await manager.find(SegmentRecord, { where: { schemeId }, order: { position: "ASC" } });
      const ordered = records.filter((record) => !record.catchAll);
      const expected = ordered.map((record) => record.id).sort((a, b) => a - b);
      if (segmentIds.length !== expected.length || [...segmentIds].sort((a, b) => a - b).some((id, index) => id !== expected[index])) {
        throw badUserInput(`segmentIds must list each of the scheme's ${expected.length} segments (not the catch-all) exactly once, in the new order.`, "segmentIds");
      }
      const now = this.clock.now();
      for (const [position, id] of segmentIds.entries()) await manager.update(SegmentRecord, { id }, { position, updatedAt: now });
      const catchAll = records.find((record) => record.catchAll)!;
      await manager.update(SegmentRecord, { id: catchAll.id }, { position: segmentIds.length, updatedAt: now });
      await this.audit.record(manager, context, { action: "segmentScheme.reorder", targetType: "segmentScheme", targetId: schemeId, details: { before: ordered.map((record) => record.code), after: segmentIds.map((id) => ordered.find((record) => record.id === id)!.code) } });
      return manager.find(SegmentRecord, { where: { schemeId }, order: { position: "ASC" } });
    });
    return { segments, evaluation: await this.reevaluate(context, schemeId) };
  }

  /** Re-evaluates the changed scheme to its end as a recorded run (trigger RULE_CHANGE), before the change returns. */
  private async reevaluate(context: ServiceContext, schemeId: number): Promise<EvaluationResult> {
    const actor = describeActor(context.identity);
    const run = await this.evaluations.run("RULE_CHANGE", `${actor.actorType}:${actor.actorId ?? ""}`, schemeId);
    if (run.status === "FAILED") throw new Error(`Re-evaluating segment scheme ${schemeId} after the change failed (run ${run.id}): ${run.error}`);
    return { members: run.membersDone, moves: run.moves };
  }

  /** A segment an operator may edit: in a scheme of their own, or ad hoc. */
  private async editableSegment(manager: EntityManager, segmentId: number): Promise<SegmentRecord> {
    const record = await manager.findOneBy(SegmentRecord, { id: segmentId });
    if (!record) throw notFound(`No segment ${segmentId}.`);
    if (record.schemeId === null) return record;
    const scheme = await manager.findOneByOrFail(SegmentSchemeRecord, { id: record.schemeId });
    if (scheme.builtIn) throw conflict(`Segment ${record.code} belongs to the built-in scheme ${scheme.code}, which follows the scores: create a scheme of your own to change rules.`);
    return record;
  }
}
