#!/usr/bin/env bash
# What plain TCP achieves on the swarm benchmark's emulated network, with no BitTorrent at all: N client hosts
# (same namespaces, links and queues as run.sh, netns.sh) each send without pause to K others, chosen in a ring,
# and receive from K others, so every uplink and every downlink is offered more than it can carry. Prints the
# aggregate payload rate received against the links' capacity: the ceiling for any swarm's efficiency on that
# profile (bench/swarm/README.md). Needs root (namespaces).
#   bench/swarm/ceiling.sh [N (16)] [K (5)] [Mbit/s up (20)] [Mbit/s down (20)] [seconds (15)]
# TCP_CC=cubic|bbr|reno|system picks the senders' congestion control (default cubic, as swarm.py --cc).
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
n=${1:-16} k=${2:-5} up=${3:-20} down=${4:-20} secs=${5:-15}
[ "$k" -lt "$n" ] || { echo "K must be below N" >&2; exit 2; }
cc=${TCP_CC:-cubic}
[ "$cc" = system ] && cc=
export TCP_CC=$cc
prefix="hvcl-$$-"
cleanup() { "$here/netns.sh" down "$prefix" || true; }
trap cleanup EXIT
"$here/netns.sh" up "$prefix" "$n"
"$here/netns.sh" shape "$prefix" "$n" "$up" "$down" "$up" "$down"
out=$(mktemp -d)
pids=()
for i in $(seq 1 "$n"); do
  peers=()
  for j in $(seq 1 "$k"); do peers+=("10.199.1.$(( (i - 1 + j) % n + 1 ))"); done
  timeout $((secs + 30)) ip netns exec "${prefix}c$i" /usr/bin/python3 "$here/tcp_mesh.py" "10.199.1.$i" 3 "$secs" "${peers[@]}" \
    > "$out/c$i.json" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || true; done
/usr/bin/python3 - "$out" "$n" "$k" "$down" "${cc:-system default}" <<'PYEOF'
import glob, json, sys
out, n, k, down, cc = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
rows = [json.loads(open(f).read()) for f in glob.glob(out + '/c*.json') if open(f).read().strip()]
rates = sorted(r['received'] * 8 / r['seconds'] / 1e6 for r in rows)
total = sum(rates)
print('plain TCP (%s), %d hosts each sending to %d others: %d reported; payload received %.1f Mbit/s of %.0f (%.2f of '
      'the downlinks), per host min %.1f / median %.1f / max %.1f'
      % (cc, n, k, len(rows), total, n * down, total / (n * down), rates[0], rates[len(rates) // 2], rates[-1]))
PYEOF
rm -rf "$out"
