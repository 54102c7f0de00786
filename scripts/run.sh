#!/usr/bin/env bash
# Runs NormService with its infrastructure: starts PostgreSQL and RabbitMQ (scripts/infra-up.sh), then the
# service in Development. Unless --no-demo is given, once the service is up the simulator publishes ten
# realistic sellers (three built to exceed their norm), with a 15-second settlement period, so within a
# minute the logs show messages consumed, verdicts published, and the simulator's check of each verdict.
# Stop with Ctrl+C; stop the infrastructure with scripts/infra-down.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

demo=1
[[ "${1:-}" == "--no-demo" ]] && demo=0

# A failed start stops here (eval of a failed command substitution would not).

exports="$(scripts/infra-up.sh)" || exit 1

eval "$exports"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://127.0.0.1:5080}"
if (( demo )); then
  export NormService__GroeiStart__SettlementPeriod="${NormService__GroeiStart__SettlementPeriod:-00:00:15}"
  export NormService__SettlementPollInterval="${NormService__SettlementPollInterval:-00:00:02}"
  # Publishes once the service answers; the service's log shows what it consumes and publishes.
  ( until curl -fsS "${ASPNETCORE_URLS%%;*}/health/live" >/dev/null 2>&1; do sleep 1; done
    dotnet run --project src/NormService.Simulator -- --sellers 10 --exceed-share 0.3 --wait 45 >&2 ) &
fi
exec dotnet run --project src/NormService --no-launch-profile
