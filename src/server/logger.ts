import pino, { type Logger } from "pino";

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "loyalty-graph" },
    // Never log credentials, whatever object a log call is given.
    redact: ["authorization", "headers.authorization", "req.headers.authorization", "password", "token", "key"],
  });
}
