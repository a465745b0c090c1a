// Two server processes on one database and one Redis: a move made on one reaches the subscribers of the other
// (and a move made by a command-line job reaches both). Skipped without REDIS_URL; .ci/run starts Redis.
import { randomUUID } from "node:crypto";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { testDatabaseKinds, type ScratchDatabase } from "../support/databases";
import { databaseUrlOf, freePort, runCommandToEnd, startCommand, type RunningCommand } from "../support/cli";

const redisUrl = process.env.REDIS_URL;
const describeWithRedis = redisUrl ? describe.each(testDatabaseKinds()) : describe.skip.each(testDatabaseKinds());

const moves = `subscription ($schemeId: ID, $memberId: ID) { segmentMoves(schemeId: $schemeId, memberId: $memberId) { member { id } scheme { code } from { code } to { code } reason } }`;

async function eventually(check: () => boolean, what: string, milliseconds = 60_000): Promise<void> {
  const deadline = Date.now() + milliseconds;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describeWithRedis("segment moves across two server processes on one Redis, on $name", (kind) => {
  let scratch: ScratchDatabase;
  let environment: Record<string, string>;
  const servers: { command: RunningCommand; url: string }[] = [];
  const clients: Client[] = [];
  let authorization: string;

  const startServer = async () => {
    const port = await freePort();
    const command = startCommand("start.ts", [], { ...environment, PORT: String(port) });
    await eventually(() => command.stdout().includes("Loyalty Graph is running") || command.child.exitCode !== null, "a server to start");
    if (command.child.exitCode !== null) throw new Error(`the server stopped: ${command.stderr()}`);
    const server = { command, url: `http://127.0.0.1:${port}/graphql` };
    servers.push(server);
    return server;
  };
  const graphql = async (url: string, query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization }, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: any; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const subscribe = (url: string, variables: Record<string, unknown>) => {
    const client = createClient({ url: url.replace(/^http/, "ws"), webSocketImpl: WebSocket, connectionParams: { authorization }, retryAttempts: 0 });
    clients.push(client);
    const received: any[] = [];
    const failures: unknown[] = [];
    client.subscribe({ query: moves, variables }, { next: (value) => received.push(value.data?.segmentMoves ?? value), error: (error) => failures.push(error), complete: () => undefined });
    return { received, failures };
  };

  beforeAll(async () => {
    scratch = await kind.create();
    environment = {
      DATABASE_URL: databaseUrlOf(scratch.config),
      DEMO_MEMBERS: "20",
      DEMO_SEED: "4",
      REDIS_URL: redisUrl!,
      // A channel prefix of its own: other suites share this Redis.
      REDIS_CHANNEL_PREFIX: `test-${randomUUID()}:`,
      JOBS_INTERVAL_SECONDS: "0",
    };
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    for (const server of servers) if (server.command.child.exitCode === null) server.command.child.kill("SIGTERM");
    await Promise.all(servers.map((server) => server.command.exited));
    await scratch?.drop();
  });

  it("delivers a move made on one server to a subscriber of the other, exactly once", async () => {
    // The first server seeds the empty database; the second starts on it once seeded.
    const first = await startServer();
    const second = await startServer();
    const token = await runCommandToEnd("token.ts", ["--role", "admin"], environment);
    expect(token.code).toBe(0);
    authorization = `Bearer ${token.stdout.trim()}`;

    const { segmentSchemes } = await graphql(first.url, `{ segmentSchemes { id code } }`);
    const schemeId = segmentSchemes.find((scheme: { code: string }) => scheme.code === "ACTIVITY").id;
    const { createMember } = await graphql(
      first.url,
      `mutation ($key: String!) { createMember(idempotencyKey: $key, input: { name: "跨服务", phone: "13900001234", joinChannel: APP }) { id } }`,
      { key: randomUUID() },
    );
    const memberId: string = createMember.id;
    const onSecond = subscribe(second.url, { schemeId, memberId });
    const onFirst = subscribe(first.url, { schemeId, memberId });
    // A pause for both WebSocket handshakes and subscriptions to complete before anything moves.
    await new Promise((resolve) => setTimeout(resolve, 500));

    // A command-line job places the new member: its move travels through Redis to both servers.
    const job = await runCommandToEnd("run-jobs.ts", ["segments"], environment);
    expect(job.code).toBe(0);
    await eventually(() => onSecond.received.length >= 1 && onFirst.received.length >= 1, "the first placement on both servers", 20_000);

    // A login recorded on the first server moves the member; the second server's subscriber receives it.
    await graphql(first.url, `mutation ($events: [BehaviourEventInput!]!) { recordEvents(events: $events) { accepted } }`, {
      events: [{ source: "app", externalId: `L-${randomUUID()}`, kind: "LOGIN", memberId, occurredAt: new Date().toISOString() }],
    });
    await eventually(() => onSecond.received.length >= 2 && onFirst.received.length >= 2, "the move on both servers", 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));

    const expected = [
      { member: { id: memberId }, scheme: { code: "ACTIVITY" }, from: null, to: { code: "DORMANT" }, reason: "INITIAL" },
      { member: { id: memberId }, scheme: { code: "ACTIVITY" }, from: { code: "DORMANT" }, to: { code: "ACTIVE" }, reason: "EVENT" },
    ];
    expect(onSecond.received).toEqual(expected);
    expect(onFirst.received).toEqual(expected);
    expect([...onFirst.failures, ...onSecond.failures]).toEqual([]);

    for (const server of servers) server.command.child.kill("SIGTERM");
    expect(await Promise.all(servers.map((server) => server.command.exited))).toEqual([0, 0]);
  });
});
