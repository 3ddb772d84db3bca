#!/usr/bin/env bash
# A check of cluster/run.sh, run by .ci/run: starts the three nodes, makes an index of one
# primary and two replicas with a field of pre-analysed terms (the `whitespace` analyser), adds a
# document, kills node 0 with SIGKILL, and asks both survivors for the document, which each must
# find; prints the start time and each node's memory. The vidensbase backend on top is issue #24.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
trap '"$here/run.sh" stop "$dir"; rm -rf "$dir"' EXIT
start=$(date +%s.%N)
"$here/run.sh" start "$dir"
echo "started in $(echo "$(date +%s.%N) - $start" | bc) s (with the Maven build when it was needed)"
for i in 0 1 2; do
  echo "node $i: $(( $(ps -o rss= -p "$(cat "$dir/node-$i.pid")") / 1024 )) MB resident"
done
api=http://127.0.0.1:19200
json=(-H 'Content-Type: application/json')
curl -fsS -XPUT "$api/smoke" "${json[@]}" -d '{"settings":{"number_of_shards":1,"number_of_replicas":2},
  "mappings":{"properties":{"body_da":{"type":"text","analyzer":"whitespace"}}}}' >/dev/null
curl -fsS -XPOST "$api/smoke/_doc/1?refresh=true" "${json[@]}" -d '{"body_da":"frivillig forening kommun"}' >/dev/null
curl -fsS "$api/_cluster/health?wait_for_status=green&timeout=60s" | grep -q '"status":"green"' \
  || { echo "smoke: the replicas were not placed" >&2; exit 1; }
kill -9 "$(cat "$dir/node-0.pid")"
for port in 19201 19202; do
  found=$(curl -fsS "http://127.0.0.1:$port/smoke/_search?q=body_da:forening" | grep -o '"total":{"value":[0-9]*' | grep -o '[0-9]*$')
  [ "$found" = 1 ] || { echo "smoke: node on $port found $found documents after node 0 died" >&2; exit 1; }
done
echo "smoke: green with two replicas; both survivors answer after kill -9 of node 0"
