#!/usr/bin/env bash
# Installs what arkube needs on a fresh machine, idempotently: Debian packages, npm packages, native addon.
# Sourced by scripts/test.sh and (later) the devnet launcher. Only package registries are used.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Debian packages: librandomx-dev is the test-only reference for the `standard` RandomX config,
# nats-server is the real NATS the services and tests run against, chromium is the headless browser the
# status page test (test/devnet/page.test.ts) drives through playwright-core (which never downloads one).
apt_packages=(librandomx-dev nats-server chromium)

need_apt=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$pkg")
done
if ((${#need_apt[@]})); then
  echo "ensure-deps: installing Debian packages: ${need_apt[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq || { echo "ensure-deps: apt-get update failed" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${need_apt[@]}" >/dev/null \
    || { echo "ensure-deps: cannot install ${need_apt[*]} (apt-get install failed)" >&2; exit 1; }
fi


# npm packages: reinstall only when the lockfile changed since the last install.
stamp="$root/node_modules/.arkube-lock-sha256"
lock_sum="$(sha256sum "$root/package-lock.json" | cut -d' ' -f1)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$lock_sum" ]]; then
  echo "ensure-deps: npm ci"
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_sum" > "$stamp"
fi

# Native addon: rebuild when any native source is newer than the built addon.
addon="$root/native/build/Release/arkube_native.node"
if [[ ! -f "$addon" ]] || [[ -n "$(find "$root/native/src" "$root/native/binding.gyp" -newer "$addon" -print -quit)" ]]; then
  echo "ensure-deps: building native addon"
  (cd "$root" && npm run -s build:native)
fi
