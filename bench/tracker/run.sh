#!/usr/bin/env bash
# Tracker benchmark: opentracker and hivebt's tracker on loopback, side by side in one run.
#
#   bench/tracker/run.sh                      # 100,000 swarms, 1,000,000 peers, 3 rounds of 10 s per test
#   ROUNDS=5 DURATION=20 bench/tracker/run.sh
#
# For each tracker: populate it with SWARMS x PEERS_PER_SWARM peers over UDP (UdpAnnounceLoad populate), report
# memory (hivebt: heap used after a full GC, and RSS; opentracker: RSS), then measure, alternating between the
# two trackers for ROUNDS rounds:
#   UDP   UdpAnnounceLoad load: CLIENTS closed-loop clients, connect + announce (BEP 15)
#   HTTP  wrk with announce.lua (keep-alive where the tracker allows it; opentracker closes every connection)
#   HTTP/close  the same with "Connection: close" for both, one TCP connection per announce
# Every announce re-announces a populated peer, so memory stays put. The table reports medians over the rounds
# of announces/s and p99 latency, and each tracker's CPU use during the test (from /proc), which says whether the
# tracker or the load generator was the bottleneck, and announces per tracker CPU-second (rate / CPU share), the
# figure that survives a machine shared with other work. With PIN=1 (default) each tracker runs on CPU 1 and the
# load generators on CPU 0, so the comparison is per core. TESTS picks a subset ("udp http http_close").
#
# Needs: opentracker, wrk, curl, taskset, JDK 25 (found by scripts/jdk.sh). Builds bench/target/benchmarks.jar
# when missing or older than the sources.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/scripts/jdk.sh"

SWARMS=${SWARMS:-100000}
PEERS_PER_SWARM=${PEERS_PER_SWARM:-10}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
CLIENTS=${CLIENTS:-256}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-64}
PIN=${PIN:-1}
HIVEBT_HEAP=${HIVEBT_HEAP:-256m}
TESTS=${TESTS:-udp http http_close}
export SWARMS PEERS_PER_SWARM

for p in opentracker wrk curl taskset; do
  command -v "$p" >/dev/null || { echo "run.sh: $p is not installed" >&2; exit 1; }
done

jar="$root/bench/target/benchmarks.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root" -maxdepth 6 -path '*/src/main/*' -newer "$jar" -not -path '*/target/*' -print -quit)" ]; then
  echo "run.sh: building $jar ..." >&2
  (cd "$root" && mvn -B -q -ntp -o -DskipTests -pl bench -am package) >&2
fi

work=$(mktemp -d /tmp/hivebt-trackerbench.XXXXXX)
chmod 755 "$work" # opentracker drops to "nobody" and must read its whitelist
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

if [ "$PIN" = 1 ] && [ "$(nproc)" -ge 2 ]; then
  on_tracker=(taskset -c 1)
  on_load=(taskset -c 0)
else
  on_tracker=()
  on_load=()
fi

java_opts=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
load() { "${on_load[@]}" "$JAVA_HOME/bin/java" "${java_opts[@]}" -Xmx256m -cp "$jar" io.hivemind.bt.bench.tracker.UdpAnnounceLoad "$@"; }

free_port() {
  python3 - <<'EOF'
import socket
for _ in range(100):
    t = socket.socket(); t.bind(('127.0.0.1', 0)); port = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(('127.0.0.1', port)); print(port); break
    except OSError:
        pass
    finally:
        u.close(); t.close()
EOF
}

wait_http() { # url
  local i
  for i in $(seq 1 200); do
    curl -s -o /dev/null --max-time 1 "$1" && return 0
    sleep 0.1
  done
  echo "run.sh: $1 did not come up" >&2
  return 1
}

cpu_ticks() { # pid -> utime+stime in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat"
}

rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

echo "run.sh: whitelist of $SWARMS info-hashes" >&2
load whitelist --swarms "$SWARMS" --out "$work/whitelist.txt"
chmod 644 "$work/whitelist.txt"

# --- opentracker -------------------------------------------------------------------------------------------
ot_port=$(free_port)
{
  echo "listen.tcp_udp 127.0.0.1:$ot_port"
  echo "access.whitelist $work/whitelist.txt"
  echo "access.stats 127.0.0.1"
  [ "$(id -u)" = 0 ] && echo "tracker.user nobody"
} > "$work/opentracker.conf"
"${on_tracker[@]}" opentracker -f "$work/opentracker.conf" > "$work/opentracker.log" 2>&1 &
ot_pid=$!
pids+=("$ot_pid")

# --- hivebt ------------------------------------------------------------------------------------------------
hv_port=$(free_port)
"${on_tracker[@]}" "$JAVA_HOME/bin/java" "${java_opts[@]}" -Xmx"$HIVEBT_HEAP" -XX:+UseSerialGC \
  -cp "$jar" io.hivemind.bt.client.cli.Main tracker --bind 127.0.0.1 --http-port "$hv_port" --udp-port "$hv_port" \
  --whitelist "$work/whitelist.txt" --announce-interval 1800 --min-interval 900 --threads 1 \
  > "$work/hivebt.log" 2>&1 &
hv_pid=$!
pids+=("$hv_pid")

wait_http "http://127.0.0.1:$ot_port/stats?mode=peer"
wait_http "http://127.0.0.1:$hv_port/stats"

declare -A port=([opentracker]=$ot_port [hivebt]=$hv_port)
declare -A pid=([opentracker]=$ot_pid [hivebt]=$hv_pid)
declare -A R # results

peers_held() {
  if [ "$1" = opentracker ]; then
    curl -s "http://127.0.0.1:${port[$1]}/stats?mode=peer" | head -1
  else
    curl -s "http://127.0.0.1:${port[$1]}/stats" | sed -n 's/.*"peers":\([0-9]*\).*/\1/p'
  fi
}

swarms_held() {
  if [ "$1" = opentracker ]; then
    curl -s "http://127.0.0.1:${port[$1]}/stats?mode=torr" | head -1
  else
    curl -s "http://127.0.0.1:${port[$1]}/stats" | sed -n 's/.*"swarms":\([0-9]*\).*/\1/p'
  fi
}

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }

for t in opentracker hivebt; do
  echo "run.sh: populating $t with $SWARMS swarms x $PEERS_PER_SWARM peers" >&2
  out=$(load populate --target "127.0.0.1:${port[$t]}" --swarms "$SWARMS" --peers-per-swarm "$PEERS_PER_SWARM" \
        --clients "$CLIENTS" --max-seconds 600)
  echo "  $out" >&2
  R[$t,populate_rate]=$(echo "$out" | field rate)
  R[$t,swarms]=$(swarms_held "$t")
  R[$t,peers]=$(peers_held "$t")
done

# Memory once populated.
R[opentracker,rss]=$(rss_mb "$ot_pid")
heap_used_mb() { # full GC, then the heap in use, from jcmd (retried: attaching is slow on a busy machine)
  local i info
  for i in 1 2 3; do
    if jcmd "$hv_pid" GC.run > "$work/jcmd.log" 2>&1 && info=$(jcmd "$hv_pid" GC.heap_info 2>> "$work/jcmd.log"); then
      # G1 prints one "total ..., used NK" line; Serial and Parallel print one per generation: add them up.
      echo "$info" | awk '/total/ && match($0, / used [0-9]+K/) {u += substr($0, RSTART + 6, RLENGTH - 7)} END {printf "%.0f", u / 1024}'
      return 0
    fi
    sleep 2
  done
  echo "run.sh: jcmd failed: $(tail -3 "$work/jcmd.log")" >&2
  echo "?"
}
R[hivebt,heap]=$(heap_used_mb)
R[hivebt,rss]=$(rss_mb "$hv_pid")

hz=$(getconf CLK_TCK)
median() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'; }

wrk_run() { # tracker close(0|1) -> "rate p99_us"
  local out p99
  out=$(CLOSE=$2 "${on_load[@]}" wrk -t1 -c"$WRK_CONNECTIONS" -d"${DURATION}s" --latency -s "$here/announce.lua" \
        "http://127.0.0.1:${port[$1]}/")
  echo "$out" | grep -E 'Non-2xx|Socket errors' >&2 || true
  p99=$(echo "$out" | awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); print v} else if (v ~ /ms$/) {sub(/ms/,"",v); print v*1000} else if (v ~ /s$/) {sub(/s/,"",v); print v*1000000}}')
  echo "$(echo "$out" | awk '/Requests\/sec/ {print $2}') ${p99:-0}"
}

for round in $(seq 1 "$ROUNDS"); do
  for test in $TESTS; do
    for t in opentracker hivebt; do
      c0=$(cpu_ticks "${pid[$t]}")
      s0=$(date +%s.%N)
      case $test in
        udp)
          out=$(load load --target "127.0.0.1:${port[$t]}" --swarms "$SWARMS" --peers-per-swarm "$PEERS_PER_SWARM" \
                --clients "$CLIENTS" --seconds "$DURATION" --warmup-seconds 2)
          rate=$(echo "$out" | field rate); p99=$(echo "$out" | field p99_us)
          R[$t,$test,gen,$round]=$(echo "$out" | field loadgen_cpu_s)
          ;;
        http) read -r rate p99 < <(wrk_run "$t" 0) ;;
        http_close) read -r rate p99 < <(wrk_run "$t" 1) ;;
      esac
      c1=$(cpu_ticks "${pid[$t]}")
      s1=$(date +%s.%N)
      R[$t,$test,rate,$round]=$rate
      R[$t,$test,p99,$round]=$p99
      R[$t,$test,cpu,$round]=$(awk -v a="$c0" -v b="$c1" -v hz="$hz" -v t0="$s0" -v t1="$s1" 'BEGIN {printf "%.0f", 100 * (b - a) / hz / (t1 - t0)}')
      # Announces per CPU-second of the tracker: the rate divided by the share of a core it used over the test.
      R[$t,$test,eff,$round]=$(awk -v r="$rate" -v a="$c0" -v b="$c1" -v hz="$hz" -v t0="$s0" -v t1="$s1" 'BEGIN {c = (b - a) / hz / (t1 - t0); if (c > 0) printf "%.0f", r / c; else print 0}')
      echo "run.sh: round $round $test $t: ${rate}/s p99 ${p99} us, tracker CPU ${R[$t,$test,cpu,$round]}%" >&2
    done
  done
done

med() { # tracker test key
  local r vals=()
  for r in $(seq 1 "$ROUNDS"); do vals+=("${R[$1,$2,$3,$r]}"); done
  printf '%s\n' "${vals[@]}" | median
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a > 0) printf "%.2f", b / a; else print "n/a"}'; }

echo
echo "### Tracker benchmark ($(date -u +%Y-%m-%d), $(nproc) CPUs, PIN=$PIN, $ROUNDS rounds of ${DURATION} s, medians)"
echo
echo "Held: opentracker ${R[opentracker,swarms]} swarms / ${R[opentracker,peers]} peers; hivebt ${R[hivebt,swarms]} swarms / ${R[hivebt,peers]} peers."
echo
echo "| test | metric | opentracker | hivebt | hivebt / opentracker |"
echo "|---|---|---:|---:|---:|"
for test in $TESTS; do
  case $test in
    udp) label="UDP ($CLIENTS clients)";;
    http) label="HTTP (wrk -c$WRK_CONNECTIONS)";;
    http_close) label="HTTP, Connection: close";;
  esac
  a=$(med opentracker $test rate); b=$(med hivebt $test rate)
  echo "| $label | announces/s | $a | $b | $(ratio "$a" "$b") |"
  a=$(med opentracker $test p99); b=$(med hivebt $test p99)
  echo "| $label | p99 latency (µs) | $a | $b | $(ratio "$a" "$b") |"
  echo "| $label | tracker CPU (% of a core) | $(med opentracker $test cpu) | $(med hivebt $test cpu) | |"
  a=$(med opentracker $test eff); b=$(med hivebt $test eff)
  echo "| $label | announces per tracker CPU-second | $a | $b | $(ratio "$a" "$b") |"
done
echo "| populate (UDP, cold) | announces/s | ${R[opentracker,populate_rate]} | ${R[hivebt,populate_rate]} | $(ratio "${R[opentracker,populate_rate]}" "${R[hivebt,populate_rate]}") |"
echo "| memory | MiB | RSS ${R[opentracker,rss]} | heap used ${R[hivebt,heap]} (after full GC), RSS ${R[hivebt,rss]} | |"
echo
echo "UDP load generator CPU (s per ${DURATION} s run, median): opentracker $(med opentracker udp gen), hivebt $(med hivebt udp gen)."
echo "A tracker well under 100 % CPU while pinned means the load generator, not the tracker, set the pace."
