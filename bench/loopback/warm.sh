#!/usr/bin/env bash
# Loopback benchmark, warm mode (issue 5): the same transfer as run.sh, but between two long-running processes
# (a hivebt session or a libtorrent session on each side), timed after a first, untimed transfer of the same file,
# so the figures are those of a daemon or a worker that lives for hours rather than of a fresh process. For hivebt
# that means the JIT compiler has done its work (run.sh's cold figures include about 5 CPU-s of it per pair).
# CPU is read from /proc/<pid>/stat (user+system, both processes) just before and after each timed transfer.
#   bench/loopback/warm.sh [size-MiB (default 1024)] [timed runs (default 3)]
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
root=$(cd "$here/../.." && pwd)
size_mib=${1:-1024}
runs=${2:-3}
work=${BENCH_DIR:-/tmp/hivebt-loopback}
py=/usr/bin/python3
$py -c 'import libtorrent' || { echo "needs python3-libtorrent"; exit 1; }
source "$root/scripts/jdk.sh"
jar="$root/bench/target/benchmarks.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root" -path '*/src/main/*' -newer "$jar" -not -path '*/target/*' -print -quit)" ]; then
  echo "building bench/target/benchmarks.jar..." >&2
  (cd "$root" && mvn -B -q -ntp -pl bench -am package -DskipTests) >&2
fi
source "$here/data.sh"
loopback_data "$work" "$size_mib"
tck=$(getconf CLK_TCK)

pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"/warm-*; }
trap cleanup EXIT

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

start_peer() { # kind port name -> sets fds in_<name>/out_<name>, pid_<name>
  local kind=$1 port=$2 name=$3 dir="$work/warm-$3"
  mkdir -p "$dir"; rm -f "$dir/in" "$dir/out"; mkfifo "$dir/in" "$dir/out"
  if [ "$kind" = lt ]; then
    $py "$here/lt_warm.py" "$port" < "$dir/in" > "$dir/out" 2> "$dir/err" &
  else
    "$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED \
      "${HIVEBT_JIT_FLAGS[@]}" ${HIVEBT_JAVA_OPTS:-} -cp "$jar" io.hivemind.bt.bench.loopback.WarmPeer "127.0.0.1:$port" \
      < "$dir/in" > "$dir/out" 2> "$dir/err" &
  fi
  pids+=($!)
  eval "pid_$name=$!"
}

results="$work/warm.tsv"
: > "$results"
port=33000
for kind in lt hv; do
  port=$((port + 2))
  start_peer "$kind" "$port" s; exec 5>"$work/warm-s/in" 6<"$work/warm-s/out"
  start_peer "$kind" $((port + 1)) d; exec 7>"$work/warm-d/in" 8<"$work/warm-d/out"
  echo "seed $torrent $work/src" >&5; read -r -t 120 ans <&6; [ "$ans" = ready ] || { echo "seeder: $ans" >&2; exit 1; }
  for n in $(seq 0 "$runs"); do
    dl="$work/warm-d/run$n"; mkdir -p "$dl"
    s0=$(cpu_ticks "$pid_s"); d0=$(cpu_ticks "$pid_d")
    echo "download $torrent $dl 127.0.0.1:$port" >&7
    if ! read -r -t 600 ans nanos <&8 || [ "$ans" != done ]; then
      { echo "$kind downloader failed (${ans:-no answer}); its stderr:"; tail -30 "$work/warm-d/err"
        echo "seeder's stderr:"; tail -30 "$work/warm-s/err"; } >&2
      exit 1
    fi
    s1=$(cpu_ticks "$pid_s"); d1=$(cpu_ticks "$pid_d")
    cmp -s "$data" "$dl/bench.bin" || { echo "copy differs ($kind run $n)" >&2; exit 1; }
    echo "remove" >&7; read -r -t 60 ans <&8
    rm -rf "$dl"
    if [ "$n" = 0 ]; then
      echo "$kind: warm-up transfer $(echo "scale=2; $nanos / 1000000000" | bc) s, CPU seeder $(((s1 - s0))) downloader $(((d1 - d0))) ticks" >&2
      continue
    fi
    printf "%s\t%s\t%s\t%s\n" "$kind" "$nanos" "$(echo "scale=3; ($s1 - $s0) / $tck" | bc)" "$(echo "scale=3; ($d1 - $d0) / $tck" | bc)" >> "$results"
    echo "$kind run $n: $(echo "scale=2; $nanos / 1000000000" | bc) s" >&2
  done
  echo quit >&5; echo quit >&7; exec 5>&- 6<&- 7>&- 8<&-
  wait "$pid_s" "$pid_d" 2>/dev/null || true
done
$py - "$results" "$size_mib" <<'PYEOF'
import sys, statistics
rows = [l.split('\t') for l in open(sys.argv[1]) if l.strip()]
size = float(sys.argv[2]) * 1048576
gib = size / 2**30
names = {'lt': 'libtorrent', 'hv': 'hivebt'}
print('| warm, seeder -> downloader | runs | MB/s | wall s | seeder CPU s/GiB | downloader CPU s/GiB | total CPU s/GiB |')
print('|---|---|---|---|---|---|---|')
stats = {}
for k in ['lt', 'hv']:
    r = [(int(n) / 1e9, float(s), float(d)) for kk, n, s, d in rows if kk == k]
    if not r:
        continue
    w = statistics.median(x[0] for x in r); sc = statistics.median(x[1] for x in r); dc = statistics.median(x[2] for x in r)
    stats[k] = (size / w / 1e6, (sc + dc) / gib)
    print('| %s -> %s | %d | %.0f | %.2f | %.2f | %.2f | %.2f |' % (names[k], names[k], len(r), size / w / 1e6, w, sc / gib, dc / gib, (sc + dc) / gib))
if len(stats) == 2:
    print()
    print('warm hivebt->hivebt vs libtorrent->libtorrent: throughput x%.2f (target >= 1.2), CPU per GiB x%.2f (target <= 0.8)'
          % (stats['hv'][0] / stats['lt'][0], stats['hv'][1] / stats['lt'][1]))
PYEOF
