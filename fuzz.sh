#!/usr/bin/env bash
# Runs one Jazzer fuzz target for longer than CI does (CI only replays the committed inputs, in every test run).
#
#   ./fuzz.sh list                          every target: module, class, methods
#   ./fuzz.sh <Class>[#method] [minutes]    fuzz it (default 1 minute; every @FuzzTest method of the class in turn
#                                           when no method is named; fractions such as 0.5 are fine)
#
# The target class is looked up in every module's src/fuzz/java. Jazzer runs in fuzzing mode (JAZZER_FUZZ=1) with its
# run time set through JAZZER_MAX_DURATION, which overrides @FuzzTest(maxDuration) (Jazzer reads every option from a
# JAZZER_* variable or a jazzer.* property; the annotation only fills in an unset option).
# Afterwards the script
#   - prints libFuzzer's last status line: executions, coverage ("cov": edges, "ft": features) and corpus size;
#   - copies the new corpus entries Jazzer kept (in <module>/.cifuzz-corpus/, ignored by git) into
#     <module>/src/fuzz/resources/<package>/<Class>Inputs/<method>/, where every normal test run replays them;
#     at most FUZZ_KEEP (default 20) per run, smallest first;
#   - moves any crashing input there too (as regression-<sha1>), a regression input to commit with its fix, and
#     exits with status 1.
# Environment: FUZZ_KEEP (entries to keep, 0 = none), FUZZ_LEAK_LEVEL (Netty leak detection, default simple: the
# targets check reference counts themselves, and paranoid tracking makes fuzzing many times slower).
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")"
source scripts/jdk.sh

die() { echo "fuzz.sh: $*" >&2; exit 2; }

targets() { # module class-file
  find . -path '*/src/fuzz/java/*' -name '*FuzzTest.java' -not -path './.git/*' | sort
}

methods_of() { # file -> method names of @FuzzTest methods
  awk '/@FuzzTest/ {want=1; next} want && /void [A-Za-z0-9_]+\(/ { match($0, /void [A-Za-z0-9_]+\(/); m=substr($0, RSTART+5, RLENGTH-6); print m; want=0 }' "$1"
}

if [ "${1:-}" = "" ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi

if [ "$1" = "list" ]; then
  for f in $(targets); do
    module=${f#./}; module=${module%%/*}
    cls=$(basename "$f" .java)
    printf '%-8s %-34s %s\n' "$module" "$cls" "$(methods_of "$f" | paste -sd, -)"
  done
  exit 0
fi

target=$1
minutes=${2:-1}
cls=${target%%#*}
method=""
[ "$cls" != "$target" ] && method=${target#*#}
seconds=$(awk -v m="$minutes" 'BEGIN { s = int(m * 60 + 0.5); if (s < 1) s = 1; print s }')

file=$(targets | grep "/$cls.java$" | head -1)
[ -n "$file" ] || die "no fuzz target class $cls in any module's src/fuzz/java (try: ./fuzz.sh list)"
module=${file#./}; module=${module%%/*}
rel=${file#./$module/src/fuzz/java/}
pkgpath=$(dirname "$rel")
fqcn=$(echo "$pkgpath/$cls" | tr / .)
if [ -n "$method" ]; then
  methods_of "$file" | grep -qx "$method" || die "$cls has no @FuzzTest method $method (it has: $(methods_of "$file" | paste -sd' ' -))"
  methods=$method
else
  methods=$(methods_of "$file")
fi

keep=${FUZZ_KEEP:-20}
status=0
logdir=$module/target/fuzz-logs
mkdir -p "$logdir"
for m in $methods; do
  log=$logdir/$cls-$m.log
  inputs=$module/src/fuzz/resources/$pkgpath/${cls}Inputs/$m
  corpus=$module/.cifuzz-corpus/$fqcn/$m
  echo "fuzz.sh: $module $cls#$m for ${seconds}s (log: $log)" >&2
  JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${seconds}s" \
    mvn -B -ntp -o -pl "$module" -am test -Dtest="$cls#$m" -Dsurefire.failIfNoSpecifiedTests=false \
      -Dleak.level="${FUZZ_LEAK_LEVEL:-simple}" -Dsurefire.excludedGroups=none >"$log" 2>&1
  rc=$?
  out=$module/target/surefire-reports/$fqcn-output.txt
  stats=""
  if [ -f "$out" ]; then
    stats=$(cat "$out" "$log" 2>/dev/null | grep -aoE '#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)[^[]*' | tail -1)
    done_line=$(grep -aE '^Done [0-9]+ runs' "$out" | tail -1)
  fi
  execs=$(echo "$stats" | sed -n 's/^#\([0-9]*\).*/\1/p')
  cov=$(echo "$stats" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
  ft=$(echo "$stats" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
  corp=$(echo "$stats" | sed -n 's/.*corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p')
  eps=$(echo "$stats" | sed -n 's/.*exec\/s: \([0-9]*\).*/\1/p')

  # new corpus entries: smallest first, at most $keep
  added=0
  if [ -d "$corpus" ] && [ "$keep" -gt 0 ]; then
    mkdir -p "$inputs"
    while IFS= read -r f; do
      [ "$added" -ge "$keep" ] && break
      name=$(basename "$f")
      [ -e "$inputs/$name" ] && continue
      cp "$f" "$inputs/$name"
      added=$((added + 1))
    done < <(find "$corpus" -maxdepth 1 -type f -printf '%s %p\n' | sort -n | cut -d' ' -f2-)
  fi

  # crashing inputs: Jazzer's JUnit integration writes them into the standard layout, src/test/resources/<package>/
  # <Class>Inputs/<method>/crash-<sha1> (older versions: the module directory). They are moved to the replayed inputs
  # under src/fuzz/resources as regression-<sha1> ("crash-*" is ignored by git, for stray files).
  crashes=0
  while IFS= read -r f; do
    [ -n "$f" ] || continue
    mkdir -p "$inputs"
    name=regression-$(basename "$f" | sed 's/^crash-//')
    mv "$f" "$inputs/$name"
    echo "fuzz.sh: CRASH input saved as $inputs/$name (commit it with the fix)" >&2
    crashes=$((crashes + 1))
  done < <(find "$module" -maxdepth 1 -name 'crash-*' -newer "$log" 2>/dev/null; \
           find "$module/src/test/resources/$pkgpath/${cls}Inputs/$m" -maxdepth 1 -name 'crash-*' 2>/dev/null)
  rmdir -p "$module/src/test/resources/$pkgpath/${cls}Inputs/$m" 2>/dev/null || true

  printf 'fuzz.sh: %s#%s: %ss, %s executions (%s/s), cov %s, ft %s, corpus %s, %d new inputs kept, %d crashes, maven exit %d\n' \
    "$cls" "$m" "$seconds" "${execs:-?}" "${eps:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$added" "$crashes" "$rc"
  [ -n "${done_line:-}" ] && echo "fuzz.sh:   $done_line"
  if [ "$rc" -ne 0 ] || [ "$crashes" -gt 0 ]; then
    status=1
    grep -aE 'FuzzTestFindingException|== Java Exception|Caused by|ERROR\]' "$log" | head -20 >&2
  fi
done
exit $status
