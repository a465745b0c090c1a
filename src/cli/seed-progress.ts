// A progress line for long seeds: rewritten in place on a terminal, one line per tenth otherwise (CI logs).

export function seedProgressReporter(stream: NodeJS.WriteStream = process.stderr, verb = "seeded"): (done: number, total: number) => void {
  const started = Date.now();
  let lastTenth = -1;
  return (done, total) => {
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    const line = `${verb} ${done.toLocaleString("en-US")} / ${total.toLocaleString("en-US")} members (${seconds.toFixed(1)} s, ${rate.toLocaleString("en-US")}/s)`;
    if (stream.isTTY) {
      stream.write(`\r${line}${done === total ? "\n" : ""}`);
      return;
    }
    const tenth = Math.floor((done / total) * 10);
    if (tenth !== lastTenth || done === total) {
      lastTenth = tenth;
      stream.write(`${line}\n`);
    }
  };
}
