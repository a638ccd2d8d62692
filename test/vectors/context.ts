// Shared state of one checker run: RandomX contexts are expensive (a cache is 256 MiB and takes
// about a second; a fast-mode dataset 568 MB), so one is built per key and reused by every file.
import { RandomxContext, type RandomxMode } from "../../native/index.ts";

export interface CheckOptions {
  /** RandomX mode for hashing and packing (light by default: less memory, slower per hash). */
  mode: RandomxMode;
  /** Threads for batched native work. */
  threads: number;
}

export class CheckContext {
  private readonly contexts = new Map<string, Promise<RandomxContext>>();
  constructor(readonly options: CheckOptions) {}

  /** The rx512 context for `key` (ASCII), built once. */
  rx512(key: string): Promise<RandomxContext> {
    let ctx = this.contexts.get(key);
    if (!ctx) {
      ctx = RandomxContext.create({ config: "rx512", key: Buffer.from(key, "ascii"), mode: this.options.mode });
      this.contexts.set(key, ctx);
    }
    return ctx;
  }
}

/** Reads a required field, failing with the field's name rather than a TypeError later. */
export function field<T>(doc: Record<string, unknown>, name: string): T {
  if (!(name in doc)) throw new Error(`missing field "${name}"`);
  return doc[name] as T;
}
