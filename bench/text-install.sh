#!/usr/bin/env bash
# Issue 4, the text engine inside an install: N generated messages (default 1,000,000) imported
# with `zhenggai import` (segmented, indexed, fingerprinted and grouped as written; wall time and
# peak memory from GNU time), then `zhenggai eval online`: reading every stored fingerprint into
# the node's index, matching one new message against everything stored, and two-word searches,
# p50/p99. SQLite, then PostgreSQL (a scratch database `zhenggai_bench`, dropped first).
# Usage: bench/text-install.sh [MESSAGES] [QUERIES]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
queries="${2:-1000}"
pg_admin="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
command -v psql >/dev/null || { apt-get update -qq && apt-get install -y -qq postgresql-client >/dev/null; }
cargo build -q --release -p zhenggai
z=target/release/zhenggai
work=target/bench-text-install
mkdir -p "$work" bench/results
data="$work/messages-$n.csv"
[ -f "$data" ] || $z eval generate --count "$n" --output "$data"
printf 'name,parent,code\n某市12345热线,,ROOT\n' > "$work/units.csv"
out="bench/results/text-install-$(date +%F)-$n.md"
run() { # backend, then the global options that select its database
  local backend="$1"; shift
  $z "$@" unit import "$work/units.csv" >/dev/null
  ZHENGGAI_PASSWORD=bench-password-1 $z "$@" user add --username bench --role admin --unit ROOT >/dev/null
  echo "## $backend"; echo; echo '```'
  /usr/bin/time -f "import_wall_seconds %e
import_peak_rss_kib %M" $z "$@" import --input "$data" --id-column id --text-column text --title-column title \
    --time-column time --likes-column likes 2>&1 | tr '\r' '\n' | grep -v '^导入中' | grep -v '^$'
  $z "$@" eval online --queries "$queries" --as bench
  echo '```'; echo
}
{
  echo "# The text engine in an install ($(date +%F), one run, $n generated messages, $queries queries)"
  echo
  rm -rf "$work/sqlite"
  run SQLite --data-dir "$work/sqlite"
  psql -q "$pg_admin" -c 'drop database if exists zhenggai_bench' -c 'create database zhenggai_bench'
  run PostgreSQL --data-dir "$work/pg" --database-url "${pg_admin%/*}/zhenggai_bench"
} | tee "$out"
