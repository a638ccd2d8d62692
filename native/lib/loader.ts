// Loads the compiled addon once. Fails loudly (UnsupportedPlatformError) where it cannot work:
// the core assumes a 64-bit little-endian CPU with IEEE-754 doubles (RandomX depends on it).
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { endianness } from "node:os";
import { UnsupportedPlatformError } from "./errors.ts";
import type { NativeAddon } from "./addon-types.ts";

const addonPath = fileURLToPath(new URL("../build/Release/arkube_native.node", import.meta.url));

function checkPlatform(): void {
  if (!["x64", "arm64"].includes(process.arch) || endianness() !== "LE") {
    throw new UnsupportedPlatformError(
      `arkube native core needs a 64-bit little-endian CPU (x64 or arm64); this is ${process.arch} ${endianness()}`,
    );
  }
  if (!existsSync(addonPath)) {
    throw new UnsupportedPlatformError(
      `arkube native addon is not built (${addonPath} missing): run \`npm run build:native\``,
    );
  }
}

let loaded: NativeAddon | undefined;

/** The raw addon. Prefer the typed wrappers exported from native/index.ts. */
export function addon(): NativeAddon {
  if (loaded) return loaded;
  checkPlatform();
  const require = createRequire(import.meta.url);
  try {
    loaded = require(addonPath) as NativeAddon;
  } catch (err) {
    throw new UnsupportedPlatformError(`cannot load ${addonPath}: ${(err as Error).message}`, { cause: err });
  }
  return loaded;
}
