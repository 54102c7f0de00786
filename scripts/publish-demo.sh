#!/usr/bin/env bash
# Publishes a demo seller's traffic to NormService's exchanges as bare JSON through RabbitMQ's management
# HTTP API (what any non-.NET publisher can do): 100 orders (rules.md example 1: 60 toys, 30 electronics,
# 10 home items) and 6 customer queries, so phase 1 exceeds its 5.3% norm once it settles.
# Usage: scripts/publish-demo.sh [sellerId]   (needs the exchanges, i.e. a running service)
set -euo pipefail
seller="${1:-demo-$(date +%s)}"
mgmt="${RabbitMq__ManagementUri:-http://guest:guest@127.0.0.1:55673/}"
mgmt="${mgmt%/}"

publish() { # exchange, JSON payload
  local body
  body=$(printf '{"properties":{"content_type":"application/json","delivery_mode":2},"routing_key":"","payload":%s,"payload_encoding":"string"}' \
    "$(printf '%s' "$2" | sed 's/\\/\\\\/g; s/"/\\"/g; s/^/"/; s/$/"/')")
  curl -fsS -X POST -H 'content-type: application/json' -d "$body" "$mgmt/api/exchanges/%2F/$1/publish" >/dev/null
}

now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
for i in $(seq 1 100); do
  if (( i <= 60 )); then group=toys; elif (( i <= 90 )); then group=electronics; else group=home; fi
  publish normservice.order-placed \
    "{\"orderId\":\"$seller-o$i\",\"sellerId\":\"$seller\",\"placedAt\":\"$now\",\"lines\":[{\"productGroup\":\"$group\",\"quantity\":1}]}"
done
for i in $(seq 1 6); do
  publish normservice.customer-query-raised \
    "{\"queryId\":\"$seller-q$i\",\"sellerId\":\"$seller\",\"orderId\":\"$seller-o$i\",\"raisedAt\":\"$now\",\"channel\":\"chat\"}"
done
echo "[publish-demo] published 100 orders and 6 queries for seller $seller"
