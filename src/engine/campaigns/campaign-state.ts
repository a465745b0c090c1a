// A campaign's life: the states, the actions that move it between them, and what may still be edited in each.
//
//   from \ action   SCHEDULE   UNSCHEDULE  START     PAUSE    RESUME    COMPLETE    CANCEL
//   DRAFT           SCHEDULED  -           -         -        -         -           CANCELLED
//   SCHEDULED       -          DRAFT       RUNNING   -        -         -           CANCELLED
//   RUNNING         -          -           -         PAUSED   -         COMPLETED   CANCELLED
//   PAUSED          -          -           -         -        RUNNING   COMPLETED   CANCELLED
//   COMPLETED, CANCELLED: final, no action.
//
// Why these: every campaign is scheduled before it starts, so the checks made when scheduling (target, templates,
// guard rails) always run; "start now" is scheduling for now. UNSCHEDULE returns a scheduled campaign to draft for
// larger edits. A paused campaign may be completed: its results so far are final. A running campaign may be
// cancelled in one step, so a wrong message can be stopped at once. COMPLETED means the results stand; CANCELLED
// means the campaign was abandoned and its results are not to be read as an experiment's outcome.

export const campaignStates = ["DRAFT", "SCHEDULED", "RUNNING", "PAUSED", "COMPLETED", "CANCELLED"] as const;
export type CampaignState = (typeof campaignStates)[number];

export const campaignActions = ["SCHEDULE", "UNSCHEDULE", "START", "PAUSE", "RESUME", "COMPLETE", "CANCEL"] as const;
export type CampaignAction = (typeof campaignActions)[number];

const transitions: Readonly<Record<CampaignState, Partial<Record<CampaignAction, CampaignState>>>> = {
  DRAFT: { SCHEDULE: "SCHEDULED", CANCEL: "CANCELLED" },
  SCHEDULED: { UNSCHEDULE: "DRAFT", START: "RUNNING", CANCEL: "CANCELLED" },
  RUNNING: { PAUSE: "PAUSED", COMPLETE: "COMPLETED", CANCEL: "CANCELLED" },
  PAUSED: { RESUME: "RUNNING", COMPLETE: "COMPLETED", CANCEL: "CANCELLED" },
  COMPLETED: {},
  CANCELLED: {},
};

/** Where each action leads when it is allowed: used to tell "already there" from "not from here". */
const actionTargets: Readonly<Record<CampaignAction, CampaignState>> = {
  SCHEDULE: "SCHEDULED",
  UNSCHEDULE: "DRAFT",
  START: "RUNNING",
  PAUSE: "PAUSED",
  RESUME: "RUNNING",
  COMPLETE: "COMPLETED",
  CANCEL: "CANCELLED",
};

const stateAdjectives: Readonly<Record<CampaignState, string>> = {
  DRAFT: "A draft",
  SCHEDULED: "A scheduled",
  RUNNING: "A running",
  PAUSED: "A paused",
  COMPLETED: "A completed",
  CANCELLED: "A cancelled",
};

const actionParticiples: Readonly<Record<CampaignAction, string>> = {
  SCHEDULE: "scheduled",
  UNSCHEDULE: "unscheduled",
  START: "started",
  PAUSE: "paused",
  RESUME: "resumed",
  COMPLETE: "completed",
  CANCEL: "cancelled",
};

const stateDescriptions: Readonly<Record<CampaignState, string>> = {
  DRAFT: "a draft",
  SCHEDULED: "scheduled",
  RUNNING: "running",
  PAUSED: "paused",
  COMPLETED: "completed",
  CANCELLED: "cancelled",
};

/** What to do instead, for the refusals where there is something. */
const hints: Readonly<Partial<Record<`${CampaignState}:${CampaignAction}`, string>>> = {
  "DRAFT:START": "schedule it first",
  "DRAFT:PAUSE": "it has not started",
  "DRAFT:RESUME": "it has not started",
  "DRAFT:COMPLETE": "it has not started; cancel it instead",
  "SCHEDULED:PAUSE": "it has not started; unschedule it instead",
  "SCHEDULED:RESUME": "it has not started",
  "SCHEDULED:COMPLETE": "it has not started; cancel it instead",
  "RUNNING:SCHEDULE": "it has started already",
  "RUNNING:UNSCHEDULE": "it has started already; pause it instead",
  "PAUSED:SCHEDULE": "it has started already; resume it instead",
  "PAUSED:UNSCHEDULE": "it has started already",
  "PAUSED:START": "it has started already; resume it instead",
};

export type TransitionRefusalReason = "FINAL_STATE" | "ALREADY_IN_STATE" | "NOT_FROM_THIS_STATE";

export type TransitionResult =
  | { ok: true; state: CampaignState }
  | { ok: false; state: CampaignState; action: CampaignAction; reason: TransitionRefusalReason; message: string };

export function isFinalCampaignState(state: CampaignState): boolean {
  return Object.keys(transitions[state]).length === 0;
}

/** The new state, or a refusal with a sentence for the operator ("A completed campaign cannot be resumed."). */
export function transition(state: CampaignState, action: CampaignAction): TransitionResult {
  const next = transitions[state][action];
  if (next !== undefined) return { ok: true, state: next };
  const refused = `${stateAdjectives[state]} campaign cannot be ${actionParticiples[action]}`;
  if (isFinalCampaignState(state)) return { ok: false, state, action, reason: "FINAL_STATE", message: `${refused}.` };
  if (actionTargets[action] === state) return { ok: false, state, action, reason: "ALREADY_IN_STATE", message: `${refused}: it is ${stateDescriptions[state]} already.` };
  const hint = hints[`${state}:${action}`];
  return { ok: false, state, action, reason: "NOT_FROM_THIS_STATE", message: hint === undefined ? `${refused}.` : `${refused}: ${hint}.` };
}

/** The actions allowed from a state, in the order of campaignActions (for the buttons an editor shows). */
export function allowedCampaignActions(state: CampaignState): CampaignAction[] {
  return campaignActions.filter((action) => transitions[state][action] !== undefined);
}

export const campaignFields = ["name", "description", "channel", "target", "variants", "controlPercent", "templates", "startAt", "endAt", "budget", "frequencyCap", "quietHours"] as const;
export type CampaignField = (typeof campaignFields)[number];

// Before the start everything may change. Once it has run, what decides who is in which group and what they got
// (channel, target, variants and weights, control share, templates) is fixed: a change would mix two experiments
// in one set of results, and the start has passed. The end, budget and guard rails may still be adjusted. After
// the end only the labels remain editable.
const whileRunning: readonly CampaignField[] = ["name", "description", "endAt", "budget", "frequencyCap", "quietHours"];
const editable: Readonly<Record<CampaignState, readonly CampaignField[]>> = {
  DRAFT: campaignFields,
  SCHEDULED: campaignFields,
  RUNNING: whileRunning,
  PAUSED: whileRunning,
  COMPLETED: ["name", "description"],
  CANCELLED: ["name", "description"],
};

export function editableFields(state: CampaignState): CampaignField[] {
  return [...editable[state]];
}

const fieldLabels: Readonly<Record<CampaignField, string>> = {
  name: "The name",
  description: "The description",
  channel: "The channel",
  target: "The target",
  variants: "The variants",
  controlPercent: "The control share",
  templates: "The message templates",
  startAt: "The start time",
  endAt: "The end time",
  budget: "The budget",
  frequencyCap: "The frequency cap",
  quietHours: "The quiet hours",
};

const onceStates: Readonly<Record<CampaignState, string>> = {
  DRAFT: "",
  SCHEDULED: "",
  RUNNING: "once a campaign is running",
  PAUSED: "once a campaign has run, even while it is paused",
  COMPLETED: "after a campaign has completed",
  CANCELLED: "after a campaign is cancelled",
};

/** One sentence per changed field the state does not allow to change; empty when the edit may be saved. */
export function campaignEditProblems(state: CampaignState, changedFields: readonly CampaignField[]): string[] {
  return changedFields.filter((field) => !editable[state].includes(field)).map((field) => `${fieldLabels[field]} cannot change ${onceStates[state]}.`);
}
