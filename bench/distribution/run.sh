#!/usr/bin/env bash
# Distribution benchmark (issue 10): one coordinator (`hivebt publish`) sends a model to N workers (`hivebt worker`)
# over an emulated network — Linux network namespaces on one bridge, every host's uplink shaped with tc (htb +
# bfifo), the coordinator's uplink at the same rate as each worker's — and reports how long it took against the
# lower bound T* = max(F/u_c, N*F/(u_c + N*u_w)) and how many bytes the coordinator uploaded (origin upload ratio).
# Targets from the issue: ratio <= 2.0 and time <= 1.25 T*.
#
#   bench/distribution/run.sh                     F = 256 MiB, N = 16, 20 Mbit/s
#   bench/distribution/run.sh --size-mib 32 --workers 4 --rate-mbit 50   a quick check
#   options: --size-mib F --workers N --rate-mbit U [--down-mbit D (default: unshaped)] [--slots S (origin upload
#            slots, default: the session's)] [--worker-slots W (each worker's upload slots, default: hivebt worker's)]
#            [--torrent-version v1|v2|hybrid] [--piece-size 256k] [--time-limit s]
#            [--work DIR] [--keep]
#
# Needs root (namespaces, tc) and the built client (client/target/hivebt.jar; built if missing). Nothing leaves the
# namespaces (10.198.0.0/16, no default route); the namespaces and every process in them are removed on exit,
# Ctrl-C and timeout. Results: a line per run appended to bench/distribution/results.txt, logs in the work dir.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/scripts/jdk.sh"

size_mib=256 workers=16 rate=20 down=0 slots=0 wslots=0 tv=hybrid piece=0 limit=1800 work= keep=
while [ $# -gt 0 ]; do
  case "$1" in
    --size-mib) size_mib=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --rate-mbit) rate=$2; shift 2 ;;
    --down-mbit) down=$2; shift 2 ;;
    --slots) slots=$2; shift 2 ;;
    --worker-slots) wslots=$2; shift 2 ;;
    --torrent-version) tv=$2; shift 2 ;;
    --piece-size) piece=$2; shift 2 ;;
    --time-limit) limit=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    *) sed -n '2,18p' "$0"; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "run.sh needs root (network namespaces, tc)" >&2; exit 1; }
[ "$workers" -ge 1 ] && [ "$workers" -le 200 ] || { echo "--workers is 1..200" >&2; exit 2; }

# the system python: a pyenv shim costs seconds per start on a loaded machine, which starved the 2 s timeline
py=/usr/bin/python3
[ -x "$py" ] || py=python3
jar="$root/client/target/hivebt.jar"
if [ ! -f "$jar" ]; then
  echo "building the client..." >&2
  (cd "$root" && mvn -B -q -ntp -o -DskipTests -Djacoco.skip=true -pl client -am package)
fi
java=("$JAVA_HOME/bin/java" -XX:+UseSerialGC -Xmx256m -XX:MaxDirectMemorySize=256m
      --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -jar "$jar")

p="hvdist$$"                       # namespace prefix: ${p}sw (bridge), ${p}o (coordinator), ${p}w1..N
work=${work:-/tmp/hivebt-dist-bench-$$}
token="bench-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
ns_list=()
monitor=

cleanup() {
  trap - EXIT INT TERM
  [ -n "$monitor" ] && kill "$monitor" 2>/dev/null || true
  for ns in "${ns_list[@]}"; do
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    [ -n "$pids" ] && kill -TERM $pids 2>/dev/null || true
  done
  sleep 1
  for ns in "${ns_list[@]}"; do
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    [ -n "$pids" ] && kill -KILL $pids 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
  [ -n "$keep" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "interrupted" >&2; exit 130' INT TERM

# ---------------------------------------------------------------- network
mk_ns() { ip netns add "$1"; ns_list+=("$1"); ip -n "$1" link set lo up; }
mk_ns "${p}sw"
ip -n "${p}sw" link add br0 type bridge
ip -n "${p}sw" link set br0 type bridge forward_delay 0 stp_state 0
ip -n "${p}sw" link set br0 up

shape() { # ns dev mbit: htb at the rate, a bfifo of ~50 ms behind it
  local q=$(( $3 * 1000000 / 8 / 20 ))
  [ "$q" -lt 65536 ] && q=65536
  tc -n "$1" qdisc add dev "$2" root handle 1: htb default 1
  tc -n "$1" class add dev "$2" parent 1: classid 1:1 htb rate "$3mbit" ceil "$3mbit" quantum 60000
  tc -n "$1" qdisc add dev "$2" parent 1:1 handle 10: bfifo limit "$q"
}

add_host() { # name address
  local ns="${p}$1"
  mk_ns "$ns"
  ip -n "${p}sw" link add "p-$1" type veth peer name eth0 netns "$ns"
  ip -n "${p}sw" link set "p-$1" master br0
  ip -n "${p}sw" link set "p-$1" up
  ip -n "$ns" addr add "$2/16" dev eth0
  ip -n "$ns" link set eth0 up
  shape "$ns" eth0 "$rate"                                   # uplink
  [ "$down" != 0 ] && shape "${p}sw" "p-$1" "$down"          # downlink, if asked
  return 0
}
coord_ip=10.198.0.10
add_host o "$coord_ip"
for k in $(seq 1 "$workers"); do
  add_host "w$k" "10.198.1.$k"
done

# ---------------------------------------------------------------- data and keys
mkdir -p "$work/model" "$work/logs"
echo "writing a ${size_mib} MiB model..." >&2
head -c $(( size_mib * 1048576 )) /dev/urandom > "$work/model/weights.bin"
keys=$("${java[@]}" publish --generate-key --channel-name bench)
key=$(awk '/secret/ {print $4}' <<<"$keys")
pub=$(awk '/public/ {print $3}' <<<"$keys")
[ -n "$key" ] && [ -n "$pub" ] || { echo "cannot make a channel key: $keys" >&2; exit 1; }

# ---------------------------------------------------------------- workers, then the coordinator
ids=()
wextra=()
[ "$wslots" != 0 ] && wextra+=(--upload-slots "$wslots")
for k in $(seq 1 "$workers"); do
  ids+=("w$k")
  ip netns exec "${p}w$k" "${java[@]}" worker --channel "$pub" --dir "$work/w$k" --id "w$k" \
    --coordinator "http://$coord_ip:8080" --token "$token" --listen "10.198.1.$k:6881" --web "10.198.1.$k:8081" \
    --dht-bootstrap "$coord_ip:6881" --no-lsd --check-in-interval 1s --report-interval 1s --poll-interval 10s "${wextra[@]}" \
    >"$work/logs/w$k.out" 2>"$work/logs/w$k.err" &
done
for k in $(seq 1 "$workers"); do
  for _ in $(seq 1 600); do grep -q "api=" "$work/logs/w$k.out" 2>/dev/null && break; sleep 0.2; done
  grep -q "api=" "$work/logs/w$k.out" || { echo "worker w$k did not start:" >&2; tail -5 "$work/logs/w$k.err" >&2; exit 1; }
done
echo "$workers workers up; starting the coordinator" >&2

extra=()
[ "$slots" != 0 ] && extra+=(--upload-slots "$slots")
[ "$piece" != 0 ] && extra+=(--piece-size "$piece")
to=$(IFS=,; echo "${ids[*]}")
tc_before=$(tc -s -n "${p}o" qdisc show dev eth0 | awk '/^qdisc htb/ {getline; print $2; exit}')
load_before=$(cut -d' ' -f1 /proc/loadavg)
cpu_before=$(head -1 /proc/stat)
start=$(date +%s.%N)
# a timeline of the distribution (origin upload, per-worker progress, completions) every 2 s, from the coordinator API
(
  for _ in $(seq 1 3000); do
    id=$(sed -n 's/.*distribution=\([0-9a-f]\{40\}\).*/\1/p' "$work/logs/coordinator.out" 2>/dev/null | head -1)
    [ -n "$id" ] && break
    sleep 0.5
  done
  while [ -n "${id:-}" ]; do
    t=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    ip netns exec "${p}o" curl -s -m 10 -H "Authorization: Bearer $token" "http://$coord_ip:8080/api/distributions/$id" \
      | $py -c "
import json, sys
try:
    d = json.load(sys.stdin)
except Exception:
    sys.exit(0)
ps = sorted(w['progress'] for w in d['workers'])
done = [w['worker'] for w in d['workers'] if w['state'] == 'complete']
print(f\"t=$t origin_ratio={d['origin_upload_ratio']:.3f} complete={len(done)} progress_min={ps[0] if ps else 0:.3f} \"
      f\"median={ps[len(ps) // 2] if ps else 0:.3f} max={ps[-1] if ps else 0:.3f} done={','.join(done)}\")
" >>"$work/logs/timeline.txt" 2>/dev/null || true
    sleep 2
  done
) &
monitor=$!
timeout --signal=TERM --kill-after=20 "$limit" ip netns exec "${p}o" "${java[@]}" publish --channel-key "$key" \
  --state "$work/coord" --listen "$coord_ip:6881" --web "$coord_ip:8080" --tracker "$coord_ip:6969" \
  --token "$token" --no-lsd --dht-bootstrap "$coord_ip:6881" --torrent-version "$tv" --to "$to" \
  --exit-when-done --timeout "${limit}s" --meta version=bench --meta framework=none "${extra[@]}" "$work/model" \
  >"$work/logs/coordinator.out" 2>"$work/logs/coordinator.err" || true
end=$(date +%s.%N)
load_after=$(cut -d' ' -f1 /proc/loadavg)
cpu_after=$(head -1 /proc/stat)
# the machine's idle CPU during the run (near 0: the figures are CPU-bound, not link-bound) and the CPU seconds the
# workers used (still running: read from /proc before the cleanup)
idle=$(awk -v a="$cpu_before" -v b="$cpu_after" 'BEGIN { n = split(a, x, " "); split(b, y, " "); t = 0
  for (i = 2; i <= n; i++) t += y[i] - x[i]; printf "%.0f", (t > 0 ? 100 * (y[5] + y[6] - x[5] - x[6]) / t : 0) }')
wcpu=0
for k in $(seq 1 "$workers"); do
  for pid in $(ip netns pids "${p}w$k" 2>/dev/null); do
    wcpu=$(( wcpu + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0) ))
  done
done
wcpu=$(( wcpu / $(getconf CLK_TCK) ))
kill "$monitor" 2>/dev/null || true
tc_after=$(tc -s -n "${p}o" qdisc show dev eth0 | awk '/^qdisc htb/ {getline; print $2; exit}')
cat "$work/logs/coordinator.out" >&2

done_line=$(grep "hivebt publish: done:" "$work/logs/coordinator.out" || true)
[ -n "$done_line" ] || { echo "the coordinator did not finish:" >&2; tail -20 "$work/logs/coordinator.err" >&2; exit 1; }
elapsed_ms=$(sed -n 's/.*elapsed_ms=\([0-9]*\).*/\1/p' <<<"$done_line")
ratio=$(sed -n 's/.*origin_upload_ratio=\([0-9.]*\).*/\1/p' <<<"$done_line")
complete=$(sed -n 's/.*done: \([0-9]*\) complete.*/\1/p' <<<"$done_line")
size=$(( size_mib * 1048576 ))
wire=$(( ${tc_after:-0} - ${tc_before:-0} ))

# when each worker completed (from the timeline): first, median, last
if [ -f "$work/logs/timeline.txt" ]; then
  $py - "$work/logs/timeline.txt" <<'EOF2' >&2 || true
import sys
seen = {}
for line in open(sys.argv[1]):
    f = dict(x.split('=', 1) for x in line.split())
    for w in filter(None, f.get('done', '').split(',')):
        seen.setdefault(w, float(f['t']))
ts = sorted(seen.values())
if ts:
    print(f"workers seen complete in the 2 s timeline (s after the coordinator started; the last ones may finish after"
          f" its last sample): {len(ts)}, first {ts[0]:.0f}, median {ts[len(ts) // 2]:.0f}, last {ts[-1]:.0f}")
EOF2
  cp "$work/logs/timeline.txt" "$here/last-timeline.txt"
fi

# verify every copy byte for byte
bad=0
for k in $(seq 1 "$workers"); do
  cmp -s "$work/model/weights.bin" "$work/w$k/models/bench/current/weights.bin" || { echo "w$k: copy differs" >&2; bad=$((bad + 1)); }
done

$py - "$size" "$rate" "$workers" "$elapsed_ms" "$ratio" "$wire" "$complete" "$bad" "$slots/$wslots" "$tv" "$size_mib" \
  "$load_before/$load_after/$(nproc)" "$idle" "$wcpu" <<'EOF' | tee -a "$here/results.txt"
import sys, datetime
size, rate, n, elapsed_ms, ratio, wire, complete, bad, slots, tv, mib, load, idle, wcpu = sys.argv[1:]
F = int(size) * 8 / 1e6                        # Mbit
u = float(rate); n = int(n)
bound = max(F / u, n * F / (u + n * u))        # u_c = u_w = u
t = int(elapsed_ms) / 1000
print(f"{datetime.datetime.now():%Y-%m-%d %H:%M} F={mib}MiB N={n} u={u:g}Mbit/s {tv} slots origin/worker={slots} (0: default): "
      f"time {t:.1f}s, bound {bound:.1f}s, time/bound {t / bound:.2f} (target <= 1.25); "
      f"origin upload ratio {float(ratio):.2f} payload, {int(wire) / int(size):.2f} on the wire (target <= 2.0); "
      f"{complete}/{n} complete, {bad} bad copies; load average before/after/cores {load}, machine idle {idle}%, "
      f"workers' CPU {wcpu} s")
EOF
