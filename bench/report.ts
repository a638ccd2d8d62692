// Shared by every benchmark: one printed line per measurement, next to its reference, with
// `ratio X.XX` where higher is always better (rates: measured/reference; durations: inverted).

export interface Line {
  name: string;
  measured: number;
  reference: number;
  unit: string;
  /** true for rates (GB/s, hashes/s), false for durations. */
  higherIsBetter: boolean;
  note?: string;
}

function format(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  return value >= 100 ? value.toFixed(0) : value.toFixed(3);
}

export function printLine(line: Line): void {
  const ratio = line.higherIsBetter ? line.measured / line.reference : line.reference / line.measured;
  const note = line.note ? `  (${line.note})` : "";
  console.log(
    `${line.name.padEnd(52)} ${format(line.measured).padStart(9)} ${line.unit.padEnd(9)} ` +
      `reference ${format(line.reference).padStart(9)} ${line.unit.padEnd(9)} ratio ${ratio.toFixed(2)}${note}`,
  );
}

export async function seconds(work: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** The fastest of `runs` timings (the least disturbed by other load). */
export async function bestSeconds(runs: number, work: () => Promise<unknown>): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < runs; i += 1) best = Math.min(best, await seconds(work));
  return best;
}
