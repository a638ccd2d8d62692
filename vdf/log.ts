// Structured logs: one JSON object per line, `event` first. Injected as a function so tests can capture.
export interface LogEvent {
  event: string;
  [field: string]: unknown;
}

export type Logger = (e: LogEvent) => void;

export function jsonLogger(write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  return (e) => write(`${JSON.stringify({ time: new Date().toISOString(), ...e }, jsonBytes)}\n`);
}

export const silentLogger: Logger = () => undefined;

/** Byte arrays as hex in logs (JSON.stringify would spell them out index by index). */
function jsonBytes(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString("hex");
  if (value instanceof Error) return { name: value.name, code: (value as { code?: unknown }).code, message: value.message };
  return value;
}
