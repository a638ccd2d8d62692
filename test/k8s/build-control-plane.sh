#!/usr/bin/env bash
# Builds a real Kubernetes control plane for the integration tests from Go modules, once per machine:
# kube-apiserver, kube-controller-manager, kube-scheduler, etcd and kwok, into a cache directory outside
# the repo keyed by their versions. Progress goes to stderr; the last line on stdout is the bin directory.
#
# Why a wrapper module: `go install k8s.io/kubernetes/cmd/kube-apiserver@vX` is refused because
# k8s.io/kubernetes's go.mod has `replace` directives (k8s.io/api => ./staging/src/k8s.io/api, ...) and
# requires those modules at v0.0.0. Replaces only apply in the main module, so we generate a main module
# that requires k8s.io/kubernetes and go.etcd.io/etcd/server/v3 and maps every staging module to its
# published v0.<minor>.<patch> version. etcd's own `../api`-style replaces are ignored the same way; its
# require lines already pin the matching go.etcd.io/etcd/* versions. Building all four binaries in one
# `go build` compiles the shared packages (grpc, protobuf, client-go, ...) once.
#
# Environment: ARKUBE_CACHE (default $HOME/.cache/arkube). Go's own caches (GOMODCACHE, GOCACHE) are used
# as configured, so a version bump reuses downloaded modules.
set -euo pipefail

# Versions: etcd is the one kube 1.34 is released and tested with; kwok is built as its own module.
K8S_VERSION=v1.34.4
ETCD_VERSION=v3.6.4
KWOK_VERSION=v0.7.0
GO_VERSION_MIN=1.24

cache_root="${ARKUBE_CACHE:-$HOME/.cache/arkube}"
dest="$cache_root/k8s-$K8S_VERSION-etcd-$ETCD_VERSION-kwok-$KWOK_VERSION"
bin="$dest/bin"
stamp="$dest/complete.stamp"
binaries=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

log() { printf 'build-control-plane: %s\n' "$*" >&2; }
fail() {
  printf 'build-control-plane: FAILED: %s\n' "$*" >&2
  exit 1
}

# All binaries present and the stamp (written last) says which versions built them.
is_complete() {
  [[ -f "$stamp" ]] || return 1
  [[ "$(cat "$stamp")" == "$(stamp_text)" ]] || return 1
  local name
  for name in "${binaries[@]}"; do [[ -x "$bin/$name" ]] || return 1; done
}

stamp_text() { printf 'k8s=%s etcd=%s kwok=%s\n' "$K8S_VERSION" "$ETCD_VERSION" "$KWOK_VERSION"; }

check_go() {
  command -v go >/dev/null || fail "go not found on PATH: install Go >= $GO_VERSION_MIN"
  local have
  have="$(go env GOVERSION)" || fail "go env GOVERSION failed"
  log "using $have ($(command -v go))"
}

# "v1.34.4" -> "v0.34.4": the tag every staging module is published with for this release.
staging_version() { printf 'v0.%s\n' "${K8S_VERSION#v1.}"; }

# Prints the staging module paths that k8s.io/kubernetes's go.mod replaces with ./staging/src/... dirs.
staging_modules() {
  local gomod
  gomod="$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
  [[ -n "$gomod" && -f "$gomod" ]] || fail "could not download k8s.io/kubernetes@$K8S_VERSION (is the Go module proxy reachable?)"
  sed -n 's#^[[:space:]]*\(k8s\.io/[^[:space:]]*\) => \./staging/src/.*#\1#p' "$gomod"
}

write_wrapper_gomod() {
  local dir="$1" sv mod mods
  sv="$(staging_version)"
  mods="$(staging_modules)"
  [[ -n "$mods" ]] || fail "found no staging replace lines in k8s.io/kubernetes@$K8S_VERSION's go.mod"
  {
    printf 'module arkube.test/k8s-control-plane\n\ngo %s\n\n' "$GO_VERSION_MIN"
    printf 'require (\n\tk8s.io/kubernetes %s\n\tgo.etcd.io/etcd/server/v3 %s\n)\n\n' "$K8S_VERSION" "$ETCD_VERSION"
    # tool directives keep `go mod tidy` from dropping the requirements of a module with no packages.
    printf 'tool (\n'
    printf '\t%s\n' "${k8s_packages[@]}" "$etcd_package"
    printf ')\n\nreplace (\n'
    for mod in $mods; do printf '\t%s => %s %s\n' "$mod" "$mod" "$sv"; done
    printf ')\n'
  } >"$dir/go.mod"
}

k8s_packages=(
  k8s.io/kubernetes/cmd/kube-apiserver
  k8s.io/kubernetes/cmd/kube-controller-manager
  k8s.io/kubernetes/cmd/kube-scheduler
)
etcd_package=go.etcd.io/etcd/server/v3

# The -X flags give the binaries their real version instead of v0.0.0-master (kwok and clients read it).
k8s_ldflags() {
  local minor="${K8S_VERSION#v1.}"
  minor="${minor%%.*}"
  local flags="-s -w" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  printf '%s\n' "$flags"
}

build_kubernetes_and_etcd() {
  local work="$1" out="$2"
  write_wrapper_gomod "$work"
  log "resolving the module graph (go mod tidy) in $work"
  (cd "$work" && go mod tidy) || fail "go mod tidy failed for k8s.io/kubernetes@$K8S_VERSION + etcd $ETCD_VERSION (see above)"
  log "compiling ${k8s_packages[*]##*/} and etcd (slow: thousands of packages)"
  (cd "$work" && CGO_ENABLED=0 nice -n 10 go build -trimpath -ldflags="$(k8s_ldflags)" -o "$out/" \
    "${k8s_packages[@]}") || fail "go build of the Kubernetes binaries failed (see above)"
  (cd "$work" && CGO_ENABLED=0 nice -n 10 go build -trimpath -ldflags="-s -w" -o "$out/etcd" "$etcd_package") ||
    fail "go build of etcd $ETCD_VERSION failed (see above)"
}

# kwok has no replace directives, so plain `go install` works and keeps its own dependency versions.
build_kwok() {
  local out="$1"
  log "compiling kwok $KWOK_VERSION"
  CGO_ENABLED=0 GOBIN="$out" nice -n 10 go install -trimpath -ldflags="-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" ||
    fail "go install sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION failed (see above)"
}

# Two test runs on one machine must not both replace $bin; the lock is released when this shell exits.
take_lock() {
  command -v flock >/dev/null || return 0
  exec 9>"$dest/build.lock"
  if ! flock -n 9; then
    log "waiting for another build of $dest to finish"
    flock 9
  fi
}

main() {
  if is_complete; then
    log "cached: $bin"
    printf '%s\n' "$bin"
    return
  fi
  check_go
  mkdir -p "$dest" || fail "cannot create cache directory $dest"
  take_lock
  if is_complete; then # another process finished the build while we waited for the lock
    printf '%s\n' "$bin"
    return
  fi
  rm -f "$stamp"
  local started=$SECONDS
  # Globals, because the EXIT trap runs after main's locals are gone. An interrupted build leaves no
  # stamp, so it is redone; the temp dirs never hold a finished result.
  work_dir="$(mktemp -d "$dest/wrapper.XXXXXX")"
  out_dir="$(mktemp -d "$dest/bin.XXXXXX")"
  chmod 755 "$out_dir"
  trap 'rm -rf "$work_dir" "$out_dir"' EXIT
  build_kubernetes_and_etcd "$work_dir" "$out_dir"
  log "kube-apiserver, kube-controller-manager, kube-scheduler and etcd built after $((SECONDS - started)) s"
  build_kwok "$out_dir"
  rm -rf "$bin"
  mv "$out_dir" "$bin"
  stamp_text >"$stamp"
  log "done in $((SECONDS - started)) s: $bin"
  printf '%s\n' "$bin"
}

main "$@"
