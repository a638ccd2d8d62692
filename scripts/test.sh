#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what it needs, then runs every *.test.ts with node's runner.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/ensure-deps.sh"
cd "$root"
exec node scripts/run-tests.mjs "$@"
