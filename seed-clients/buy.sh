#!/usr/bin/env bash
# The seed's curl: buy one unit of product 1 with the lock, waiting for it while it is busy (POST /buy/{id}).
# BASE_URL=http://localhost:3001 seed-clients/buy.sh   aims at another replica.
set -euo pipefail
curl -X POST "${BASE_URL:-http://localhost:3000}/buy/1" -H "Content-Type: application/json" -d '{"amount": 1}'
echo
