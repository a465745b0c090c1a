// Latency of one request at a time over a kept-alive connection, timed in microseconds
// (autocannon's histogram counts whole milliseconds, too coarse for a sub-millisecond floor).
import http from "node:http";
import type { Measurement } from "./results";

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

export async function sequentialLatency(url: string, headers: Record<string, string>, body: string, seconds: number): Promise<Measurement> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL(url);
  const once = () =>
    new Promise<void>((resolve, reject) => {
      const request = http.request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: "POST", headers: { ...headers, "content-length": Buffer.byteLength(body) } }, (response) => {
        if (response.statusCode !== 200) reject(new Error(`status ${response.statusCode}`));
        response.resume();
        response.on("end", () => resolve());
      });
      request.on("error", reject);
      request.end(body);
    });
  const latencies: number[] = [];
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(seconds * 1e9));
  try {
    for (let now = started; now < deadline; now = process.hrtime.bigint()) {
      await once();
      latencies.push(Number(process.hrtime.bigint() - now) / 1e6);
    }
  } finally {
    agent.destroy();
  }
  const sorted = latencies.sort((a, b) => a - b);
  return {
    latencyMedianMilliseconds: percentile(sorted, 0.5),
    latencyP99Milliseconds: percentile(sorted, 0.99),
    requestsPerSecond: latencies.length / (Number(process.hrtime.bigint() - started) / 1e9),
  };
}
