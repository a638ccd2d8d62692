#!/usr/bin/env node
// The `arkube` command (package bin of @arkube/devnet): registers tsx, then runs devnet/main.ts with
// the same arguments (`arkube devnet up|down|status ...`).
import { register } from "tsx/esm/api";

register();
await import("../main.ts");
