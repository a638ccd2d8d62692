// Test harnesses supervise their processes with the devnet's ProcessGroupSet (one implementation of
// process groups, the exit handler and the watchdog); a test's set also removes its work directory.
import { join } from "node:path";
import { ProcessGroupSet } from "../../devnet/processes.ts";

export { isGroupAlive, logTail, ProcessGroupSet, type ChildComponent as Component, type ExitStatus } from "../../devnet/processes.ts";

export const stopGraceMsDefault = 10_000;

/** A set whose pid file, default logs (<dir>/logs) and cleanup all live in the test's work directory `dir`. */
export function processSetIn(dir: string): ProcessGroupSet {
  return new ProcessGroupSet({ runDir: dir, logDir: join(dir, "logs"), removeWhenDone: dir });
}
