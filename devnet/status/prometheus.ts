// Pure: the Prometheus text format, as far as the status view needs it (samples; comments skipped).
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const lineRe = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/;
const labelRe = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parsePrometheus(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const m = lineRe.exec(line.trim());
    if (m === null) continue;
    const value = Number(m[3]);
    if (Number.isNaN(value)) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(labelRe)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, "$1");
    out.push({ name: m[1]!, labels, value });
  }
  return out;
}

/** Sum of every sample of `name` (counters: the OpenTelemetry exporter may append `_total`). */
export function sumOf(samples: readonly Sample[], name: string): number | undefined {
  const hits = samples.filter((s) => s.name === name || s.name === `${name}_total`);
  return hits.length === 0 ? undefined : hits.reduce((a, s) => a + s.value, 0);
}
