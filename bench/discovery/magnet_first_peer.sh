#!/usr/bin/env bash
# Magnet time to first peer and to metadata, hivebt against libtorrent 2.0 in one loopback swarm (issue 7):
# our HTTP tracker, a DHT router and two seeders (hivebt and libtorrent); each repetition adds the magnet to a fresh
# hivebt session and two fresh libtorrent sessions (default settings, and tick_interval 100 ms), once through the
# tracker and once through the DHT. Prints a Markdown table of medians (min–max) and the hivebt/libtorrent ratios;
# per-repetition lines (with who the first peer was) go to results/discovery/magnet_first_peer.log.
#   bench/discovery/magnet_first_peer.sh [repetitions (default 7)]
# Needs /usr/bin/python3 with libtorrent (python3-libtorrent). Results also go to results/discovery/.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
source "$root/scripts/jdk.sh"
reps=${1:-7}
jar="$root/bench/target/benchmarks.jar"
out="$root/results/discovery"
mkdir -p "$out"
/usr/bin/python3 -c 'import libtorrent' || { echo "needs python3-libtorrent" >&2; exit 1; }
if [ ! -f "$jar" ] || [ -n "$(find "$root" -path '*/src/main/*' -newer "$jar" -not -path '*/target/*' -print -quit)" ]; then
  echo "magnet_first_peer.sh: building the benchmarks..." >&2
  (cd "$root" && mvn -B -q -ntp -pl bench -am package -DskipTests)
fi
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -Dio.netty.leakDetection.level=disabled \
  -Dhivebt.lt.script="$root/client/src/test/resources/io/hivemind/bt/client/interop/lt_discovery.py" \
  -cp "$jar" io.hivemind.bt.bench.discovery.MagnetFirstPeer "$reps" 2> "$out/magnet_first_peer.log" | tee "$out/magnet_first_peer.md"
