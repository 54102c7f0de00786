#!/usr/bin/env bash
# The whole test suite on real PostgreSQL and RabbitMQ.
# Starts them (scripts/infra-up.sh: installs with apt where missing) unless their connection settings
# are already in the environment, then runs `dotnet test` with TRX results in TestResults/.
# Extra arguments go to dotnet test, e.g.: scripts/test.sh --filter "FullyQualifiedName~Smoke"
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ -z "${ConnectionStrings__Postgres:-}" || -z "${ConnectionStrings__RabbitMq:-}" || -z "${RabbitMq__ManagementUri:-}" ]]; then
  # A failed start stops here (eval of a failed command substitution would not).
  exports="$(scripts/infra-up.sh)" || exit 1
  eval "$exports"
fi

dotnet test NormService.sln --configuration Release --logger "trx" --logger "console;verbosity=normal" \
  --results-directory TestResults "$@"
