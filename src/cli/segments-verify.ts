// `npm run segments:verify`: proves each member is in exactly one segment of each scheme; exit 1 otherwise.
import { segmentsVerify, verifySegments } from "../services/segments/segment-verifier";
import { openConfiguredDatabase } from "./open-configured-database";
import { runCommand } from "./run-command";

runCommand(async () => {
  const { database } = await openConfiguredDatabase();
  try {
    const verification = await verifySegments(database.dataSource);
    process.stdout.write(`Checked ${verification.members} members in ${verification.schemes} segment schemes.\n`);
    for (const gap of verification.missing) process.stdout.write(`scheme ${gap.scheme}: ${gap.members} members in no segment\n`);
    if (verification.misplaced > 0) process.stdout.write(`${verification.misplaced} memberships point at a segment of another scheme\n`);
    const verified = segmentsVerify(verification);
    process.stdout.write(verified ? "Every member is in exactly one segment of every scheme.\n" : "Segments do NOT verify.\n");
    if (!verified) process.exitCode = 1;
  } finally {
    await database.dataSource.destroy();
  }
});
