#!/usr/bin/env bash
# Private emulated network for the swarm benchmark: network namespaces on one bridge, links shaped with tc.
#
#   netns.sh up    <prefix> <clients>       create <prefix>sw (the bridge), <prefix>tr (tracker, 10.199.0.2),
#                                           <prefix>o (origin, 10.199.0.10) and <prefix>c1..cN (10.199.1.K)
#   netns.sh shape <prefix> <clients> <origin-up> <origin-down> <client-up> <client-down> [delay-ms] [loss-%]
#                                           rates in Mbit/s; upload = egress of the host's eth0, download =
#                                           egress of its bridge port; delay/loss need sch_netem
#   netns.sh down  <prefix>                 kill every process inside the namespaces, delete them
#   netns.sh netem                          exit 0 if this kernel has sch_netem
#
# Everything lives inside namespaces named <prefix>*: the bridge too, so nothing is added to the host's own
# namespace, and no namespace has a route anywhere but 10.199.0.0/16 (no default route: nothing can leave).
set -euo pipefail

SUBNET_BITS=16

host_ns() { # prefix name
  echo "$1$2"
}

ip_of() { # name -> address
  case "$1" in
    tr) echo 10.199.0.2 ;;
    o) echo 10.199.0.10 ;;
    c*) echo "10.199.1.${1#c}" ;;
    *) echo "unknown host $1" >&2; return 1 ;;
  esac
}

add_host() { # prefix name
  local p=$1 h=$2 ns
  ns=$(host_ns "$p" "$h")
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip -n "${p}sw" link add "p-$h" type veth peer name eth0 netns "$ns"
  ip -n "${p}sw" link set "p-$h" master br0
  ip -n "${p}sw" link set "p-$h" up
  ip -n "$ns" addr add "$(ip_of "$h")/$SUBNET_BITS" dev eth0
  ip -n "$ns" link set eth0 up
}

up() { # prefix clients
  local p=$1 n=$2
  [ "$n" -ge 1 ] && [ "$n" -le 250 ] || { echo "clients must be in [1, 250]" >&2; return 1; }
  ip netns add "${p}sw"
  ip -n "${p}sw" link set lo up
  ip -n "${p}sw" link add br0 type bridge
  # forward at once (no STP learning delay)
  ip -n "${p}sw" link set br0 type bridge forward_delay 0 stp_state 0
  ip -n "${p}sw" link set br0 up
  add_host "$p" tr
  add_host "$p" o
  for k in $(seq 1 "$n"); do
    add_host "$p" "c$k"
  done
}

shape_dev() { # ns dev rate-mbit delay-ms loss-%
  local ns=$1 dev=$2 rate=$3 delay=$4 loss=$5
  # queue: about 50 ms at the link rate (a home router's buffer), at least 64 KiB
  local qbytes=$(( rate * 1000000 / 8 / 20 ))
  [ "$qbytes" -lt 65536 ] && qbytes=65536
  tc -n "$ns" qdisc del dev "$dev" root 2>/dev/null || true
  tc -n "$ns" qdisc add dev "$dev" root handle 1: htb default 1
  tc -n "$ns" class add dev "$dev" parent 1: classid 1:1 htb rate "${rate}mbit" ceil "${rate}mbit" quantum 60000
  if [ "$delay" != 0 ] || [ "$loss" != 0 ]; then
    tc -n "$ns" qdisc add dev "$dev" parent 1:1 handle 10: netem delay "${delay}ms" loss "${loss}%" limit 10000
  else
    tc -n "$ns" qdisc add dev "$dev" parent 1:1 handle 10: bfifo limit "$qbytes"
  fi
}

shape() { # prefix clients ou od cu cd [delay loss]
  local p=$1 n=$2 ou=$3 od=$4 cu=$5 cd=$6 delay=${7:-0} loss=${8:-0}
  shape_dev "${p}o" eth0 "$ou" "$delay" "$loss"
  shape_dev "${p}sw" p-o "$od" "$delay" "$loss"
  for k in $(seq 1 "$n"); do
    shape_dev "${p}c$k" eth0 "$cu" "$delay" "$loss"
    shape_dev "${p}sw" "p-c$k" "$cd" "$delay" "$loss"
  done
}

down() { # prefix
  local p=$1 ns pids
  [ ${#p} -ge 6 ] || { echo "refusing a short prefix '$p'" >&2; return 1; }
  for ns in $(ip netns list | awk '{print $1}' | grep -F -- "$p" || true); do
    [[ "$ns" == "$p"* ]] || continue
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    [ -n "$pids" ] && kill -TERM $pids 2>/dev/null || true
  done
  sleep 0.5
  for ns in $(ip netns list | awk '{print $1}' | grep -F -- "$p" || true); do
    [[ "$ns" == "$p"* ]] || continue
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    [ -n "$pids" ] && kill -KILL $pids 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
}

netem() {
  local ns="hvsw-netem-$$"
  ip netns add "$ns"
  local ok=1
  tc -n "$ns" qdisc add dev lo root netem delay 1ms 2>/dev/null && ok=0
  ip netns del "$ns"
  return $ok
}

cmd=${1:-}
shift || true
case "$cmd" in
  up) up "$@" ;;
  shape) shape "$@" ;;
  down) down "$@" ;;
  netem) netem ;;
  *) sed -n '2,14p' "$0"; exit 2 ;;
esac
