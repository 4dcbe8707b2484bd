#!/usr/bin/env bash
# Builds kube-apiserver from Debian's own `kubernetes` source package, once per machine.
#
# Usage: tools/kube-apiserver/build.sh                 builds if needed; prints the binary's path
#        tools/kube-apiserver/build.sh --cached-only   prints a cached binary's path, or exits 3
#                                                      (never touches apt, never builds)
#
# Debian bookworm ships the complete upstream Kubernetes tree (v1.20.2, vendor/ included) as the
# source package `kubernetes` but builds only kubectl from it. This script fetches that source
# (adding a deb-src entry for the machine's Debian archive if there is none), builds
# cmd/kube-apiserver offline with Debian's golang-1.19-go, and caches the binary under
#   ${CLUSTERNET_CACHE:-/var/cache/clusternet}/kube-apiserver/<source version>/kube-apiserver
# The source tree and Go caches (about 1.8 GB) are deleted afterwards. A second run finds the
# cached binary and takes seconds. Concurrent runs wait for each other (flock).
#
# Cold: about 13 minutes on 2 cores (3 of them code generation). Needs root for apt.
# Facts behind the choices: /work/shared/reference/real-apiserver.md and tools/kube-apiserver/README.md.
set -euo pipefail

cache_root="${CLUSTERNET_CACHE:-/var/cache/clusternet}/kube-apiserver"
apt_opts=(-y -q --no-install-recommends -o DPkg::Lock::Timeout=600)
export DEBIAN_FRONTEND=noninteractive

log() { echo "kube-apiserver build: $*" >&2; }

if [[ "${1:-}" == --cached-only ]]; then
  # The newest cached version (dpkg's version order), without asking apt anything.
  best=""
  for d in "$cache_root"/*/; do
    [[ -x "$d/kube-apiserver" ]] || continue
    v="$(basename "$d")"
    if [[ -z "$best" ]] || dpkg --compare-versions "$v" gt "$best"; then best="$v"; fi
  done
  [[ -n "$best" ]] || { log "no cached kube-apiserver under $cache_root"; exit 3; }
  echo "$cache_root/$best/kube-apiserver"
  exit 0
fi

need_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    apt-get -o DPkg::Lock::Timeout=600 update -q >&2 || true
    apt-get install "${apt_opts[@]}" "${missing[@]}" >&2
  fi
}

# The deb-src entry: the same archive and suites the machine already uses, main only.
srcs_file=/etc/apt/sources.list.d/clusternet-deb-src.sources
have_deb_src() {
  grep -rqsE '^(deb-src\b|Types:.*\bdeb-src\b)' /etc/apt/sources.list /etc/apt/sources.list.d/
}
if ! have_deb_src; then
  log "adding $srcs_file (deb-src for bookworm main)"
  cat >"$srcs_file" <<'EOF'
# Added by clusternet tools/kube-apiserver/build.sh: the kubernetes source package.
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  apt-get -o DPkg::Lock::Timeout=600 update -q >&2
fi

# The version apt would fetch: the highest one any configured deb-src offers.
version_of_source() {
  local v best=""
  while read -r v; do
    if [[ -z "$best" ]] || dpkg --compare-versions "$v" gt "$best"; then best="$v"; fi
  done < <(apt-cache showsrc kubernetes 2>/dev/null | awk '/^Version:/ {print $2}')
  echo "$best"
}
version="$(version_of_source)"
if [[ -z "$version" ]]; then
  apt-get -o DPkg::Lock::Timeout=600 update -q >&2
  version="$(version_of_source)"
fi
[[ -n "$version" ]] || { log "no source package 'kubernetes' found in any deb-src entry"; exit 1; }

dest_dir="$cache_root/$version"
binary="$dest_dir/kube-apiserver"
mkdir -p "$cache_root"
exec 9>"$cache_root/.lock"
flock 9
if [[ -x "$binary" ]]; then
  log "cached: $binary"
  echo "$binary"
  exit 0
fi

log "building kube-apiserver from kubernetes $version (about 13 minutes on 2 cores)"
need_packages dpkg-dev make golang-1.19-go rsync jq golang-github-modern-go-reflect2-dev
started=$SECONDS

work="$(mktemp -d /var/tmp/clusternet-kube-apiserver.XXXXXX)"
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get -o DPkg::Lock::Timeout=600 source -q "kubernetes=$version" >&2
src="$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'kubernetes-*' | head -1)"
[[ -d "$src/cmd/kube-apiserver" ]] || { log "no cmd/kube-apiserver in the unpacked source"; exit 1; }

# The vendored reflect2 v1.0.1 is known to break under Go 1.18+; Debian packages v1.0.2.
rm -rf "$src/vendor/github.com/modern-go/reflect2"
cp -a /usr/share/gocode/src/github.com/modern-go/reflect2 "$src/vendor/github.com/modern-go/reflect2"

# No .git in a source package: the version the binary reports comes from a version file.
upstream="${version#*really}"; upstream="${upstream%%-*}"   # 1.20.5+really1.20.2-1.1+deb12u1 -> 1.20.2
major="${upstream%%.*}"; minor="${upstream#*.}"; minor="${minor%%.*}"
cat >"$work/version" <<EOF
KUBE_GIT_VERSION='v$upstream'
KUBE_GIT_MAJOR='$major'
KUBE_GIT_MINOR='$minor'
KUBE_GIT_TREE_STATE='clean'
EOF

export PATH="/usr/lib/go-1.19/bin:$PATH"
export GOCACHE="$work/gocache" GOTMPDIR="$work" GOFLAGS="" GOPROXY=off
export KUBE_GIT_VERSION_FILE="$work/version"
(cd "$src" && make WHAT=cmd/kube-apiserver KUBE_VERBOSE=1 >&2)
built="$src/_output/bin/kube-apiserver"
[[ -x "$built" ]] || built="$(find "$src/_output" -type f -name kube-apiserver -perm -u+x | head -1)"
[[ -x "$built" ]] || { log "the build produced no kube-apiserver binary"; exit 1; }
"$built" --version >&2

mkdir -p "$dest_dir"
cp "$built" "$dest_dir/kube-apiserver.tmp"
mv "$dest_dir/kube-apiserver.tmp" "$binary"
log "built in $((SECONDS - started)) s: $binary"
echo "$binary"
