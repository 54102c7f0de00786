#!/usr/bin/env bash
# The benchmark: starts PostgreSQL and RabbitMQ (scripts/infra-up.sh, durable settings, fsync on), builds in
# Release and measures, in one run on the same generated messages, the transport ceiling, the storage
# ceiling, the naive baseline and NormService end to end; then prints ratios, verdict latency and RSS.
# Arguments go to the benchmark: --events N --sellers S --naive-cap N --latency-sellers S --runs N --scaling 10000x100,100000x10000
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# A failed start stops here (eval of a failed command substitution would not).
exports="$(scripts/infra-up.sh)" || exit 1
eval "$exports"
dotnet run --configuration Release --project bench/NormService.Benchmark -- "$@"
