#!/usr/bin/env bash
# The reference run behind docs/benchmarks.md: each workload's contenders side by side, one JMH
# JSON and one log per workload in jmh/target/reference, then a chart per workload in docs/charts.
#
#   mvn -q -B -pl jmh -am package -DskipTests
#   COVETPG_TEST_URL=postgresql://postgres@127.0.0.1:5432/test bash jmh/reference.sh [workload...]
#
# Workloads: query, transaction, bulk (default: all three). The client CPU and context switches per
# operation that the docs quote are the "# latency" lines of each log (JMH's JSON has no place for
# them). transaction also runs pgbench (jmh/tpcb.sh) when it is installed; bulk loads run in a fresh
# JVM each (-wi 0, three forks), as a one-off ETL load does.
set -euo pipefail
cd "$(dirname "$0")/.."

jar=jmh/target/covetpg-jmh.jar
[[ -f $jar ]] || { echo "reference: $jar not found; build it first (mvn -q -B -pl jmh -am package -DskipTests)" >&2; exit 2; }
out=jmh/target/reference
mkdir -p "$out"
workloads=("$@")
((${#workloads[@]})) || workloads=(query transaction bulk)

for w in "${workloads[@]}"; do
  echo "== $w"
  case $w in
    query)
      java -jar "$jar" 'QueryBenchmark\.(covetpg|covetpgSynchronous|covetpgBlocking|covetpgPipelined|vertxPgClient|vertxPipelined|camelSql)$' \
        -p workload=selectValue,selectOne -p concurrency=64 -p poolSize=8 -wi 1 -w 3s -i 3 -r 4s -f 1 \
        -rf json -rff "$out/query.json" 2>&1 | tee "$out/query.log" | grep -E '^# (latency|server)|^QueryBenchmark' ;;
    transaction)
      JMH_ARGS="-rf json -rff $out/transaction.json" bash jmh/tpcb.sh 2>&1 | tee "$out/transaction.log" | grep -E '^# (latency|pgbench|server)|^TpcbBenchmark' ;;
    bulk)
      java -jar "$jar" 'BulkLoadBenchmark\.(copyTextRows|copyBinaryRows|copyTextStream|pgjdbcCopyManager|psqlCopy)$' \
        -p shape=MIXED -f 3 -wi 0 -i 1 -rf json -rff "$out/bulk.json" 2>&1 | tee "$out/bulk.log" | grep -E '^# server|^BulkLoadBenchmark' ;;
    *) echo "reference: unknown workload '$w' (query, transaction, bulk)" >&2; exit 2 ;;
  esac
  SPLIT=workload bash jmh/charts.sh "$out/$w.json"
done
