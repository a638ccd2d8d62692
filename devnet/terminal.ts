// The terminal: on a TTY a compact view redrawn in place (events scroll above it); otherwise one plain
// line per event, so CI logs and pipes stay readable. Rendering is pure (renderView, formatEvent).
import type { DevnetStatus } from "./status/model.ts";

export interface LogRecord {
  readonly event: string;
  readonly [field: string]: unknown;
}

export type Logger = (record: LogRecord) => void;

export function formatEvent(record: LogRecord, nowMs: number): string {
  const time = new Date(nowMs).toISOString().slice(11, 19);
  const fields = Object.entries(record)
    .filter(([k]) => k !== "event")
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
  return [time, record.event, ...fields].join(" ");
}

function storageLine(st: DevnetStatus["storage"]): string {
  const stored = st.partitions.reduce((a, p) => a + p.stored, 0);
  const slots = st.partitions.reduce((a, p) => a + p.slots, 0);
  return `  storage ${st.partitions.length} partitions  packed ${stored}/${slots}  H1 ${st.h1PerSecond.toFixed(1)}/s  H2 ${st.h2PerSecond.toFixed(1)}/s  solutions ${st.solutionsPublished}`;
}

export function renderView(s: DevnetStatus): string[] {
  const comps = s.components.map((c) => `${c.name}:${c.state === "up" ? "up" : c.state.toUpperCase()}`).join(" ");
  const v = s.vdf;
  const pods = s.compute.pods.map((p) => `${p.name} ${p.up ? `${p.msgsPerSecond.toFixed(1)} msg/s` : "DOWN"}`).join(", ");
  const p = s.compute.processes;
  const lines = [
    `devnet ${s.ready ? "ready" : "starting"}  ${s.statusUrl}  (Ctrl-C stops)`,
    `  components ${comps}`,
    `  vdf step ${v.step ?? "-"}  ${v.stepsPerSecond.toFixed(2)} steps/s  leader ${v.leader ?? "-"} (term ${v.term ?? "-"})`,
    `  compute ${pods || "-"}  processes ${p.total} (${p.hot} hot, ${p.cold} cold)`,
  ];
  if (s.storage.available) lines.push(storageLine(s.storage));
  return lines;
}

const fallbackColumns = 120;

/** Writes events and (on a TTY) keeps the view at the bottom, redrawn on every call to view(). */
export class TerminalOutput {
  private viewLines = 0;

  constructor(private readonly out: NodeJS.WriteStream, private readonly now: () => number = Date.now) {}

  get isTty(): boolean {
    return this.out.isTTY === true;
  }

  event(record: LogRecord): void {
    this.clearView();
    this.out.write(`${formatEvent(record, this.now())}\n`);
  }

  view(status: DevnetStatus): void {
    if (!this.isTty) return;
    this.clearView();
    // Some pseudo-terminals report 0 columns; a line longer than the screen would break the redraw.
    const columns = this.out.columns > 0 ? this.out.columns : fallbackColumns;
    const lines = renderView(status).map((l) => l.slice(0, columns - 1));
    this.out.write(`${lines.join("\n")}\n`);
    this.viewLines = lines.length;
  }

  private clearView(): void {
    if (this.viewLines === 0) return;
    // Cursor up over the view, then clear to the end of the screen.
    this.out.write(`\x1b[${this.viewLines}A\x1b[0J`);
    this.viewLines = 0;
  }
}
