#!/bin/sh
# CPython's own test_asyncio, plain and under `python -m asyncio_lens run`, per-test outcomes compared.
#
#   bench/test-asyncio-parity.sh 3.14        (3.14 or 3.15, installed by scripts/get-cpython.sh)
#
# Debian ships the test modules apart (libpython3.X-testsuite): the package is downloaded into a
# temporary folder with the same sid sources get-cpython.sh set up, laid over the installed `test`
# package, and removed afterwards. Prints the wall time and result of each run, and every test whose
# outcome differs. About 2 minutes a run on an idle machine.
set -eu
V=${1:?usage: bench/test-asyncio-parity.sh 3.14}
HERE=$(cd "$(dirname "$0")/.." && pwd)
ROOT=$(sh "$HERE/scripts/get-cpython.sh" --print)
PY=$ROOT/$V/usr/bin/python$V
[ -x "$PY" ] || { echo "no CPython $V under $ROOT: run scripts/get-cpython.sh $V" >&2; exit 2; }
APT=$ROOT/.apt-sid
A="-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$APT -o Dir::State::Lists=$APT/lists -o Dir::Cache::archives=$APT/debs -o APT::Sandbox::User=root"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && apt-get $A download "libpython$V-testsuite" >/dev/null)
dpkg-deb -x "$WORK"/libpython"$V"-testsuite_*.deb "$WORK/x"
mkdir -p "$WORK/overlay/test"
cp -r "$ROOT/$V/usr/lib/python$V/test/." "$WORK/overlay/test/"
cp -rn "$WORK/x/usr/lib/python$V/test/." "$WORK/overlay/test/"
cd "$WORK"
run() {  # name, then the command before "-m test"
  name=$1; shift
  start=$(date +%s)
  set +e
  PYTHONPATH="$WORK/overlay" "$@" -m test test_asyncio --junit-xml "$WORK/$name.xml" --fail-env-changed > "$WORK/$name.log" 2>&1
  rc=$?
  set -e
  echo "$name: exit $rc in $(( $(date +%s) - start )) s; $(grep -E '^(Result|Total tests):' "$WORK/$name.log" | tr '\n' ' ')"
}
run plain "$PY"
run lens "$PY" "$HERE/runtime/asyncio_lens" run
"$PY" - "$WORK/plain.xml" "$WORK/lens.xml" <<'PY'
import sys
import xml.etree.ElementTree as ET

def outcomes(path):
    out = {}
    for case in ET.parse(path).iter("testcase"):
        kind = "passed"
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                kind = child.tag
        out["%s.%s" % (case.get("classname"), case.get("name"))] = kind
    return out

plain, lens = outcomes(sys.argv[1]), outcomes(sys.argv[2])
counts = lambda o: {k: sum(1 for v in o.values() if v == k) for k in ("passed", "skipped", "failure", "error")}
print("plain:", counts(plain))
print("lens: ", counts(lens))
diff = sorted(t for t in set(plain) | set(lens) if plain.get(t) != lens.get(t))
print("tests whose outcome differs: %d" % len(diff))
for t in diff:
    print("  %s: plain %s, lens %s" % (t, plain.get(t, "absent"), lens.get(t, "absent")))
PY
