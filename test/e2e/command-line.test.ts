import { randomUUID } from "node:crypto";
import { testDatabaseKinds, type ScratchDatabase } from "../support/databases";
import { databaseUrlOf, freePort, runCommandToEnd, startCommand } from "../support/cli";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../../src/database/data-source";
import { createTestPartner, memberCode } from "../support/coalition";
import { startTestApplication, type TestApplication } from "../support/test-application";

async function eventually(check: () => boolean, what: string, milliseconds = 60_000): Promise<void> {
  const deadline = Date.now() + milliseconds;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A query to the started server with the token a `token` run printed. */
async function query(port: number, printedToken: string, text: string): Promise<any> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${printedToken.trim()}` },
    body: JSON.stringify({ query: text }),
  });
  return response.json();
}

describe("start-up configuration errors", () => {
  it.each([
    [{ PORT: "70000" }, "PORT"],
    [{ DATABASE_URL: "postgres://localhost/loyalty" }, "DATABASE_URL"],
    [{ NODE_ENV: "production", PERSONAL_DATA_KEY: "k".repeat(40) }, "JWT_SECRET"],
  ])("%j stops with one line naming %s and exit code 1", async (environment, variable) => {
    const result = await runCommandToEnd("start.ts", [], environment);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(new RegExp(`^Configuration error: ${variable} `));
  });
});

describe.each(testDatabaseKinds())("npm start, token and migrate on $name", (kind) => {
  let scratch: ScratchDatabase;
  let environment: Record<string, string>;

  beforeAll(async () => {
    scratch = await kind.create();
    environment = { DATABASE_URL: databaseUrlOf(scratch.config), DEMO_MEMBERS: "40", DEMO_SEED: "9" };
  });
  afterAll(async () => {
    await scratch?.drop();
  });

  it("starts on an empty database with demo data, serves tokens from `token`, and stops cleanly on SIGTERM", async () => {
    const port = await freePort();
    const server = startCommand("start.ts", [], { ...environment, PORT: String(port) });
    try {
      await eventually(() => server.stdout().includes("Loyalty Graph is running") || server.child.exitCode !== null, "the server to start");
      expect(server.stdout()).toContain(`http://127.0.0.1:${port}/graphql`);
      expect(server.stdout()).toContain("npm run -s token -- --role admin");

      const token = await runCommandToEnd("token.ts", ["--role", "admin"], environment);
      expect(token.code).toBe(0);
      const body = await query(port, token.stdout, "{ members(first: 5) { totalCount edges { node { name tier { code } } } } }");
      expect(body.data.members.totalCount).toBe(40);
      expect(body.data.members.edges).toHaveLength(5);
      const runs = await query(port, token.stdout, "{ scoringRuns(first: 1) { edges { node { status trigger membersScored } } } members(first: 1) { edges { node { scores { rfmSegment lifecycleStage } } } } }");
      expect(runs.data.scoringRuns.edges[0].node).toEqual({ status: "COMPLETED", trigger: "DEMO_SEED", membersScored: 40 });
      expect(runs.data.members.edges[0].node.scores.lifecycleStage).toMatch(/^(NEW|ACTIVE|DECLINING|DORMANT|CHURNED)$/);

      const memberToken = await runCommandToEnd("token.ts", ["--member", "3"], environment);
      expect(memberToken.code).toBe(0);
      const me = await query(port, memberToken.stdout, "{ me { id phone } }");
      expect(me.data.me.phone).toMatch(/^1[3-9]\d{9}$/);

      const unknownMember = await runCommandToEnd("token.ts", ["--member", "999999"], environment);
      expect(unknownMember.code).toBe(1);
      expect(unknownMember.stderr).toContain("There is no member 999999");
    } finally {
      server.child.kill("SIGTERM");
    }
    expect(await server.exited).toBe(0);
    expect(server.stdout()).toContain('"msg":"stopped"');
  });

  it("restarting does not seed again", async () => {
    const port = await freePort();
    const server = startCommand("start.ts", [], { ...environment, PORT: String(port), DEMO_MEMBERS: "10" });
    await eventually(() => server.stdout().includes("Loyalty Graph is running"), "the server to start");
    expect(server.stdout()).not.toContain("seeding demo data");
    server.child.kill("SIGINT");
    expect(await server.exited).toBe(0);
  });

  it("runs the jobs once with `jobs`, and `ledger:verify` passes on the demo ledger but fails when a balance is tampered with", async () => {
    const jobs = await runCommandToEnd("run-jobs.ts", ["all"], environment);
    expect(jobs.stderr).toBe("");
    // The demo seed's scoring run has just finished, so the daily rescoring is not due yet. The leaderboards were built
    // by the server started above (its refresh timer), so they may be kept.
    expect(jobs.stdout).toMatch(/^points-expiry: \{"members":\d+,"pointsExpired":\d+\}\ntier-review: \{"reviewed":\d+,"downgraded":\d+\}\nbehaviour-windows: \{"refreshed":\d+\}\nbadges: \{"population":40,"threshold":(\d+|null),"qualified":\d+,"awarded":\d+\}\nchallenge-rewards: \{"granted":0\}\nsettlement: \{"closed":\[[^\]]*\]\}\nreferral-rewards: \{"paid":0\}\nrescore: \{"ran":false\}\nsegments: \{"runId":\d+,"status":"COMPLETED","members":40,"moves":\d+\}\ncampaigns: \{"started":0,"enqueued":0,"sent":0,"skipped":0,"postponed":0,"completed":0\}\nwebhooks: \{"delivered":0,"retried":0,"failed":0\}\nleaderboards: \{"built":\[[^\]]*\],"kept":\[[^\]]*\],"removedBoards":\d+\}\nkpi-facts: \{"regrouped":\d+,"activity":\d+,"points":\d+,"daily":\d+\}\n$/);

    const segments = await runCommandToEnd("segments-verify.ts", [], environment);
    expect(segments.stdout).toContain("Checked 40 members in 5 segment schemes.\nEvery member is in exactly one segment of every scheme.");
    expect(segments.code).toBe(0);
    const database = await openDatabase(scratch.config, { runMigrations: false });
    try {
      await database.dataSource.query("DELETE FROM segment_memberships WHERE member_id = 7 AND scheme_id = (SELECT id FROM segment_schemes WHERE code = 'ACTIVITY')");
      const broken = await runCommandToEnd("segments-verify.ts", [], environment);
      expect(broken.code).toBe(1);
      expect(broken.stdout).toContain("scheme ACTIVITY: 1 members in no segment");
      expect(broken.stdout).toContain("Segments do NOT verify.");
    } finally {
      await database.dataSource.destroy();
    }
    const repaired = await runCommandToEnd("run-jobs.ts", ["segments"], environment);
    expect(repaired.stdout).toMatch(/^segments: \{"runId":\d+,"status":"COMPLETED","members":40,"moves":1\}\n$/);
    expect((await runCommandToEnd("segments-verify.ts", [], environment)).code).toBe(0);

    const verified = await runCommandToEnd("ledger-verify.ts", [], environment);
    expect(verified.stdout).toContain("Checked 40 points accounts");
    expect(verified.code).toBe(0);

    const { dataSource } = await openDatabase(scratch.config, { runMigrations: false });
    try {
      await dataSource.query("UPDATE point_accounts SET balance = balance + 7 WHERE member_id = 3");
      const tampered = await runCommandToEnd("ledger-verify.ts", [], environment);
      expect(tampered.code).toBe(1);
      expect(tampered.stdout).toMatch(/member 3: balance \d+ vs ledger \d+/);
      expect(tampered.stdout).toContain("does NOT verify");
    } finally {
      await dataSource.query("UPDATE point_accounts SET balance = balance - 7 WHERE member_id = 3");
      await dataSource.destroy();
    }
  });

  it("imports a history file with `import`: progress, a summary, rejected lines named, nothing twice on a re-run; `rescore` scores everyone", async () => {
    const directory = mkdtempSync(path.join(os.tmpdir(), "loyalty-import-"));
    const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * 3_600_000).toISOString();
    const lines = [
      JSON.stringify({ source: "old-crm", externalId: "L-1", kind: "LOGIN", memberId: 2, occurredAt: at(30), durationSeconds: 300 }),
      JSON.stringify({ source: "old-crm", externalId: "O-1", kind: "ORDER", memberId: "TWVtYmVyOjI=", occurredAt: at(50), amount: 25_000, channel: "ONLINE", storeCode: "WEB", categories: ["BEAUTY"] }),
      "{ not json",
      JSON.stringify({ source: "old-crm", externalId: "X-1", kind: "TELEPATHY", memberId: 2, occurredAt: at(5) }),
      JSON.stringify({ source: "old-crm", externalId: "C-1", kind: "COMPLAINT", memberId: 999_999, occurredAt: at(5) }),
      "",
      JSON.stringify({ source: "old-crm", externalId: "S-1", kind: "SURVEY", memberId: 4, occurredAt: at(2), nps: 10 }),
    ];
    const ndjson = path.join(directory, "history.ndjson");
    writeFileSync(ndjson, `${lines.join("\n")}\n`);
    try {
      const first = await runCommandToEnd("import-events.ts", [ndjson], environment);
      expect(first.code).toBe(1);
      expect(first.stderr).toMatch(/imported 6 lines: 3 accepted, 0 duplicates, 3 rejected/);
      expect(first.stdout).toContain("6 lines, 3 accepted, 0 duplicates (already imported), 3 rejected; 2 members rescored");
      expect(first.stdout).toMatch(/line 3: is not valid JSON/);
      expect(first.stdout).toMatch(/line 4: BAD_USER_INPUT: event\.kind "TELEPATHY" is not an event kind/);
      expect(first.stdout).toMatch(/line 5: NOT_FOUND: event\.memberId: no member 999999/);

      const again = await runCommandToEnd("import-events.ts", [ndjson], environment);
      expect(again.stdout).toContain("6 lines, 0 accepted, 3 duplicates (already imported), 3 rejected");

      const csv = path.join(directory, "history.csv");
      writeFileSync(csv, `source,externalId,kind,memberId,occurredAt,amount,channel,storeCode,categories,durationSeconds\nold-pos,O-9,ORDER,5,${at(80)},9900,OFFLINE_STORE,SH-001,FOOD|HOME,\nold-pos,L-9,LOGIN,5,${at(70)},,,,,120\n`);
      const imported = await runCommandToEnd("import-events.ts", [csv], environment);
      expect(imported.code).toBe(0);
      expect(imported.stdout).toContain("2 lines, 2 accepted, 0 duplicates (already imported), 0 rejected; 1 members rescored");

      const { dataSource } = await openDatabase(scratch.config, { runMigrations: false });
      try {
        const [aggregates] = await dataSource.query("SELECT orders_total, spend_total, logins_total FROM member_aggregates WHERE member_id = 5");
        const [order] = await dataSource.query("SELECT points_earned FROM orders WHERE external_id = 'O-9'");
        expect(Number(order.points_earned)).toBe(0);
        const seeded = await dataSource.query("SELECT COUNT(*) AS orders, COALESCE(SUM(amount - refunded_amount), 0) AS spend FROM orders WHERE member_id = 5");
        expect(Number(aggregates.orders_total)).toBe(Number(seeded[0].orders));
        expect(Number(aggregates.spend_total)).toBe(Number(seeded[0].spend));
      } finally {
        await dataSource.destroy();
      }

      const rescored = await runCommandToEnd("rescore.ts", [], environment);
      expect(rescored.code).toBe(0);
      expect(rescored.stdout).toMatch(/^Scoring run \d+: 40 members scored in [\d.]+ s\.\n$/);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it("reverts and re-applies migrations with `migrate`", async () => {
    const reverted = await runCommandToEnd("migrate.ts", ["revert"], environment);
    expect(reverted.code).toBe(0);
    expect(reverted.stdout).toContain("Reverted the latest migration");
    const applied = await runCommandToEnd("migrate.ts", ["up"], environment);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/applied \w+/);
    const again = await runCommandToEnd("migrate.ts", ["up"], environment);
    expect(again.stdout).toContain("No pending migrations");
  });
});

describe.each(testDatabaseKinds())("npm run settlement:verify on $name", (kind) => {
  let test: TestApplication;

  beforeAll(async () => {
    test = await startTestApplication(kind);
  });
  afterAll(async () => {
    await test?.close();
  });

  /** Runs a GraphQL operation that must succeed. */
  async function ok(query: string, variables: Record<string, unknown>, authorization: string): Promise<any> {
    const response = await test.graphql(query, variables, authorization);
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    return response.data;
  }

  it("reconciles partner activity and a closed statement, and names the line whose amount was changed in the database", async () => {
    // Cross-brand activity in November: earned at Coffee, spent at Tea, partly refunded, a benefit used at Coffee.
    const coffee = await createTestPartner(test, "COFFEE");
    const tea = await createTestPartner(test, "TEA");
    const member = await test.createMember();
    const earned = await ok(
      `mutation ($input: EarnPartnerPointsInput!) { earnPartnerPoints(input: $input) { points } }`,
      { input: { member: { memberCode: await memberCode(test, member.id) }, orderId: "C-1001", amount: 12_345, storeCode: "SH-01", idempotencyKey: randomUUID() } },
      coffee.authorization,
    );
    expect(earned.earnPartnerPoints.points).toBe(123);
    await ok(`mutation ($input: RedeemPartnerPointsInput!) { redeemPartnerPoints(input: $input) { points } }`, { input: { memberCode: await memberCode(test, member.id), points: 50, idempotencyKey: randomUUID() } }, tea.authorization);
    await ok(`mutation ($input: RefundPartnerOrderInput!) { refundPartnerOrder(input: $input) { points } }`, { input: { orderId: "C-1001", amount: 6_000, idempotencyKey: randomUUID() } }, coffee.authorization);
    const benefit = await ok(`mutation { publishPartnerBenefit(input: { code: "LATTE", title: "Free latte", kind: GIFT, valueFen: 2000 }) { id } }`, {}, coffee.authorization);
    await ok(
      `mutation ($input: RedeemPartnerBenefitInput!) { redeemPartnerBenefit(input: $input) { id } }`,
      { input: { member: { memberCode: await memberCode(test, member.id) }, benefitId: benefit.publishPartnerBenefit.id, idempotencyKey: randomUUID() } },
      coffee.authorization,
    );
    // December: Coffee's November closes, and a correction opens December's period.
    test.clock.advance(9 * 86_400_000);
    const admin = await test.staffToken("admin");
    await ok(`mutation ($id: ID!) { closeSettlementPeriod(partnerId: $id) { id } }`, { id: coffee.id }, admin);
    await ok(`mutation ($id: ID!) { addSettlementAdjustment(partnerId: $id, amount: 500, note: "November latte miscount", idempotencyKey: "adjust-nov-1") { kind amount } }`, { id: coffee.id }, admin);

    const environment = { DATABASE_URL: databaseUrlOf(test.application.config.database) };
    const verified = await runCommandToEnd("settlement-verify.ts", [], environment);
    // Three partner ledger entries (earn, redemption, claw-back); their three lines, the benefit's and the correction.
    expect(verified.stdout).toContain("Checked 3 partner ledger entries, 5 settlement lines and 1 closed statements.\n");
    expect(verified.stdout).toContain("Every partner earn, redemption and refund has its settlement line at its rate, and every statement equals the sum of its lines.");
    expect(verified.stdout).not.toContain("does NOT reconcile");
    expect(verified.code).toBe(0);

    // The points issued on Coffee's closed statement, changed behind the services' back.
    const dataSource = test.application.database.dataSource;
    const [line] = await dataSource.query(`SELECT l.id AS id, l.amount AS amount, l.statement_id AS statementId, p.id AS partnerId FROM settlement_lines l JOIN partners p ON p.id = l.partner_id WHERE p.code = 'COFFEE' AND l.kind = 'POINTS_ISSUED'`);
    expect(Number(line.amount)).toBe(123);
    expect(line.statementId).not.toBeNull();
    await dataSource.query(`UPDATE settlement_lines SET amount = 223 WHERE id = ?`, [line.id]);
    try {
      const tampered = await runCommandToEnd("settlement-verify.ts", [], environment);
      expect(tampered.code).toBe(1);
      expect(tampered.stdout).toContain(`settlement line ${line.id} (POINTS_ISSUED) is 223 fen but 123 at its rate 100\n`);
      // Its closed statement no longer adds up either: the lines now say the partner owes 100 fen more.
      expect(tampered.stdout).toMatch(new RegExp(`statement ${line.statementId} \\(partner ${line.partnerId}\\) says owedByPartner 123 but its lines add up to 223`));
      expect(tampered.stdout).toContain("Settlement does NOT reconcile.");
    } finally {
      await dataSource.query(`UPDATE settlement_lines SET amount = 123 WHERE id = ?`, [line.id]);
    }
  });
});
