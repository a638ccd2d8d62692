#!/usr/bin/env node
// The `arkube` command (package bin of @arkube/devnet). Registers tsx (the sources are TypeScript), then
// dispatches on the first argument:
//   arkube status ...   the health of a real cluster's arkube objects (cluster-status/; kubeconfig)
//   arkube devnet ...   the one-machine devnet: up|down|status (main.ts, which reads process.argv itself)
import { register } from "tsx/esm/api";

const usage = [
  "usage: arkube status [--kubeconfig FILE] [--context NAME] [-n NAMESPACE | -A] [-o table|json]",
  "       arkube devnet up|down|status [--config FILE] [--dir DIR] [--reset] [--json]",
  "       arkube <command> --help",
].join("\n");

register();
const [command, ...rest] = process.argv.slice(2);
if (command === "status") {
  const { statusMain, statusExitCodes } = await import("../cluster-status/main.ts");
  let code;
  try {
    code = await statusMain(rest);
  } catch (err) {
    // Not one of the expected failures (those are one line each): a bug, so show the whole stack.
    process.stderr.write(`arkube status: internal error: ${err instanceof Error ? err.stack : String(err)}\n`);
    code = statusExitCodes.unreadable;
  }
  // Exit now: client-node's keep-alive sockets would otherwise hold the process open for a while.
  process.exit(code);
} else if (command === "devnet") {
  await import("../main.ts");
} else if (command === "help" || command === "-h" || command === "--help") {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
} else if (command === undefined) {
  process.stderr.write(`${usage}\n`);
  process.exit(2);
} else {
  process.stderr.write(`arkube: unknown command "${command}"\n${usage}\n`);
  process.exit(2);
}
