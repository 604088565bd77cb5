#!/usr/bin/env bash
# Sums the Surefire reports of every module and prints the skipped tests with their reasons.
cd "$(dirname "$(readlink -f "$0")")/.."
shopt -s nullglob
reports=(*/target/surefire-reports/TEST-*.xml)
tests=0 failures=0 errors=0 skipped=0
for r in "${reports[@]}"; do
  line=$(grep -m1 '<testsuite ' "$r")
  for k in tests failures errors skipped; do
    v=$(sed -n "s/.* $k=\"\([0-9]*\)\".*/\1/p" <<<"$line")
    declare "$k=$(( ${!k} + ${v:-0} ))"
  done
done
if [ "$skipped" -gt 0 ]; then
  echo "[WARNING] Skipped tests and why:"
  for r in "${reports[@]}"; do
    awk '/<testcase /{match($0,/name="[^"]*"/); n=substr($0,RSTART+6,RLENGTH-7); match($0,/classname="[^"]*"/); c=substr($0,RSTART+11,RLENGTH-12)}
         /<skipped/{m=""; if (match($0,/message="[^"]*"/)) m=substr($0,RSTART+9,RLENGTH-10); print "[WARNING]   " c "." n ": " m}' "$r"
  done
fi
# Tests that failed and then passed when Surefire ran them again (rerunFailingTestsCount in the root pom).
flakes=0
for r in "${reports[@]}"; do
  n=$(grep -c -E '<(flakyFailure|flakyError)' "$r")
  flakes=$((flakes + n))
done
if [ "$flakes" -gt 0 ]; then
  echo "[WARNING] Flaky tests (failed, then passed on a rerun):"
  for r in "${reports[@]}"; do
    awk '/<testcase /{match($0,/name="[^"]*"/); n=substr($0,RSTART+6,RLENGTH-7); match($0,/classname="[^"]*"/); c=substr($0,RSTART+11,RLENGTH-12)}
         /<flaky(Failure|Error)/{m=""; if (match($0,/message="[^"]*"/)) m=substr($0,RSTART+9,RLENGTH-10); print "[WARNING]   " c "." n ": " substr(m,1,300)}' "$r"
  done
fi
echo "[INFO] Results (all modules):"
if [ "$flakes" -gt 0 ]; then
  echo "[INFO] Tests run: $tests, Failures: $failures, Errors: $errors, Skipped: $skipped, Flakes: $flakes"
else
  echo "[INFO] Tests run: $tests, Failures: $failures, Errors: $errors, Skipped: $skipped"
fi
