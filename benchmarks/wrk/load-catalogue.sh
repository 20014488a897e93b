#!/usr/bin/env bash
# Receives plenty of stock for SKU-0..SKU-(N-1) at WH1 through the HTTP API, 64 requests at a time.
set -euo pipefail
base=${1:-http://127.0.0.1:8080}
skus=${2:-10000}
seq 0 $((skus - 1)) | xargs -P 64 -I{} curl -s -o /dev/null -X POST "$base/v1/receipts" \
  -H "Idempotency-Key: catalogue-{}" -H 'Content-Type: application/json' \
  -d '{"sku":"SKU-{}","location":"WH1","quantity":1000000000,"unit_cost":"1"}'
