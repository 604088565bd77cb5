#!/usr/bin/env bash
# Swarm benchmark (issue 11): time until N clients each hold a verified copy of an F-byte file, over an emulated
# network of Linux network namespaces with tc-shaped links: HTTP (nginx + curl) vs BitTorrent (hivebt,
# libtorrent, mixed swarms), against the lower bound T*. Needs root; touches nothing outside its namespaces.
#
#   bench/swarm/run.sh --quick           home profile, F = 16 MiB, N in {1, 4, 16}: about 5 minutes (README table)
#   bench/swarm/run.sh --full            N in {1, 2, 5, 10, 16, 24}, datacenter and home profiles, F = 32 MiB
#   bench/swarm/run.sh [driver options]  e.g. --n 16 --profiles home --scenarios hivebt,lt --runs 3
#                                        (see bench/swarm/swarm.py --help)
# Results: Markdown table, swarm.png and summary.txt in $SWARM_OUT (default bench/swarm/results/<time>).
# Every run is bounded (timeout per scenario, and SWARM_TIME_LIMIT seconds for the whole benchmark); the
# namespaces and every process in them are removed on exit, Ctrl-C and timeout.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
root=$(cd "$here/../.." && pwd)

[ "$(id -u)" = 0 ] || { echo "run.sh needs root (network namespaces, tc)" >&2; exit 1; }
for t in ip tc curl nginx mktorrent cmp; do
  command -v "$t" >/dev/null || { echo "needs $t (apt-get install -y iproute2 curl nginx-light mktorrent)" >&2; exit 1; }
done
/usr/bin/python3 -c 'import libtorrent' 2>/dev/null || { echo "needs python3-libtorrent" >&2; exit 1; }
/usr/bin/python3 -c 'import matplotlib' 2>/dev/null || echo "python3-matplotlib missing: no plot" >&2

args=()
mode=custom
for a in "$@"; do
  case "$a" in
    --quick) mode=quick ;;
    --full) mode=full ;;
    *) args+=("$a") ;;
  esac
done
case "$mode" in
  quick) preset=(--n 1,4,16 --profiles home --size-mib 16 --scenarios http,hivebt,lt) ; limit=${SWARM_TIME_LIMIT:-600} ;;
  full) preset=(--n 1,2,5,10,16,24 --profiles datacenter,home --size-mib 32 --scenarios http,hivebt,lt,mixed) ; limit=${SWARM_TIME_LIMIT:-7200} ;;
  *) preset=() ; limit=${SWARM_TIME_LIMIT:-3600} ;;
esac

# the largest N asked for decides how many client namespaces to create
all=("${preset[@]}" "${args[@]}")
nmax=24
for ((i = 0; i < ${#all[@]}; i++)); do
  if [ "${all[$i]}" = --n ]; then
    nmax=$(tr ',' '\n' <<<"${all[$((i + 1))]}" | sort -n | tail -1)
  fi
done

prefix="hvsw-$$-"
work=${SWARM_WORK:-/dev/shm/hvsw-$$}
out=${SWARM_OUT:-$here/results/$(date +%Y%m%d-%H%M%S)-$mode}
driver_pid=
cleanup() {
  trap - EXIT INT TERM
  if [ -n "$driver_pid" ]; then kill -TERM "$driver_pid" 2>/dev/null || true; fi
  "$here/netns.sh" down "$prefix" || true
  [ -n "${SWARM_KEEP_WORK:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "interrupted" >&2; exit 130' INT TERM

mkdir -p "$work" "$out"
"$here/netns.sh" up "$prefix" "$nmax"
echo "network: $prefix* ($nmax clients), work in $work, results in $out (time limit ${limit}s)" >&2
timeout --signal=TERM --kill-after=20 "$limit" /usr/bin/python3 "$here/swarm.py" --prefix "$prefix" --work "$work" \
  --out "$out" "--command=$*" "${preset[@]}" "${args[@]}" &
driver_pid=$!
wait "$driver_pid"
rc=$?
driver_pid=
exit $rc
