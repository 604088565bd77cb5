#!/usr/bin/env bash
# Loopback throughput benchmark, issue 5: one seeder, one downloader, one file, four pairings in one run:
#   libtorrent -> libtorrent, hivebt -> hivebt, hivebt seeder -> libtorrent, libtorrent seeder -> hivebt.
# Records wall time and CPU seconds (user+sys, GNU time) of each process; prints a Markdown table with ratios.
#   bench/loopback/run.sh [size-MiB (default 1024)] [runs per pairing (default 1)]
# PAIRS="hv:hv lt:lt" runs only some pairings (for experiments; the table needs lt:lt and hv:hv for its ratios).
# The file is created once under $BENCH_DIR (default /tmp/hivebt-loopback) and stays in the page cache.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
root=$(cd "$here/../.." && pwd)
size_mib=${1:-1024}
runs=${2:-1}
work=${BENCH_DIR:-/tmp/hivebt-loopback}
py=/usr/bin/python3
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)"; exit 1; }
$py -c 'import libtorrent' || { echo "needs python3-libtorrent"; exit 1; }
source "$root/scripts/jdk.sh"
source "$here/data.sh"
loopback_data "$work" "$size_mib"
HIVEBT_NO_BUILD=1 "$root/hivebt" --version >/dev/null

pids=()
cleanup() { for p in "${pids[@]:-}"; do pkill -TERM -P "$p" 2>/dev/null; kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

port=31000
results="$work/results.tsv"
: > "$results"
run_pair() { # seeder-kind downloader-kind
  local sk=$1 dk=$2 n=$3
  port=$((port + 2))
  local sport=$port dport=$((port + 1))
  local dl="$work/dl-$sk-$dk"
  rm -rf "$dl"; mkdir -p "$dl"
  local slog="$work/seed.time" dlog="$work/dl.time" sout="$work/seed.out"
  if [ "$sk" = lt ]; then
    /usr/bin/time -f "%e %U %S" -o "$slog" $py "$here/lt_peer.py" seed "$torrent" "$work/src" "$sport" > "$sout" 2>&1 &
  else
    HIVEBT_NO_BUILD=1 /usr/bin/time -f "%e %U %S" -o "$slog" "$root/hivebt" seed "$torrent" "$work/src" \
      --listen "127.0.0.1:$sport" --no-dht --no-lsd --skip-check --encryption DISABLED --json-progress > "$sout" 2>&1 &
  fi
  local spid=$!
  pids+=("$spid")
  # wait until the seeder listens
  for _ in $(seq 1 200); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$sport") 2>/dev/null; then break; fi
    sleep 0.05
  done
  local t0 t1
  t0=$(date +%s.%N)
  if [ "$dk" = lt ]; then
    /usr/bin/time -f "%e %U %S" -o "$dlog" timeout 600 $py "$here/lt_peer.py" download "$torrent" "$dl" "$dport" "127.0.0.1:$sport" > /dev/null
  else
    HIVEBT_NO_BUILD=1 /usr/bin/time -f "%e %U %S" -o "$dlog" timeout 600 "$root/hivebt" download "$torrent" -d "$dl" \
      --listen "127.0.0.1:$dport" --peer "127.0.0.1:$sport" --no-dht --no-lsd --encryption DISABLED --json-progress > /dev/null
  fi
  t1=$(date +%s.%N)
  # stop the seeder itself (the child of GNU time), so that time reports its CPU use
  pkill -TERM -P "$spid" 2>/dev/null || true
  wait "$spid" 2>/dev/null || true
  cmp -s "$data" "$dl/bench.bin" || { echo "copy differs for $sk->$dk" >&2; exit 1; }
  local wall; wall=$(echo "$t1 - $t0" | bc -l)
  read -r _ su ss < <(grep -E '^[0-9.]+ [0-9.]+ [0-9.]+$' "$slog" | tail -1)
  read -r dwall du ds < <(grep -E '^[0-9.]+ [0-9.]+ [0-9.]+$' "$dlog" | tail -1)
  printf "%s\t%s\t%s\t%s\t%s\t%s\n" "$sk" "$dk" "$wall" "$(echo "$su + $ss" | bc -l)" "$(echo "$du + $ds" | bc -l)" "$n" >> "$results"
  rm -rf "$dl"
}
for n in $(seq 1 "$runs"); do
  for pair in ${PAIRS:-lt:lt hv:hv hv:lt lt:hv}; do
    set -- ${pair/:/ }
    echo "run $n: $1 -> $2" >&2
    run_pair "$1" "$2" "$n"
  done
done
$py - "$results" "$size_mib" <<'PYEOF'
import sys, statistics
rows = [l.split('\t') for l in open(sys.argv[1]) if l.strip()]
size = float(sys.argv[2]) * 1048576
names = {'lt': 'libtorrent', 'hv': 'hivebt'}
by = {}
for s, d, wall, scpu, dcpu, n in rows:
    by.setdefault((s, d), []).append((float(wall), float(scpu), float(dcpu)))
print('| seeder -> downloader | MB/s | wall s | seeder CPU s/GiB | downloader CPU s/GiB | total CPU s/GiB |')
print('|---|---|---|---|---|---|')
stats = {}
gib = size / 2**30
for key in [('lt', 'lt'), ('hv', 'hv'), ('hv', 'lt'), ('lt', 'hv')]:
    if key not in by:
        continue
    w = statistics.median(x[0] for x in by[key]); sc = statistics.median(x[1] for x in by[key]); dc = statistics.median(x[2] for x in by[key])
    stats[key] = (size / w / 1e6, (sc + dc) / gib)
    print('| %s -> %s | %.0f | %.2f | %.2f | %.2f | %.2f |' % (names[key[0]], names[key[1]], size / w / 1e6, w, sc / gib, dc / gib, (sc + dc) / gib))
if ('lt', 'lt') in stats and ('hv', 'hv') in stats:
    tr = stats[('hv', 'hv')][0] / stats[('lt', 'lt')][0]
    cr = stats[('hv', 'hv')][1] / stats[('lt', 'lt')][1]
    print()
    print('hivebt->hivebt vs libtorrent->libtorrent: throughput x%.2f (target >= 1.2), CPU per GiB x%.2f (target <= 0.8)' % (tr, cr))
PYEOF
