#!/usr/bin/env bash
# Smoke run of the JMH harness, so it cannot rot: every benchmark method once, one short
# iteration, tiny data, in this JVM (-f 0: one embedded PostgreSQL for all). It checks that each
# contender runs and answers correctly (the benchmarks verify every answer), nothing about speed.
# Builds nothing: it expects jmh/target/covetpg-jmh.jar from `mvn verify` (or package).
# Uses COVETPG_TEST_URL when set, as the tests do; otherwise the embedded PostgreSQL 17.
set -euo pipefail
cd "$(dirname "$0")/.."

jar=jmh/target/covetpg-jmh.jar
if [[ ! -f $jar ]]; then
  echo "smoke: $jar not found; build it first (mvn -B verify)" >&2
  exit 2
fi

# psqlCopy/psqlStartup need psql; skip them where it is not installed
exclude=()
if [[ -z ${PSQL:-} ]] && ! command -v psql >/dev/null; then
  exclude=(-e 'BulkLoadBenchmark.psql')
fi

# -foe true: any failure in any benchmark stops the run with a non-zero exit
common=(-f 0 -wi 0 -i 1 -foe true)

echo "== smoke 1/6: QueryBenchmark, all workloads and contenders, concurrency 16, pool 4, one 200 ms iteration"
java -jar "$jar" 'QueryBenchmark' "${common[@]}" -r 200ms -p concurrency=16 -p poolSize=4 ${exclude[@]+"${exclude[@]}"}

echo "== smoke 2/6: BulkLoadBenchmark, all contenders, both row shapes, 20,000 rows per COPY (2,000 per batch), one load each"
java -jar "$jar" 'BulkLoadBenchmark' "${common[@]}" -p copyRows=20000 -p unlogged=false -p shape=NARROW,MIXED ${exclude[@]+"${exclude[@]}"}

echo "== smoke 3/6: TransactionBenchmark, both contenders, concurrency 16, pool 4, one 200 ms iteration"
java -jar "$jar" 'TransactionBenchmark' "${common[@]}" -r 200ms -p concurrency=16 -p poolSize=4

echo "== smoke 4/6: StreamBenchmark, all contenders, a 10,000-row table read once each"
java -jar "$jar" 'StreamBenchmark' "${common[@]}" -p rows=10000

echo "== smoke 5/6: TpcbBenchmark, all Java contenders, scale 1, concurrency 8, pool 4, one 200 ms iteration"
java -jar "$jar" 'TpcbBenchmark' "${common[@]}" -r 200ms -p concurrency=8 -p poolSize=4 -p scale=1

echo "== smoke 6/6: ListenBenchmark, all contenders, one 200 ms iteration of notify-and-receive"
java -jar "$jar" 'ListenBenchmark' "${common[@]}" -r 200ms
