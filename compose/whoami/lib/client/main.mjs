// `node server.mjs client …` (or MODE=client): one load run printed as JSON lines, or, without
// --url, a long-running client that waits for commands on its control port.
import { parseClientArgs, USAGE } from './spec.mjs';
import { startRun } from './run.mjs';
import { clientServer } from './serve.mjs';

export async function main(argv) {
  let parsed;
  try {
    parsed = parseClientArgs(argv, process.env);
  } catch (e) {
    console.error(`whoami client: ${e.message}\n${USAGE}`);
    process.exit(2);
  }
  if (parsed.help) return console.log(USAGE);
  if (parsed.serve !== undefined) return serve(parsed.serve);

  const { spec } = parsed;
  const run = startRun(spec, { onTick: spec.ticks ? (t) => console.log(JSON.stringify(t)) : undefined });
  // Stopped early, the run still says what it saw (stdout to a pipe or file is synchronous).
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.on(signal, () => {
      console.log(JSON.stringify({ ...run.snapshot(), interrupted: true }));
      process.exit(0);
    });
  }
  console.log(JSON.stringify(await run.done));
}

function serve(port) {
  const server = clientServer();
  server.on('error', (e) => {
    console.error(`whoami client: cannot listen on port ${port}: ${e.code ?? e.message}`);
    process.exit(1);
  });
  server.listen(port, '0.0.0.0', () => console.log(`client listening on ${server.address().port}`));
  for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
}
