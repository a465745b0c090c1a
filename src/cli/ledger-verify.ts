// `npm run ledger:verify`: checks every member's cached points against the ledger; exits 1 on any difference.
import { verifyLedger } from "../services/points/ledger-verifier";
import { openConfiguredDatabase } from "./open-configured-database";
import { runCommand } from "./run-command";

runCommand(async () => {
  const { database } = await openConfiguredDatabase({ runMigrations: false });
  try {
    const report = await verifyLedger(database.dataSource);
    process.stdout.write(`Checked ${report.accountsChecked} points accounts.\n`);
    if (report.membersWithoutAccount > 0) process.stdout.write(`${report.membersWithoutAccount} members have no points account.\n`);
    for (const difference of report.differences) {
      process.stdout.write(
        `member ${difference.memberId}: balance ${difference.balance} vs ledger ${difference.ledgerBalance} and lots ${difference.lotsRemaining}; ` +
          `debt ${difference.debt} vs ledger ${difference.ledgerDebt}; lifetime earned ${difference.lifetimeEarned} vs ledger ${difference.ledgerEarned}\n`,
      );
    }
    if (report.differences.length > 0 || report.membersWithoutAccount > 0) {
      process.stdout.write("The ledger does NOT verify.\n");
      process.exitCode = 1;
    } else {
      process.stdout.write("Every balance, debt and lifetime total equals the sum of its ledger entries and lots.\n");
    }
  } finally {
    await database.dataSource.destroy();
  }
});
