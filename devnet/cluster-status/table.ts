// Pure text helpers for the status tables: kubectl-style aligned columns and human units.

/** Spaces between columns (kubectl prints three). */
const columnGap = "   ";

/** Left-aligned columns; the last column is not padded, so lines carry no trailing spaces. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join(columnGap).trimEnd();
  return [line(header), ...rows.map(line)];
}

const siPrefixes = ["", "k", "M", "G", "T", "P"] as const;

/** 1234 -> "1.23 k"; three significant digits, so figures of one column compare at a glance. */
function si(value: number): string {
  let v = value;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < siPrefixes.length - 1) {
    v /= 1000;
    i++;
  }
  const digits = i === 0 || Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return `${v.toFixed(digits)} ${siPrefixes[i]}`;
}

export function hashrate(hashesPerSecond: number | undefined): string {
  return hashesPerSecond === undefined ? "-" : `${si(hashesPerSecond)}H/s`;
}

export function bytesRate(bytesPerSecond: number | undefined): string {
  return bytesPerSecond === undefined ? "-" : `${si(bytesPerSecond)}B/s`;
}

/** Rounded down, so 99.96 % is not shown as done. */
export function percent(value: number | undefined): string {
  if (value === undefined) return "-";
  const tenths = Math.floor(value * 10) / 10;
  return `${Number.isInteger(tenths) ? tenths.toFixed(0) : tenths.toFixed(1)}%`;
}

/** kubectl's age format: 45s, 3m12s, 2h5m, 4d3h. */
export function age(seconds: number | undefined): string {
  if (seconds === undefined) return "-";
  const s = Math.floor(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 === 0 ? "" : `${s % 60}s`}`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${Math.floor(s / 60) % 60 === 0 ? "" : `${Math.floor(s / 60) % 60}m`}`;
  return `${Math.floor(s / 86_400)}d${Math.floor(s / 3600) % 24 === 0 ? "" : `${Math.floor(s / 3600) % 24}h`}`;
}

export function count(value: number | undefined): string {
  return value === undefined ? "-" : String(value);
}

/** "1 error", "2 warnings". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
