// npm run -s bench -- NAME [--quick]: runs one benchmark family; each prints `ratio X.XX` lines.
import { parseArgs } from "node:util";

type Run = (opts: { quick: boolean }) => Promise<void>;

/** Families and the modules that implement them (loaded on demand: each needs its own parts built). */
const families: Record<string, string[]> = {
  native: ["./native-randomx.ts", "./native-hashing.ts"],
  vdf: ["./vdf.ts"],
  operator: ["./operator.ts"],
  cu: ["./cu.ts"],
  mining: ["./mining.ts"],
};

function usage(message: string): never {
  console.error(`bench: ${message}\nusage: npm run -s bench -- ${Object.keys(families).join("|")} [--quick]`);
  process.exit(2);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { quick: { type: "boolean", default: false } } });
  } catch (err) {
    usage((err as Error).message);
  }
  const name = parsed.positionals[0];
  if (!name || parsed.positionals.length !== 1) usage("name exactly one benchmark");
  const modules = families[name];
  if (!modules) usage(`unknown benchmark "${name}"`);
  for (const path of modules) {
    let mod: { run?: Run };
    try {
      mod = (await import(path)) as { run?: Run };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND") usage(`benchmark "${name}" is not written yet (${path})`);
      throw err;
    }
    if (typeof mod.run !== "function") throw new Error(`${path} exports no run()`);
    await mod.run({ quick: parsed.values.quick });
  }
}

await main();
