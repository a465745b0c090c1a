// `npm run settlement:verify`: checks partner settlement against the points ledger and the closed statements against
// their lines; exits 1 on any difference.
import { verifySettlement } from "../services/coalition/settlement-verifier";
import { openConfiguredDatabase } from "./open-configured-database";
import { runCommand } from "./run-command";

runCommand(async () => {
  const { database } = await openConfiguredDatabase({ runMigrations: false });
  try {
    const report = await verifySettlement(database.dataSource);
    process.stdout.write(`Checked ${report.ledgerEntriesChecked} partner ledger entries, ${report.linesChecked} settlement lines and ${report.statementsChecked} closed statements.\n`);
    for (const problem of report.problems) process.stdout.write(`${problem}\n`);
    if (report.problems.length > 0) {
      process.stdout.write("Settlement does NOT reconcile.\n");
      process.exitCode = 1;
    } else {
      process.stdout.write("Every partner earn, redemption and refund has its settlement line at its rate, and every statement equals the sum of its lines.\n");
    }
  } finally {
    await database.dataSource.destroy();
  }
});
