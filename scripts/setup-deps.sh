#!/usr/bin/env bash
# Installs and fetches everything the build needs, on Debian 12 (bookworm).
#
# Safe to run every time: each step checks first and does nothing when it is
# already done. Fetched sources land in build/_deps/ (git-ignored). The
# system's apt sources are never changed: the two packages that bookworm lacks
# are fetched through a throw-away sources list in a temporary directory.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEPS="${MNW_DEPS_DIR:-$ROOT/build/_deps}"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# Debian packages from the system's own sources.
#   emscripten, node-acorn, binaryen: the wasm toolchain (Debian's emscripten
#     3.1.6 ships its system libraries prebuilt, so there is no cache to build)
#   g++: the native compiler (a minimal Debian install has none)
#   clang, libclang-rt-14-dev: clang 14 and its libFuzzer runtime
#   libstb-dev: stb_image headers for image decoding
#   chromium: headless browser tests of the web page
APT_PACKAGES=(
  emscripten node-acorn binaryen
  g++ clang libclang-rt-14-dev
  cmake ninja-build
  libstb-dev
  chromium
)

# xsimd 13 (header-only) from trixie: bookworm's 8.1 has no wasm backend.
# The package is arch-specific only by name, so amd64 is fetched everywhere.
XSIMD_SUITE=trixie
XSIMD_VERSION=13.2.0-1
XSIMD_DEB=libxsimd-dev_${XSIMD_VERSION}_amd64.deb
XSIMD_SHA256=60878acfc02bfca76e8c31d53a1b9fdff490c319e53f620f4327c9786eaf631f

# Catch2 v3 amalgamated sources from the bookworm-backports source package
# (the binary package holds only x86 static libraries, useless for wasm).
CATCH2_SUITE=bookworm-backports
CATCH2_VERSION=3.7.1-0.4~bpo12+1
CATCH2_ORIG=catch2_3.7.1.orig.tar.gz
CATCH2_SHA256=c991b247a1a0d7bb9c39aa35faf0fe9e19764213f28ffba3109388e62ee0269c

log() { echo "setup-deps: $*"; }

SUDO=()
if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo); fi

install_apt_packages() {
  local missing=() p
  for p in "${APT_PACKAGES[@]}"; do
    if [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" != installed ]; then
      missing+=("$p")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
}

# private_apt DIR CMD ARGS...: runs apt-get/apt-cache with the sources list,
# package lists and cache all inside DIR, so the system's apt state is
# untouched. Downloads go to the current directory, which the unprivileged
# _apt user cannot write to, hence Sandbox::User=root; the files are checked
# against pinned SHA-256 sums afterwards anyway.
private_apt() {
  local dir=$1; shift
  local cmd=$1; shift
  "$cmd" -q \
    -o Dir::Etc::sourcelist="$dir/sources.list" \
    -o Dir::Etc::sourceparts=- \
    -o Dir::State::Lists="$dir/lists" \
    -o Dir::Cache="$dir/cache" \
    -o APT::Architecture=amd64 -o APT::Architectures=amd64 \
    -o Acquire::Languages=none \
    -o APT::Sandbox::User=root \
    "$@"
}

# new_private_apt DIR LINE: makes DIR an apt directory whose only source is
# LINE and updates its package lists.
new_private_apt() {
  mkdir -p "$1/lists/partial" "$1/cache/archives/partial"
  echo "$2" > "$1/sources.list"
  private_apt "$1" apt-get update
}

# The Debian mirror this system already uses (so local mirrors and proxies
# keep working), read from apt's own view of its sources; MNW_DEBIAN_MIRROR
# overrides it. Needs the package lists, so they are fetched if absent.
debian_mirror() {
  if [ -n "${MNW_DEBIAN_MIRROR:-}" ]; then
    echo "$MNW_DEBIAN_MIRROR"
    return
  fi
  local codename uri attempt
  codename="$(. /etc/os-release && echo "$VERSION_CODENAME")"
  for attempt in 1 2; do
    uri="$(apt-get indextargets --format '$(REPO_URI)' 'Origin: Debian' 'Label: Debian' \
             "Codename: $codename" 'Created-By: Packages' | head -n1)"
    if [ -n "$uri" ]; then
      echo "${uri%/}"
      return
    fi
    [ "$attempt" = 1 ] && "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
  done
  echo "setup-deps: no Debian $codename mirror in apt's sources; set MNW_DEBIAN_MIRROR" >&2
  return 1
}

# Scratch space for downloads, removed however the script ends.
SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/mnw-setup.XXXXXX")"
trap 'rm -rf "$SCRATCH"' EXIT

check_sha256() {
  local file=$1 want=$2 got
  got="$(sha256sum "$file" | cut -d' ' -f1)"
  if [ "$got" != "$want" ]; then
    echo "setup-deps: checksum mismatch for $file: got $got, want $want" >&2
    return 1
  fi
}

# A stamp file records what a directory under build/_deps was made from, so a
# changed pin refetches and an unchanged one is a no-op.
is_current() { [ -f "$1/.stamp" ] && [ "$(cat "$1/.stamp")" = "$2" ]; }

fetch_xsimd() {
  local dest="$DEPS/xsimd" stamp="$XSIMD_DEB $XSIMD_SHA256"
  is_current "$dest" "$stamp" && return 0
  log "fetching xsimd $XSIMD_VERSION from $XSIMD_SUITE"
  local tmp="$SCRATCH/xsimd" mirror
  mirror="$(debian_mirror)"
  new_private_apt "$tmp" "deb [arch=amd64 signed-by=$KEYRING] $mirror $XSIMD_SUITE main"
  (cd "$tmp" && private_apt "$tmp" apt-get download "libxsimd-dev:amd64=$XSIMD_VERSION")
  check_sha256 "$tmp/$XSIMD_DEB" "$XSIMD_SHA256"
  rm -rf "$dest"
  mkdir -p "$dest"
  dpkg -x "$tmp/$XSIMD_DEB" "$dest"
  echo "$stamp" > "$dest/.stamp"
}

fetch_catch2() {
  local dest="$DEPS/catch2" stamp="$CATCH2_ORIG $CATCH2_SHA256"
  is_current "$dest" "$stamp" && return 0
  log "fetching Catch2 $CATCH2_VERSION sources from $CATCH2_SUITE"
  local tmp="$SCRATCH/catch2" mirror
  mirror="$(debian_mirror)"
  new_private_apt "$tmp" "deb-src [signed-by=$KEYRING] $mirror $CATCH2_SUITE main"
  (cd "$tmp" && private_apt "$tmp" apt-get source --download-only "catch2=$CATCH2_VERSION")
  check_sha256 "$tmp/$CATCH2_ORIG" "$CATCH2_SHA256"
  rm -rf "$dest"
  mkdir -p "$dest"
  tar -xzf "$tmp/$CATCH2_ORIG" -C "$dest" --no-same-owner --strip-components=2 \
    --wildcards '*/extras/catch_amalgamated.hpp' '*/extras/catch_amalgamated.cpp'
  tar -xzf "$tmp/$CATCH2_ORIG" -C "$dest" --no-same-owner --strip-components=1 --wildcards '*/LICENSE.txt'
  echo "$stamp" > "$dest/.stamp"
}

install_apt_packages
fetch_xsimd
fetch_catch2
log "ok (xsimd $XSIMD_VERSION, Catch2 $CATCH2_VERSION in ${DEPS#"$ROOT"/})"
