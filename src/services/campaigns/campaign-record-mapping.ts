// A campaign definition to its table row and back: the settings that are lists or objects are JSON columns.
import type { CampaignRecord } from "../../entities";
import type { CampaignDefinition, SendTime } from "./campaign-input";

export function campaignColumns(definition: CampaignDefinition): Partial<CampaignRecord> {
  return {
    code: definition.code,
    name: definition.name,
    channel: definition.channel,
    triggerKind: definition.trigger.kind,
    triggerSettings: JSON.stringify({ at: definition.trigger.at?.toISOString() ?? null, segmentId: definition.trigger.segmentId, cron: definition.trigger.cron }),
    target: JSON.stringify(definition.target),
    // The variants column holds the content: each variant's first message, the follow-ups all variants share, and
    // what counts as a conversion.
    variants: JSON.stringify({ variants: definition.variants, followUps: definition.followUps, conversionEvent: definition.conversionEvent }),
    controlPercent: definition.controlPercent,
    sendTime: definition.sendTime,
    startsAt: definition.startsAt,
    endsAt: definition.endsAt,
    budget: definition.budget,
    conversionWindowDays: definition.conversionWindowDays,
  };
}

function contentOf(column: string): Pick<CampaignDefinition, "variants" | "followUps" | "conversionEvent"> {
  const content = JSON.parse(column) as Partial<Pick<CampaignDefinition, "variants" | "followUps" | "conversionEvent">>;
  return { variants: content.variants ?? [], followUps: content.followUps ?? [], conversionEvent: content.conversionEvent ?? "ORDER" };
}

export function definitionOf(record: CampaignRecord): CampaignDefinition {
  const trigger = JSON.parse(record.triggerSettings) as { at: string | null; segmentId: number | null; cron?: string | null };
  return {
    code: record.code,
    name: record.name,
    channel: record.channel,
    trigger: { kind: record.triggerKind, at: trigger.at === null ? null : new Date(trigger.at), segmentId: trigger.segmentId, cron: trigger.cron ?? null },
    target: JSON.parse(record.target),
    ...contentOf(record.variants),
    controlPercent: record.controlPercent,
    sendTime: record.sendTime as SendTime,
    startsAt: record.startsAt,
    endsAt: record.endsAt,
    budget: record.budget,
    conversionWindowDays: record.conversionWindowDays,
  };
}
