#!/usr/bin/env bash
# `npm start`: the one-machine devnet on a fresh machine. Installs what is missing (Debian packages,
# npm ci, the native build: scripts/ensure-deps.sh), then runs it in the foreground (Ctrl-C stops it).
# Arguments go to `devnet/main.ts up`: --config FILE, --dir DIR, --reset.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/ensure-deps.sh"
cd "$root"
exec node --import tsx devnet/main.ts up "$@"
