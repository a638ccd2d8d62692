// What a check of one vector file found: one entry per vector (or per named sub-check).

export interface EntryResult {
  name: string;
  status: "passed" | "failed" | "skipped";
  /** For a failure: what differed; for a skip: why. */
  detail?: string;
}

/** Collects the comparisons of one vector entry; the entry fails on the first mismatch. */
export class EntryCheck {
  private readonly mismatches: string[] = [];
  constructor(readonly name: string) {}

  equal(what: string, actual: string | number | bigint | boolean, expected: string | number | bigint | boolean) {
    if (actual !== expected) this.mismatches.push(`${what}: got ${String(actual)}, expected ${String(expected)}`);
  }

  result(): EntryResult {
    return this.mismatches.length === 0
      ? { name: this.name, status: "passed" }
      : { name: this.name, status: "failed", detail: this.mismatches.join("; ") };
  }
}

export function skipped(name: string, why: string): EntryResult {
  return { name, status: "skipped", detail: why };
}

/** Runs `body`, turning a thrown error into a failed entry (a checker never stops on one vector). */
export async function checkEntry(name: string, body: (check: EntryCheck) => Promise<void>): Promise<EntryResult> {
  const check = new EntryCheck(name);
  try {
    await body(check);
    return check.result();
  } catch (err) {
    return { name, status: "failed", detail: `threw ${(err as Error).message}` };
  }
}
