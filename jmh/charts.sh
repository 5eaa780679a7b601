#!/usr/bin/env bash
# Bar charts of JMH's JSON results, one PNG per workload (dev.covet.pg.jmh.charts.Charts): each
# contender's score, grouped by the parameters that vary, JMH's error as error bars.
#
#   java -jar jmh/target/covetpg-jmh.jar QueryBenchmark -rf json -rff /tmp/query.json
#   bash jmh/charts.sh /tmp/query.json [more.json...] [-o docs/charts]
#
# Writes into docs/charts unless -o names another directory, and prints each PNG's path.
# Charts are split by the parameter `workload` (SPLIT="workload,rows" for others). Paths are taken
# from the caller's directory. Builds nothing: expects jmh/target/covetpg-jmh.jar (mvn verify).
set -euo pipefail
here=$(pwd)
cd "$(dirname "$0")/.."
root=$(pwd)

jar=jmh/target/covetpg-jmh.jar
[[ -f $jar ]] || { echo "charts: $jar not found; build it first (mvn -B verify)" >&2; exit 2; }

absolute() { [[ $1 = /* ]] && echo "$1" || echo "$here/$1"; }

out=$root/docs/charts
files=()
while (($#)); do
  case $1 in
    -o) [[ $# -ge 2 ]] || { echo "charts: -o needs a directory" >&2; exit 2; }; out=$(absolute "$2"); shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) files+=("$(absolute "$1")"); shift ;;
  esac
done
((${#files[@]})) || { echo "usage: bash jmh/charts.sh results.json... [-o dir (docs/charts)]" >&2; exit 2; }

exec java -Djava.awt.headless=true -cp "$jar" dev.covet.pg.jmh.charts.Charts \
  --out "$out" --split "${SPLIT:-workload}" "${files[@]}"
