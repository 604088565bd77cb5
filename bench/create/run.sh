#!/usr/bin/env bash
# Times torrent creation of one big file (in the page cache) with hivebt, mktorrent -t 2 and libtorrent in one run,
# JVM start included, and measures the hashing reference (openssl speed vs the JDK's MessageDigest via JMH).
#
#   bench/create/run.sh                 4 GiB file, 1 MiB pieces, v1, 5 runs each
#   SIZE_GIB=1 RUNS=3 bench/create/run.sh
#   KINDS="v1 v2 hybrid" bench/create/run.sh   also v2 and hybrid (hivebt vs libtorrent)
#   KEEP=1 bench/create/run.sh          keep the data file for the next run
#
# Needs: hyperfine, mktorrent, openssl, /usr/bin/python3 with python3-libtorrent. The machine is shared and noisy:
# read the ratios, which come from one run on the same file, rather than the absolute figures.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
cd "$here"
size_gib=${SIZE_GIB:-4}
runs=${RUNS:-5}
kinds=${KINDS:-v1}
file=${FILE:-/tmp/hivebt-bench-${size_gib}g.bin}
work=$(mktemp -d /tmp/hivebt-create-bench.XXXXXX)
cleanup() {
  rm -rf "$work"
  if [ "${KEEP:-0}" != 1 ] && [ -z "${FILE:-}" ]; then rm -f "$file"; fi
}
trap cleanup EXIT

for tool in hyperfine mktorrent openssl; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is not installed" >&2; exit 1; }
done
/usr/bin/python3 -c 'import libtorrent' 2>/dev/null || { echo "run.sh: python3-libtorrent is missing" >&2; exit 1; }

if [ ! -f "$file" ]; then
  need_kib=$(( (size_gib + 1) * 1024 * 1024 ))
  free_kib=$(df -Pk "$(dirname "$file")" | awk 'NR==2 {print $4}')
  if [ "$free_kib" -lt "$need_kib" ]; then
    echo "run.sh: not enough space in $(dirname "$file") for a ${size_gib} GiB file" >&2; exit 1
  fi
  echo "creating $file (${size_gib} GiB of random data)..." >&2
  head -c "${size_gib}G" /dev/urandom > "$file"
fi
mem_kib=$(awk '/MemAvailable/ {print $2}' /proc/meminfo)
if [ "$mem_kib" -lt $(( (size_gib + 1) * 1024 * 1024 )) ]; then
  echo "run.sh: warning: ${size_gib} GiB may not fit in the page cache (MemAvailable ${mem_kib} kB)" >&2
fi

echo "building hivebt..." >&2
./hivebt --version >/dev/null
cat "$file" > /dev/null; cat "$file" > /dev/null   # warm the page cache

cat > "$work/lt_create.py" <<'PY'
import os, sys
import libtorrent as lt
path, kind, out = sys.argv[1], sys.argv[2], sys.argv[3]
fs = lt.file_storage()
lt.add_files(fs, path)
flags = {'v1': lt.create_torrent.v1_only, 'v2': lt.create_torrent.v2_only, 'hybrid': 0}[kind]
ct = lt.create_torrent(fs, 1 << 20, flags)
lt.set_piece_hashes(ct, os.path.dirname(os.path.abspath(path)))
with open(out, 'wb') as f:
    f.write(lt.bencode(ct.generate()))
PY

echo
echo "== hashing reference, one core, 16 KiB blocks"
echo "   (openssl and JMH runs interleaved four times, best of each: the machine is shared)"
java_home=$(bash -c 'source scripts/jdk.sh >/dev/null 2>&1; echo $JAVA_HOME')
if [ ! -f bench/target/benchmarks.jar ]; then
  (mvn -B -q -ntp -DskipTests -pl bench -am package >"$work/bench-build.log" 2>&1) || { tail -20 "$work/bench-build.log"; exit 1; }
fi
jmh() { # other JMH runs on a shared machine hold /tmp/jmh.lock: run anyway
  "$java_home/bin/java" -Djmh.ignoreLock=true -jar bench/target/benchmarks.jar HashBenchmark -p size=16384 "$@" \
    >>"$work/jmh.log" 2>&1 || { tail -20 "$work/jmh.log" >&2; exit 1; }
}
for i in 1 2 3 4; do
  openssl speed -bytes 16384 -seconds 1 sha1 sha256 2>/dev/null | awk '/^sha1 |^sha256 / {print $1, $2}' >> "$work/openssl.txt"
  jmh -p implementation=jdk -wi 1 -w 1 -i 2 -r 1 -f 1 -rf json -rff "$work/jmh-$i.json"
done
jmh -p implementation=jdk,bouncycastle -wi 1 -w 1 -i 3 -r 1 -f 1 -rf json -rff "$work/jmh-bc.json"
/usr/bin/python3 - "$work" <<'PY'
import glob, json, sys
work = sys.argv[1]
openssl = {}
for line in open(work + '/openssl.txt'):
    name, value = line.split()
    alg = {'sha1': 'SHA-1', 'sha256': 'SHA-256'}[name]
    openssl[alg] = max(openssl.get(alg, 0), float(value.rstrip('k')) * 1000)
def best(files):
    out = {}
    for f in files:
        for r in json.load(open(f)):
            p = r['params']
            key = (p['algorithm'], p['implementation'])
            raw = [v for fork in r['primaryMetric']['rawData'] for v in fork]
            out[key] = max(out.get(key, 0), max(raw) * int(p['size']))
    return out
jdk = best(glob.glob(work + '/jmh-[0-9].json'))
side = best([work + '/jmh-bc.json'])
print(f"{'':8} {'openssl':>10} {'JDK':>10} {'JDK/openssl':>12} | same JMH run: {'JDK':>10} {'BouncyCastle':>13} {'JDK/BC':>7}")
for alg in ('SHA-1', 'SHA-256'):
    o, j = openssl[alg], jdk[(alg, 'jdk')]
    sj, sb = side[(alg, 'jdk')], side[(alg, 'bouncycastle')]
    print(f"{alg:8} {o / 1e9:6.2f} GB/s {j / 1e9:5.2f} GB/s {j / o:12.2f} | {'':13} {sj / 1e9:5.2f} GB/s "
          f"{sb / 1e9:8.2f} GB/s {sj / sb:7.1f}")
PY

for kind in $kinds; do
  echo
  echo "== creating a ${size_gib} GiB ${kind} torrent, 1 MiB pieces, file in the page cache, JVM start included"
  hivebt_flag=""; [ "$kind" = v2 ] && hivebt_flag="--v2"; [ "$kind" = hybrid ] && hivebt_flag="--hybrid"
  cmds=(-n "hivebt create" "HIVEBT_NO_BUILD=1 ./hivebt create $file -o $work/h.torrent -f -q --piece-size 1M $hivebt_flag")
  if [ "$kind" = v1 ]; then
    # mktorrent refuses to overwrite its output
    cmds+=(-n "mktorrent -t 2" "rm -f $work/m.torrent; mktorrent -l 20 -t 2 -o $work/m.torrent $file")
  fi
  cmds+=(-n "libtorrent" "/usr/bin/python3 $work/lt_create.py $file $kind $work/l.torrent")
  hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$work/$kind.json" "${cmds[@]}" >/dev/null
  /usr/bin/python3 - "$work/$kind.json" "$size_gib" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))['results']
size = int(sys.argv[2]) * (1 << 30)
base = results[0]['mean']
print(f"{'command':16} {'mean':>8} {'± sd':>7} {'min':>7} {'GB/s':>6} {'user+sys':>9} {'vs hivebt':>10}")
for r in results:
    cpu = r['user'] + r['system']
    print(f"{r['command']:16} {r['mean']:7.2f}s {r['stddev']:6.2f}s {r['min']:6.2f}s {size / r['mean'] / 1e9:6.2f} "
          f"{cpu:8.2f}s {r['mean'] / base:9.2f}x")
PY
  if [ "$kind" = v1 ]; then
    a=$(/usr/bin/python3 -c "import libtorrent as lt; print(lt.torrent_info('$work/h.torrent').info_hash())")
    b=$(/usr/bin/python3 -c "import libtorrent as lt; print(lt.torrent_info('$work/m.torrent').info_hash())")
    c=$(/usr/bin/python3 -c "import libtorrent as lt; print(lt.torrent_info('$work/l.torrent').info_hash())")
    echo "info-hashes: hivebt $a, mktorrent $b, libtorrent $c"
    [ "$a" = "$b" ] && [ "$a" = "$c" ] || { echo "run.sh: the info-hashes differ" >&2; exit 1; }
  fi
done
echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (other work on the machine skews absolute figures)"
