# shellcheck shell=bash
# Sourced by ./hivebt, ./test.sh and the bench scripts: exports JAVA_HOME pointing at a JDK >= 25.
# Order: $JAVA_HOME if it is >= 25, then /usr/lib/jvm/*25*, then any newer JDK under /usr/lib/jvm,
# then the `java` on PATH. Fails with a message saying what to install.

_hivebt_jdk_major() { # prints the major version of the JDK at $1, or nothing
  local home=$1 v=""
  [ -x "$home/bin/java" ] || return 0
  if [ -f "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")
  fi
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p')
  fi
  echo "$v"
}

_hivebt_find_jdk() {
  local c m
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/*25* /usr/lib/jvm/* ; do
    [ -n "$c" ] && [ -d "$c" ] || continue
    m=$(_hivebt_jdk_major "$c")
    if [ -n "$m" ] && [ "$m" -ge 25 ] 2>/dev/null; then
      echo "$c"; return 0
    fi
  done
  if command -v java >/dev/null 2>&1; then
    c=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    m=$(_hivebt_jdk_major "$c")
    if [ -n "$m" ] && [ "$m" -ge 25 ] 2>/dev/null; then
      echo "$c"; return 0
    fi
  fi
  return 1
}

if ! HIVEBT_JDK=$(_hivebt_find_jdk); then
  echo "hivebt needs a JDK 25 or newer and found none (checked \$JAVA_HOME, /usr/lib/jvm and 'java' on PATH)." >&2
  echo "Install one, e.g. 'apt-get install temurin-25-jdk' (Adoptium repository) or unpack a JDK 25 and set JAVA_HOME." >&2
  exit 1
fi
export JAVA_HOME="$HIVEBT_JDK"
export PATH="$JAVA_HOME/bin:$PATH"

# JIT settings every hivebt process runs with (./hivebt, bench/loopback/warm.sh): smaller C2 inlining budgets
# (FreqInlineSize 325 -> 100, MaxInlineSize 35 -> 20) and five times the compile thresholds (only methods that
# stay hot get compiled) cut the JIT's work by about half; a cold 1 GiB loopback transfer costs ~40 % less CPU and
# a warm one no more (bench/loopback/README.md). Flags given later (HIVEBT_JAVA_OPTS) override these.
# shellcheck disable=SC2034
HIVEBT_JIT_FLAGS=(-XX:FreqInlineSize=100 -XX:MaxInlineSize=20 -XX:CompileThresholdScaling=5)
