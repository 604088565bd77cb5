#!/usr/bin/env bash
# Runs hivebt's whole test suite (unit, property, fuzz-regression and interop tests) on JDK 25.
#   ./test.sh                 everything that is not tagged slow
#   HIVEBT_SLOW=1 ./test.sh   also the soak and long runs
#   ./test.sh -pl wire        extra arguments go to Maven
# Interop tests skip with a visible reason when a peer program is missing, and fail instead when CI=true.
set -uo pipefail
cd "$(dirname "$(readlink -f "$0")")"
source scripts/jdk.sh
echo "test.sh: JDK $(_hivebt_jdk_major "$JAVA_HOME") at $JAVA_HOME" >&2

slow=()
[ "${HIVEBT_SLOW:-0}" = 1 ] && slow=(-Dhivebt.slow=true)

mvn -B -ntp -fae "${slow[@]}" verify "$@"
status=$?

if [ "$status" -ne 0 ]; then
  echo "[ERROR] The build failed (Maven exit code $status): see the errors above. Modules after the failure did not run."
fi
# One summary for the whole reactor, in Surefire's words, with the reasons for every skipped test.
scripts/test-summary.sh
exit $status
