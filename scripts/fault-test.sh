#!/usr/bin/env bash
# The fault-injection suite at full size: the real service process killed with SIGKILL, RabbitMQ and
# PostgreSQL restarted mid-stream, every message duplicated and shuffled, 1,000 hostile messages; each
# run with 500 sellers and over 50,000 events, checked against the domain. Prints the figures table that
# docs/reliability.md quotes (also in TestResults/reliability.md). Takes about five minutes.
# The short version of the same tests runs with every `scripts/test.sh` (and so in CI).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# A failed start stops here (eval of a failed command substitution would not).
exports="$(scripts/infra-up.sh)" || exit 1
eval "$exports"
mkdir -p TestResults
report=TestResults/reliability.md
{
  echo "| fault | sellers | events | injected | published | orders lost/double | queries lost/double | wrong verdicts | missing outcomes | outcomes with 2 ids | delivered twice | took |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
} > "$report"
NORMSERVICE_FAULT_SCALE=long NORMSERVICE_FAULT_REPORT="$PWD/$report" \
  scripts/test.sh --filter "Category=Fault" "$@"
cat "$report"
