// Sleeps that end early: when the agent stops (signal) or when there is new work (wake).

/** Resolves after `ms`, or at once when `signal` aborts or wake() is called. */
export function wakeableSleep(ms: number, signal: AbortSignal): { done: Promise<void>; wake: () => void } {
  let wake: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    const finish = (): void => {
      clearTimeout(t);
      signal.removeEventListener("abort", finish);
      resolve();
    };
    const t = setTimeout(finish, ms);
    signal.addEventListener("abort", finish, { once: true });
    wake = finish;
  });
  return { done, wake };
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return wakeableSleep(ms, signal).done;
}
