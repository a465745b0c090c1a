// Operators' own segment schemes: an ordered list of segments with rules, ending in a named catch-all, and edits of
// a segment's rule, which re-evaluate the scheme at once (moves with reason RULE_CHANGE). Built-in schemes follow
// the scores and are not edited.
import type { DataSource } from "typeorm";
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
import type { EvaluationResult, SegmentService } from "./segment-service";

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
    private readonly segments: SegmentService,
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
    return { scheme, evaluation: await this.segments.evaluateAll("RULE_CHANGE", { schemeId: scheme.id }) };
  }

  async updateSegmentRule(context: ServiceContext, segmentId: number, rule: unknown): Promise<{ segment: SegmentRecord; evaluation: EvaluationResult }> {
    const parsed = ruleFromInput(rule, "rule");
    const now = this.clock.now();
    const segment = await runInTransaction(this.dataSource, async (manager) => {
      const record = await manager.findOneBy(SegmentRecord, { id: segmentId });
      if (!record || record.schemeId === null) throw notFound(`No segment ${segmentId} in a scheme.`);
      const scheme = await manager.findOneByOrFail(SegmentSchemeRecord, { id: record.schemeId });
      if (scheme.builtIn) throw conflict(`Segment ${record.code} belongs to the built-in scheme ${scheme.code}, which follows the scores: create a scheme of your own to change rules.`);
      if (record.catchAll) throw badUserInput(`Segment ${record.code} is the catch-all of ${scheme.code}: it takes every member the segments before it do not, and has no rule.`, "segmentId");
      const before = record.rule;
      Object.assign(record, { rule: JSON.stringify(parsed), updatedAt: now });
      await manager.save(SegmentRecord, record);
      await this.audit.record(manager, context, { action: "segment.updateRule", targetType: "segment", targetId: record.id, details: { before, after: JSON.stringify(parsed) } });
      return record;
    });
    // Editing a rule re-evaluates at once, so the scheme never shows members placed by the old rule.
    return { segment, evaluation: await this.segments.evaluateAll("RULE_CHANGE", { schemeId: segment.schemeId }) };
  }
}
