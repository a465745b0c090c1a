import {
  allowedCampaignActions,
  type CampaignAction,
  campaignActions,
  campaignEditProblems,
  type CampaignState,
  campaignStates,
  editableFields,
  isFinalCampaignState,
  transition,
} from "../../src/engine";

describe("campaign transitions", () => {
  // The full table, as in the comment of campaign-state.ts: every pair not listed is refused.
  const allowed: Record<string, CampaignState> = {
    "DRAFT SCHEDULE": "SCHEDULED",
    "DRAFT CANCEL": "CANCELLED",
    "SCHEDULED UNSCHEDULE": "DRAFT",
    "SCHEDULED START": "RUNNING",
    "SCHEDULED CANCEL": "CANCELLED",
    "RUNNING PAUSE": "PAUSED",
    "RUNNING COMPLETE": "COMPLETED",
    "RUNNING CANCEL": "CANCELLED",
    "PAUSED RESUME": "RUNNING",
    "PAUSED COMPLETE": "COMPLETED",
    "PAUSED CANCEL": "CANCELLED",
  };

  it.each(campaignStates.flatMap((state) => campaignActions.map((action) => [state, action] as const)))("%s + %s follows the table", (state, action) => {
    const result = transition(state, action);
    const expected = allowed[`${state} ${action}`];
    if (expected === undefined) {
      expect(result).toMatchObject({ ok: false, state, action });
      if (!result.ok) expect(result.message).toMatch(/^A (draft|scheduled|running|paused|completed|cancelled) campaign cannot be \w+(\.|: .+\.)$/);
    } else {
      expect(result).toEqual({ ok: true, state: expected });
    }
  });

  it.each([
    ["COMPLETED", "RESUME", "FINAL_STATE", "A completed campaign cannot be resumed."],
    ["CANCELLED", "CANCEL", "FINAL_STATE", "A cancelled campaign cannot be cancelled."],
    ["PAUSED", "PAUSE", "ALREADY_IN_STATE", "A paused campaign cannot be paused: it is paused already."],
    ["RUNNING", "RESUME", "ALREADY_IN_STATE", "A running campaign cannot be resumed: it is running already."],
    ["DRAFT", "START", "NOT_FROM_THIS_STATE", "A draft campaign cannot be started: schedule it first."],
    ["PAUSED", "START", "NOT_FROM_THIS_STATE", "A paused campaign cannot be started: it has started already; resume it instead."],
    ["SCHEDULED", "COMPLETE", "NOT_FROM_THIS_STATE", "A scheduled campaign cannot be completed: it has not started; cancel it instead."],
  ] as const)("refuses %s + %s as %s: %s", (state, action, reason, message) => {
    expect(transition(state, action)).toEqual({ ok: false, state, action, reason, message });
  });

  it("ends only in COMPLETED and CANCELLED, and every state reaches one of them", () => {
    expect(campaignStates.filter(isFinalCampaignState)).toEqual(["COMPLETED", "CANCELLED"]);
    for (const start of campaignStates) {
      // A walk over the table from the start state.
      const reachable = new Set<CampaignState>([start]);
      const frontier: CampaignState[] = [start];
      while (frontier.length > 0) {
        const state = frontier.pop()!;
        for (const action of allowedCampaignActions(state)) {
          const result = transition(state, action);
          if (result.ok && !reachable.has(result.state)) {
            reachable.add(result.state);
            frontier.push(result.state);
          }
        }
      }
      expect(reachable.has("COMPLETED") || reachable.has("CANCELLED")).toBe(true);
    }
  });

  it("lists the allowed actions of each state", () => {
    const actions: Record<CampaignState, CampaignAction[]> = {
      DRAFT: ["SCHEDULE", "CANCEL"],
      SCHEDULED: ["UNSCHEDULE", "START", "CANCEL"],
      RUNNING: ["PAUSE", "COMPLETE", "CANCEL"],
      PAUSED: ["RESUME", "COMPLETE", "CANCEL"],
      COMPLETED: [],
      CANCELLED: [],
    };
    for (const state of campaignStates) expect(allowedCampaignActions(state)).toEqual(actions[state]);
  });
});

describe("editable fields", () => {
  it("allows everything before the start, and fixes the experiment once it has run", () => {
    expect(editableFields("DRAFT")).toHaveLength(12);
    expect(editableFields("SCHEDULED")).toEqual(editableFields("DRAFT"));
    expect(editableFields("RUNNING")).toEqual(["name", "description", "endAt", "budget", "frequencyCap", "quietHours"]);
    expect(editableFields("PAUSED")).toEqual(editableFields("RUNNING"));
    expect(editableFields("COMPLETED")).toEqual(["name", "description"]);
    expect(editableFields("CANCELLED")).toEqual(["name", "description"]);
  });

  it("says which changes a state refuses, one sentence each", () => {
    expect(campaignEditProblems("DRAFT", ["target", "variants"])).toEqual([]);
    expect(campaignEditProblems("RUNNING", ["target", "budget", "templates"])).toEqual(["The target cannot change once a campaign is running.", "The message templates cannot change once a campaign is running."]);
    expect(campaignEditProblems("PAUSED", ["controlPercent"])).toEqual(["The control share cannot change once a campaign has run, even while it is paused."]);
    expect(campaignEditProblems("COMPLETED", ["endAt"])).toEqual(["The end time cannot change after a campaign has completed."]);
  });

  it("hands out a copy", () => {
    editableFields("COMPLETED").push("target");
    expect(editableFields("COMPLETED")).toEqual(["name", "description"]);
  });
});
