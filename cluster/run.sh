#!/usr/bin/env bash
# A real three-node OpenSearch 2.19.6 cluster on loopback, for vidensbase's cluster tests: one
# JVM per node (so a test can kill -9 one), built with Maven from Maven Central artifacts
# (pom.xml; the classpath is cached in cluster/target).
#
#   cluster/run.sh start DIR   starts nodes 0-2 (HTTP 127.0.0.1:19200-19202, transport
#                              19300-19302), writes node i's process id to DIR/node-i.pid and its
#                              log to DIR/node-i.log, and returns when the cluster is green
#                              (at most CLUSTER_WAIT seconds, default 180)
#   cluster/run.sh stop DIR    stops them (SIGTERM, then SIGKILL after 30 s)
#
# Needs a Java 17 JDK and Maven 3 (Debian: openjdk-17-jdk-headless, maven) and curl. Heap per node:
# CLUSTER_HEAP (default 384m).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cmd=${1:?usage: cluster/run.sh start|stop DIR}
dir=${2:?usage: cluster/run.sh start|stop DIR}
mkdir -p "$dir" && dir=$(cd "$dir" && pwd)

stop() {
  for i in 0 1 2; do
    [ -f "$dir/node-$i.pid" ] && kill "$(cat "$dir/node-$i.pid")" 2>/dev/null || true
  done
  for _ in $(seq 300); do
    alive=0
    for i in 0 1 2; do
      [ -f "$dir/node-$i.pid" ] && kill -0 "$(cat "$dir/node-$i.pid")" 2>/dev/null && alive=1
    done
    [ $alive = 0 ] && break
    sleep 0.1
  done
  for i in 0 1 2; do
    [ -f "$dir/node-$i.pid" ] && kill -9 "$(cat "$dir/node-$i.pid")" 2>/dev/null || true
    rm -f "$dir/node-$i.pid"
  done
}

case "$cmd" in
  stop) stop; exit 0 ;;
  start) ;;
  *) echo "usage: cluster/run.sh start|stop DIR" >&2; exit 2 ;;
esac

for tool in java javac mvn curl; do
  command -v "$tool" >/dev/null || { echo "cluster/run.sh: $tool is missing (apt-get install openjdk-17-jdk-headless maven curl)" >&2; exit 1; }
done
jar=$here/target/cluster-node-1.jar
if [ ! -f "$jar" ] || [ "$here/pom.xml" -nt "$jar" ] || [ -n "$(find "$here/src" -newer "$jar" -print -quit)" ]; then
  (cd "$here" && mvn -q -B package -DskipTests) >&2
fi
started=$(date +%s.%N)
for i in 0 1 2; do
  java -Xms"${CLUSTER_HEAP:-384m}" -Xmx"${CLUSTER_HEAP:-384m}" \
    -XX:+UseSerialGC -Dopensearch.set.netty.runtime.available.processors=false \
    -Dlog4j2.disable.jmx=true -Djava.awt.headless=true \
    -cp "$jar:$here/target/lib/*" vidensbase.cluster.ClusterNode "$i" "$dir" \
    >"$dir/node-$i.log" 2>&1 &
  echo $! > "$dir/node-$i.pid"
done
deadline=$(( $(date +%s) + ${CLUSTER_WAIT:-180} ))
until curl -fsS "http://127.0.0.1:19200/_cluster/health?wait_for_nodes=3&wait_for_status=green&timeout=5s" >/dev/null 2>&1; do
  for i in 0 1 2; do
    if ! kill -0 "$(cat "$dir/node-$i.pid")" 2>/dev/null; then
      echo "cluster/run.sh: node $i stopped; its log:" >&2; tail -30 "$dir/node-$i.log" >&2; stop; exit 1
    fi
  done
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "cluster/run.sh: not green within ${CLUSTER_WAIT:-180} s" >&2; stop; exit 1
  fi
  sleep 0.5
done
echo "cluster green in $(echo "$(date +%s.%N) - $started" | bc) s" >&2
