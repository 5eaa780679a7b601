#!/usr/bin/env bash
# The reference run behind docs/benchmarks.md: each workload's contenders side by side, one JMH
# JSON and one log per workload in jmh/target/reference, then a chart per workload in docs/charts.
#
#   mvn -q -B -pl jmh -am package -DskipTests
#   COVETPG_TEST_URL=postgresql://postgres@127.0.0.1:5432/test bash jmh/reference.sh [workload...]
#
# Workloads: query, transaction, bulk, upsert, extract, listen (default: all six), about 16 minutes
# in all (transaction and query warm up for 20 and 10 s: the JIT's threads would count as the client's
# CPU). The client CPU and context switches per operation that the docs quote are the "# latency"
# lines of each log (JMH's JSON has no place for them). transaction also runs pgbench (jmh/tpcb.sh)
# when it is installed; bulk loads run in a fresh JVM each (-wi 0, three forks), as a one-off ETL
# load does. Charts go to docs/charts/<workload>[-<split>].png.
set -euo pipefail
cd "$(dirname "$0")/.."

jar=jmh/target/covetpg-jmh.jar
[[ -f $jar ]] || { echo "reference: $jar not found; build it first (mvn -q -B -pl jmh -am package -DskipTests)" >&2; exit 2; }
out=jmh/target/reference
mkdir -p "$out"
workloads=("$@")
((${#workloads[@]})) || workloads=(query transaction bulk upsert extract listen)

for w in "${workloads[@]}"; do
  echo "== $w"
  case $w in
    query)
      java -jar "$jar" 'QueryBenchmark\.(covetpg|covetpgSynchronous|covetpgBlocking|covetpgPipelined|vertxPgClient|vertxPipelined|camelSql)$' \
        -p workload=selectValue,selectOne -p concurrency=64 -p poolSize=8 -wi 2 -w 5s -i 3 -r 4s -f 1 \
        -rf json -rff "$out/query.json" 2>&1 | tee "$out/query.log" | grep -E '^# (latency|server)|^QueryBenchmark' ;;
    transaction)
      JMH_ARGS="-rf json -rff $out/transaction.json" bash jmh/tpcb.sh 2>&1 | tee "$out/transaction.log" | grep -E '^# (latency|pgbench|server)|^TpcbBenchmark' ;;
    bulk)
      java -jar "$jar" 'BulkLoadBenchmark\.(copyTextRows|copyBinaryRows|copyTextStream|pgjdbcCopyManager|psqlCopy)$' \
        -p shape=MIXED -f 3 -wi 0 -i 1 -rf json -rff "$out/bulk.json" 2>&1 | tee "$out/bulk.log" | grep -E '^# server|^BulkLoadBenchmark' ;;
    upsert)
      java -jar "$jar" 'BulkLoadBenchmark\.(copyTextRowsKeyed|copyTextRowsUpsert|pgjdbcUpsert)$' \
        -p shape=MIXED -f 1 -wi 2 -i 6 -rf json -rff "$out/upsert.json" 2>&1 | tee "$out/upsert.log" | grep -E '^# server|^BulkLoadBenchmark' ;;
    extract)
      java -jar "$jar" 'StreamBenchmark\.(covetpgStreamList|covetpgConsumer|camelSqlStreamList|pgjdbc)$' \
        -f 1 -wi 3 -i 8 -rf json -rff "$out/extract.json" 2>&1 | tee "$out/extract.log" | grep -E '^# server|^StreamBenchmark' ;;
    listen)
      java -jar "$jar" 'ListenBenchmark\.(covetpg|vertxPgClient|pgjdbc)$' \
        -f 1 -wi 1 -w 3s -i 3 -r 5s -rf json -rff "$out/listen.json" 2>&1 | tee "$out/listen.log" | grep -E '^# (latency|server)|^ListenBenchmark' ;;
    *) echo "reference: unknown workload '$w' (query, transaction, bulk, upsert, extract, listen)" >&2; exit 2 ;;
  esac
  # one chart per workload (and per value of the parameter 'workload'), named for the workload
  charts=$(mktemp -d)
  for png in $(SPLIT=workload bash jmh/charts.sh "$out/$w.json" -o "$charts"); do
    name=${png##*/}
    mv "$png" "docs/charts/$w${name#*Benchmark}"
    echo "docs/charts/$w${name#*Benchmark}"
  done
  rmdir "$charts"
done
