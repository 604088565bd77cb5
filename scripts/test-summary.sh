#!/usr/bin/env bash
# Sums the Surefire reports of every module and prints the skipped tests with their reasons.
cd "$(dirname "$(readlink -f "$0")")/.."
shopt -s nullglob
reports=(*/target/surefire-reports/TEST-*.xml)
tests=0 failures=0 errors=0 skipped=0
# Counted from the elements, not from <testsuite tests=…>: after a rerun Surefire writes there only the tests it ran
# again (a class of 8 parameterised cases with one flake reported tests="1").
for r in "${reports[@]}"; do
  tests=$((tests + $(grep -c '<testcase ' "$r")))
  failures=$((failures + $(grep -o '<failure[ >]' "$r" | wc -l)))
  errors=$((errors + $(grep -o '<error[ >]' "$r" | wc -l)))
  skipped=$((skipped + $(grep -o '<skipped[ />]' "$r" | wc -l)))
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
