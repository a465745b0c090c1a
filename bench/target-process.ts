// Starts a benchmark target (bench/target.ts) in a child process and talks to it over IPC.
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { ParentMessage, TargetMessage, TargetMode } from "./target";

/** Fixed secrets: the parent issues tokens the targets must accept. */
export const secrets = { JWT_SECRET: "benchmark-jwt-secret-of-at-least-32-characters", PERSONAL_DATA_KEY: "benchmark-personal-data-key-of-32-characters" };

export interface RunningTarget {
  mode: TargetMode;
  url: string;
  statements(): Promise<number>;
  ask(message: ParentMessage, reply: TargetMessage["type"]): Promise<TargetMessage>;
  stop(): Promise<void>;
}

/** Sends a message to a target and waits for the reply of the expected type. */
function request(child: ChildProcess, message: ParentMessage, expected: TargetMessage["type"]): Promise<TargetMessage> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the target exited with ${code} while we waited for "${expected}"`));
    const onMessage = (reply: TargetMessage) => {
      if (reply.type !== expected) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(reply);
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
    child.send(message);
  });
}

/** `environment` adds to or overrides the target's environment; a variable set to undefined is left out. */
export async function startTarget(mode: TargetMode, databaseUrl: string, environment: Record<string, string | undefined> = {}): Promise<RunningTarget> {
  const child = fork(path.join(__dirname, "target.js"), [mode], {
    // Request logs stay on, as in production, but go nowhere.
    env: { ...process.env, ...secrets, NODE_ENV: "production", DATABASE_URL: databaseUrl, DEMO_MEMBERS: "0", LOG_LEVEL: "info", GRAPHQL_INTROSPECTION: "false", ...environment },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const ready = await new Promise<TargetMessage>((resolve, reject) => {
    child.once("message", resolve);
    child.once("exit", (code) => reject(new Error(`the ${mode} target exited with ${code} before it was ready`)));
  });
  if (ready.type !== "ready") throw new Error(`unexpected first message from the ${mode} target`);
  return {
    mode,
    url: `http://127.0.0.1:${ready.port}/graphql`,
    ask: (message, reply) => request(child, message, reply),
    statements: async () => {
      const reply = await request(child, { type: "statements" }, "statements");
      return reply.type === "statements" ? reply.count : 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.send({ type: "stop" });
      }),
  };
}

