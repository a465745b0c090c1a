// Summarises a V8 .cpuprofile: where the server's CPU time goes, by package and by function.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import os from "node:os";
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMilliseconds: number;
  /** Share of busy (non-idle) time per package, largest first. */
  byPackage: { name: string; share: number }[];
  topFunctions: { name: string; where: string; share: number }[];
}

/** "…/node_modules/@apollo/server/dist/…" → "@apollo/server"; our compiled code → "loyalty-graph". */
function packageOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match) return match[1];
  if (url.includes("/dist/src/") || url.includes("/dist/bench/")) return "loyalty-graph";
  if (url.startsWith("node:")) return "node (core)";
  return "other";
}

export function summariseProfile(file: string, topCount = Number(process.env.BENCH_PROFILE_TOP ?? 12)): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicroseconds = new Map<number, number>();
  profile.samples.forEach((id, index) => selfMicroseconds.set(id, (selfMicroseconds.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));

  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, { name: string; where: string; time: number }>();
  let busy = 0;
  for (const [id, time] of selfMicroseconds) {
    const node = nodes.get(id)!;
    const name = packageOf(node);
    if (name === "(idle)") continue;
    busy += time;
    byPackage.set(name, (byPackage.get(name) ?? 0) + time);
    const where = `${node.callFrame.url.replace(/^.*node_modules\//, "").replace(/^.*\/dist\//, "dist/")}:${node.callFrame.lineNumber + 1}`;
    const key = `${node.callFrame.functionName}@${where}`;
    const entry = byFunction.get(key) ?? { name: node.callFrame.functionName || "(anonymous)", where, time: 0 };
    entry.time += time;
    byFunction.set(key, entry);
  }
  return {
    totalMilliseconds: busy / 1000,
    byPackage: [...byPackage].map(([name, time]) => ({ name, share: time / busy })).sort((a, b) => b.share - a.share),
    topFunctions: [...byFunction.values()]
      .sort((a, b) => b.time - a.time)
      .slice(0, topCount)
      .map((entry) => ({ name: entry.name, where: entry.where, share: entry.time / busy })),
  };
}

/** Profiles `work` in this process (the in-process benchmarks: no server to ask) and summarises it. */
export async function profileInProcess(work: () => Promise<unknown>): Promise<ProfileSummary> {
  const directory = mkdtempSync(path.join(os.tmpdir(), "loyalty-profile-"));
  const session = new Session();
  session.connect();
  try {
    await session.post("Profiler.enable");
    await session.post("Profiler.start");
    await work();
    const { profile } = await session.post("Profiler.stop");
    const file = path.join(directory, "work.cpuprofile");
    writeFileSync(file, JSON.stringify(profile));
    return summariseProfile(file);
  } finally {
    session.disconnect();
    rmSync(directory, { recursive: true, force: true });
  }
}
