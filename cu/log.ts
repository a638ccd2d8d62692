// Structured logs: one JSON object per line, always with an `event`. Injected, never global.
export interface LogRecord {
  readonly event: string;
  readonly [field: string]: unknown;
}

export interface Logger {
  info(record: LogRecord): void;
  warn(record: LogRecord): void;
  error(record: LogRecord): void;
}

export function jsonLogger(component: string, write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  const emit = (level: string, record: LogRecord): void =>
    write(`${JSON.stringify({ time: new Date().toISOString(), level, component, ...record })}\n`);
  return {
    info: (record) => emit("info", record),
    warn: (record) => emit("warn", record),
    error: (record) => emit("error", record),
  };
}

export const silentLogger: Logger = Object.freeze({ info: () => undefined, warn: () => undefined, error: () => undefined });
