#!/usr/bin/env bash
# pgbench's TPC-B-like transaction, side by side in one run: covetpg (a transacted route), plain
# pgjdbc + HikariCP, camel-sql with Spring transactions (TpcbBenchmark, in JMH), then pgbench
# itself (-M prepared, the same tables, scale, clients and duration), each with its CPU split.
#
#   COVETPG_TEST_URL=postgresql://postgres@127.0.0.1:5432/test bash jmh/tpcb.sh
#
# pgbench needs a server it can reach, so COVETPG_TEST_URL must name one (libpq form); without
# pgbench on the PATH only the Java contenders run. Expects jmh/target/covetpg-jmh.jar (mvn verify).
# Environment: SCALE (8), CLIENTS ("8 32"), POOL (8), ITERATION_SECONDS per JMH iteration (5),
# WARMUP_SECONDS per warm-up iteration, two of them (10), JMH_ARGS (more JMH options, e.g.
# "-rf json -rff tpcb.json"). The warm-up is long because the JIT compiles for most of the first
# 10-20 s, and its threads' CPU would count as the client's per transaction.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${COVETPG_TEST_URL:?set COVETPG_TEST_URL to the server to run against, e.g. postgresql://postgres@127.0.0.1:5432/test}"
SCALE=${SCALE:-8}
CLIENTS=${CLIENTS:-"8 32"}
POOL=${POOL:-8}
SECONDS_PER_ITERATION=${ITERATION_SECONDS:-5}
WARMUP=${WARMUP_SECONDS:-10}
jar=jmh/target/covetpg-jmh.jar
[[ -f $jar ]] || { echo "tpcb: $jar not found; build it first (mvn -B verify)" >&2; exit 2; }

have_pgbench=false
if command -v pgbench >/dev/null; then
  have_pgbench=true
  echo "== pgbench -i -s $SCALE (the tables every contender uses)"
  pgbench -i -q -s "$SCALE" "$COVETPG_TEST_URL" 2>&1 | tail -1
fi

echo "== JMH: TpcbBenchmark, clients $CLIENTS, pool $POOL, scale $SCALE"
clients_csv=$(echo "$CLIENTS" | tr ' ' ',')
java -jar "$jar" TpcbBenchmark -p concurrency="$clients_csv" -p poolSize="$POOL" -p scale="$SCALE" ${JMH_ARGS:-} \
  -wi 2 -w "${WARMUP}s" -i 3 -r "${SECONDS_PER_ITERATION}s" -f 1

# ticks (1/100 s) of user and kernel time: the machine's, from /proc/stat
machine() { awk '/^cpu /{print $2+$3, $4+$7+$8}' /proc/stat; }

if $have_pgbench; then
  duration=$((3 * SECONDS_PER_ITERATION))
  for c in $CLIENTS; do
    echo "== pgbench -M prepared -c $c -j $c -T $duration (tpcb-like, after a ${SECONDS_PER_ITERATION}s warm-up)"
    pgbench -n -M prepared -b tpcb-like -c "$c" -j "$c" -T "$SECONDS_PER_ITERATION" "$COVETPG_TEST_URL" >/dev/null 2>&1
    read -r mu0 mk0 < <(machine)
    out=$(/usr/bin/env time -f '%U %S %w %c' pgbench -n -M prepared -b tpcb-like -c "$c" -j "$c" -T "$duration" "$COVETPG_TEST_URL" 2>&1)
    read -r mu1 mk1 < <(machine)
    tps=$(echo "$out" | awk -F'= ' '/^tps/{split($2, a, " "); print a[1]; exit}')
    tx=$(echo "$out" | awk -F': ' '/number of transactions actually processed/{split($2, a, "/"); print a[1]}')
    read -r cu ck cw cc < <(echo "$out" | tail -1)
    awk -v tps="$tps" -v tx="$tx" -v cu="$cu" -v ck="$ck" -v cs=$((cw + cc)) -v mu=$((mu1 - mu0)) -v mk=$((mk1 - mk0)) -v c="$c" 'BEGIN {
      printf "# pgbench clients=%d: %.0f tps; client CPU %.1f us user + %.1f us kernel, machine %.1f us user + %.1f us kernel, %.1f client context switches per transaction\n",
        c, tps, cu * 1e6 / tx, ck * 1e6 / tx, mu * 1e4 / tx, mk * 1e4 / tx, cs / tx }'
  done
fi
