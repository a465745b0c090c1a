// Names on a leaderboard are masked unless their member opted in: the first character and two asterisks (张**),
// the same length whatever the name, so the mask tells nothing about it.

export function maskLeaderboardName(name: string): string {
  const first = Array.from(name.trim())[0];
  return first === undefined ? "**" : `${first}**`;
}
