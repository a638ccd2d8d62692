// Structured logs: one JSON object per line, always with an `event` name.
export interface LogFields {
  event: string;
  [key: string]: unknown;
}

export type Logger = (fields: LogFields) => void;

export function jsonLogger(write: (line: string) => void = (line) => process.stdout.write(line + "\n")): Logger {
  return (fields) => write(JSON.stringify({ time: new Date().toISOString(), ...fields }));
}

export const silentLogger: Logger = () => undefined;
