// Runs the command-line entries from source, as `npm start` and `npm run token` run them from dist/.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import type { DatabaseConfig } from "../../src/config";

const projectRoot = path.resolve(__dirname, "../..");

export function databaseUrlOf(config: DatabaseConfig): string {
  return config.type === "sqlite" ? `sqlite:${config.path}` : `mysql://${encodeURIComponent(config.username)}:${encodeURIComponent(config.password)}@${config.host}:${config.port}/${config.database}`;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RunningCommand {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

export function startCommand(script: string, args: string[], environment: Record<string, string>): RunningCommand {
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(projectRoot, "src/cli", script), ...args], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "development", LOG_LEVEL: "info", ...environment },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

export async function runCommandToEnd(script: string, args: string[], environment: Record<string, string>) {
  const command = startCommand(script, args, environment);
  const code = await command.exited;
  return { code, stdout: command.stdout(), stderr: command.stderr() };
}
