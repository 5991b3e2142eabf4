#!/bin/sh
# Installs CPython 3.14 / 3.15 for the tests, from Debian sid's prebuilt packages, idempotently.
#
#   scripts/get-cpython.sh 3.14 3.15      install what is missing (a cached version takes ~1 s)
#   scripts/get-cpython.sh --print        print the install root and exit
#
# Debian's mirror serves sid's binary packages only (no sources). sid's python3.X needs sid's libc,
# so both are unpacked under $ROOT/X.Y and the interpreter's ELF interpreter and rpath are rewritten
# with patchelf to point into that tree: it then runs directly, with no chroot and no
# LD_LIBRARY_PATH, so the processes it starts keep the system's libc. Each version gets a venv with
# pytest at $ROOT/X.Y/venv/bin/python, which scripts/pythons.mjs finds.
#
# Root: $ASYNCIO_LENS_CPYTHON_ROOT, else ${XDG_CACHE_HOME:-$HOME/.cache}/asyncio-lens-cpython.
# Adapted from ../shared/tools/get-cpython.sh.
set -eu
ROOT=${ASYNCIO_LENS_CPYTHON_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/asyncio-lens-cpython}
if [ "${1:-}" = "--print" ]; then echo "$ROOT"; exit 0; fi
[ $# -gt 0 ] || set -- 3.14 3.15
# The Debian mirror this machine already uses (first URIs line of its apt sources).
MIRROR=${DEBIAN_MIRROR:-$(grep -hs "^URIs:" /etc/apt/sources.list.d/*.sources /dev/null | awk '{print $2; exit}')}
[ -n "$MIRROR" ] || MIRROR=$(grep -hs '^deb ' /etc/apt/sources.list /dev/null | awk '{print $2; exit}')
# pip: the default index may be unreachable (each call then retries it for ~40 s): use the first
# index pip is configured with, unless PIP_INDEX_URL names one.
INDEX=${PIP_INDEX_URL:-$(python3 -m pip config get global.extra-index-url 2>/dev/null | awk '{print $1; exit}' || true)}

installed() { "$1" -c 'import pytest, ssl, sqlite3, ctypes' 2>/dev/null; }
updated=
for V in "$@"; do
  R=$ROOT/$V; PY=$R/venv/bin/python
  if installed "$PY"; then echo "CPython $V: $("$PY" -VV | head -1) (cached in $R)"; continue; fi
  [ -n "$MIRROR" ] || { echo "get-cpython: no Debian mirror found in the apt sources; set DEBIAN_MIRROR" >&2; exit 1; }
  if ! command -v patchelf >/dev/null; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends patchelf >/dev/null
  fi
  APT=$ROOT/.apt-sid
  if [ -z "$updated" ]; then
    mkdir -p "$APT/lists/partial" "$APT/debs"
    cat > "$APT/sid.sources" <<S
Types: deb
URIs: $MIRROR
Suites: sid
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
S
  fi
  A="-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$APT -o Dir::State::Lists=$APT/lists -o Dir::Cache::archives=$APT/debs -o APT::Sandbox::User=root"
  [ -n "$updated" ] || { apt-get $A update -qq; updated=1; }
  rm -rf "$R.tmp"; mkdir -p "$R.tmp"
  # sid's libc comes with it; the rest are sid's builds of the libraries the stdlib links.
  PKGS="python$V-minimal libpython$V-minimal libpython$V-stdlib python$V python$V-venv python3-pip-whl
        libc6 libc-gconv-modules-extra libgcc-s1 libexpat1 zlib1g libssl3t64 libbz2-1.0 libffi8
        liblzma5 libncursesw6 libreadline8t64 libsqlite3-0 libtinfo6 libuuid1 libzstd1 libmpdec4"
  [ "$V" = 3.14 ] && PKGS="$PKGS libdb5.3t64"
  (cd "$APT/debs" && apt-get $A download $PKGS >/dev/null)
  for p in $PKGS; do dpkg-deb -x "$(ls -t "$APT"/debs/"${p}"_*.deb | head -1)" "$R.tmp"; done
  L=$R/usr/lib/x86_64-linux-gnu
  patchelf --set-interpreter "$L/ld-linux-x86-64.so.2" --force-rpath --set-rpath "$L" "$R.tmp/usr/bin/python$V"
  rm -rf "$R"; mv "$R.tmp" "$R"
  mkdir -p "$R/bin"; ln -sf "../usr/bin/python$V" "$R/bin/python$V"
  "$R/bin/python$V" -m venv --without-pip "$R/venv"
  W=$R/usr/share/python-wheels
  "$PY" "$(ls "$W"/pip-*.whl | head -1)/pip" install -q --no-index --find-links "$W" pip
  "$PY" -m pip install -q --disable-pip-version-check ${INDEX:+--index-url "$INDEX"} pytest
  installed "$PY" || { echo "get-cpython: CPython $V installed but pytest, ssl, sqlite3 or ctypes does not import" >&2; exit 1; }
  echo "CPython $V: $("$PY" -VV | head -1) (installed in $R)"
done
