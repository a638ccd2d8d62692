// What persists between starts besides the components' own data: the lock file (who runs this data
// directory, where its status page is) and state.json (the chain's difficulty, chosen once).
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DevnetLockedError, DevnetNotRunningError } from "./errors.ts";

export interface LockInfo {
  readonly pid: number;
  readonly startedAtMs: number;
  /** Undefined until the status server listens. */
  readonly statusUrl: string | undefined;
}

export interface DevnetState {
  readonly iterationsPerCheckpoint: number;
  readonly measuredStepMs: number | undefined;
}

export const lockFileName = "devnet.lock";

export function lockPath(dataDir: string): string {
  return join(dataDir, lockFileName);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function readLock(dataDir: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(lockPath(dataDir), "utf8")) as LockInfo;
  } catch {
    return undefined;
  }
}

/** The lock of a live devnet, else DevnetNotRunningError (a stale lock from a killed launcher counts as none). */
export function runningLock(dataDir: string): LockInfo {
  const lock = readLock(dataDir);
  if (lock === undefined || !pidAlive(lock.pid)) throw new DevnetNotRunningError(`no devnet is running in ${dataDir}`);
  return lock;
}

/** Takes the lock; a stale one (its pid is gone) is replaced. */
export function acquireLock(dataDir: string, lock: LockInfo): void {
  const held = readLock(dataDir);
  if (held !== undefined && held.pid !== lock.pid && pidAlive(held.pid)) {
    throw new DevnetLockedError(`a devnet (pid ${held.pid}) already runs in ${dataDir}; stop it with \`arkube devnet down\``);
  }
  writeFileSync(lockPath(dataDir), JSON.stringify(lock));
}

export function releaseLock(dataDir: string, pid: number): void {
  if (readLock(dataDir)?.pid === pid) rmSync(lockPath(dataDir), { force: true });
}

export function readState(dataDir: string): DevnetState | undefined {
  const path = join(dataDir, "state.json");
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as DevnetState) : undefined;
}

export function writeState(dataDir: string, state: DevnetState): void {
  writeFileSync(join(dataDir, "state.json"), JSON.stringify(state, null, 2));
}
