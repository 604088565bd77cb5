# shellcheck shell=bash
# Sourced by run.sh and warm.sh: the benchmark's file and torrent, shared by both.
# loopback_data <work dir> <size MiB>: sets $data (a file of random bytes, made once, kept in the page cache) and
# $torrent (1 MiB pieces, made by mktorrent; made again whenever the file is).
loopback_data() {
  local work=$1 size_mib=$2
  mkdir -p "$work/src"
  data="$work/src/bench.bin"
  torrent="$work/bench.torrent"
  if [ ! -f "$data" ] || [ "$(stat -c %s "$data")" -ne $((size_mib * 1048576)) ]; then
    echo "creating a $size_mib MiB file..." >&2
    head -c $((size_mib * 1048576)) /dev/urandom > "$data"
    rm -f "$torrent"
  fi
  cat "$data" > /dev/null  # warm the page cache
  [ -f "$torrent" ] || mktorrent -l 20 -t 2 -o "$torrent" "$data" >/dev/null
}
