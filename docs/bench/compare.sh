#!/usr/bin/env bash
# Measures Dossier against Xapian and SQLite FTS5 on a BEIR benchmark, in
# one run of this script, and prints each engine's nDCG@10, queries/s and
# build seconds as min / median / max, with the median over the rounds of
# Dossier's figure divided by each engine's. See docs/bench/README.md.
#
#   docs/bench/compare.sh [BEIR_DIR]      (default ../shared/bench/scifact)
#
# RUNS (default 3) rounds; each round measures Dossier, then Xapian, then
# FTS5, so that a machine busier in one minute than the next slows all
# three alike. Every engine builds and ranks on one thread (Dossier with
# GOMAXPROCS=1), one query at a time. REV=COMMIT measures Dossier as of
# that commit instead of the work tree (say, the baseline before a change).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
beir=$(cd "${1:-$root/../shared/bench/scifact}" && pwd)
runs=${RUNS:-3}
split=${SPLIT:-test}
# Debian's python3-xapian installs into Debian's own Python, which a
# pyenv or venv python3 earlier on PATH does not see.
python=${PYTHON:-/usr/bin/python3}

"$python" -c 'import xapian' 2>/dev/null || {
	echo "compare.sh: $python cannot import xapian (apt-get install -y python3-xapian, or set PYTHON)" >&2
	exit 1
}
work=$(mktemp -d "${TMPDIR:-/tmp}/dossier-compare-XXXXXX")
trap 'rm -rf "$work"' EXIT

# Built once rather than `go run` each time: the same program, without a
# compile check before every timing.
src=$root
what="the work tree"
if [ -n "${REV:-}" ]; then
	src=$work/src
	mkdir "$src"
	git -C "$root" archive "$REV" | tar -x -C "$src"
	what="commit $(git -C "$root" rev-parse --short "$REV")"
fi
(cd "$src" && go build -o "$work/dossier" ./cmd/dossier)
export GOMAXPROCS=1

fail() {
	cat "$work/stderr" >&2
	exit 1
}
out=$work/runs.jsonl
for i in $(seq "$runs"); do
	echo "round $i of $runs" >&2
	# A whole build in an empty folder, its time as eval logs it (the sync
	# alone, reading the corpus excluded, as peers.py times the others);
	# then a second eval, which finds the index built, times the ranking.
	rm -rf "$work/data"
	DOSSIER_LOG_LEVEL=INFO "$work/dossier" eval --beir "$beir" --split "$split" --data "$work/data" --json \
		>/dev/null 2>"$work/stderr" || fail
	took=$(sed -n 's/.*"msg":"indexed benchmark".*"took":\([0-9]*\).*/\1/p' "$work/stderr")
	[ -n "$took" ] || { echo "compare.sh: dossier eval logged no build time:" >&2; fail; }
	ev=$("$work/dossier" eval --beir "$beir" --split "$split" --data "$work/data" --json 2>"$work/stderr") || fail
	printf '{"engine":"Dossier","run":%d,"build_s":%s,"eval":%s}\n' "$i" "$(awk "BEGIN { print $took / 1e9 }")" "$ev" >>"$out"
	echo "Dossier run $i: build $(awk "BEGIN { printf \"%.2f\", $took / 1e9 }") s; $ev" >&2
	"$python" "$root/docs/bench/peers.py" --beir "$beir" --split "$split" --runs 1 --first-run "$i" --json >>"$out"
done

echo "$(basename "$beir"), $split split: top 1,000 documents a query, one query at a time on one thread;"
echo "$runs runs on $(date -u +%Y-%m-%d); Dossier from $what; $("$python" -c 'import xapian, sqlite3; print("Xapian", xapian.version_string() + ", SQLite", sqlite3.sqlite_version)')"
echo
"$python" "$root/docs/bench/peers.py" --table "$out"
