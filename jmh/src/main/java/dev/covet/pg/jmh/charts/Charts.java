package dev.covet.pg.jmh.charts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Bar charts of JMH's JSON results ({@code -rf json -rff results.json}): one PNG per workload, the
 * score of each contender (benchmark method) side by side, with JMH's error (99.9 % confidence
 * half-width) as error bars when it has one (not with a single iteration).
 *
 * <p>A workload is a benchmark class, its mode and the values of the split parameters (by default
 * {@code workload}, as in QueryBenchmark): QueryBenchmark gives one chart per workload, TpcbBenchmark
 * one chart. Within a chart the bars are grouped by the other parameters that vary (concurrency=8,
 * concurrency=32); those that do not vary go into the title. Secondary results that a benchmark
 * records itself (JMH's {@code @AuxCounters}, those whose name does not start with JMH's
 * {@code ·}) get a chart each, named after the counter.
 *
 * <pre>
 *   java -cp jmh/target/covetpg-jmh.jar dev.covet.pg.jmh.charts.Charts [--out DIR] [--split P,Q] results.json...
 * </pre>
 *
 * Prints the path of each PNG it writes. A file that is not JMH's JSON stops it with a message naming
 * the file, the entry and the field.
 */
public final class Charts {

    public static final int WIDTH = 900;
    public static final int HEIGHT = 520;
    static final String PRIMARY = "";
    /** The label of the only group of a chart whose parameters do not vary: the mode, as JMH says it. */
    static final Map<String, String> MODES = Map.of("thrpt", "throughput", "avgt", "average time",
            "sample", "sampled time", "ss", "single shot time");

    /** One score of one contender in one configuration: a bar. */
    record Score(String file, String benchmarkClass, String contender, String mode, Map<String, String> params,
            String metric, double score, double error, String unit) {

        String id() {
            return benchmarkClass + "." + contender + " " + mode + " " + params + (metric.isEmpty() ? "" : " " + metric);
        }
    }

    private Charts() {
    }

    public static void main(String[] args) {
        Path out = Path.of("docs/charts");
        List<String> split = List.of("workload");
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(value(args, ++i, "--out"));
                case "--split" -> split = List.of(value(args, ++i, "--split").split(","));
                case "-h", "--help" -> {
                    System.out.println("usage: Charts [--out DIR (docs/charts)] [--split PARAM,... (workload)] results.json...");
                    return;
                }
                default -> files.add(Path.of(args[i]));
            }
        }
        if (files.isEmpty()) {
            System.err.println("charts: no JMH JSON file given; usage: Charts [--out DIR] [--split PARAM,...] results.json...");
            System.exit(2);
        }
        try {
            for (Path png : write(files, out, split)) {
                System.out.println(png);
            }
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("charts: " + e.getMessage());
            System.exit(1);
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    /** Reads the files, writes one PNG per chart into {@code out} and returns their paths, in order. */
    public static List<Path> write(List<Path> files, Path out, List<String> split) throws IOException {
        List<Score> scores = new ArrayList<>();
        for (Path file : files) {
            scores.addAll(read(file));
        }
        Map<String, Score> seen = new LinkedHashMap<>();
        for (Score s : scores) {
            Score before = seen.put(s.id(), s);
            if (before != null) {
                throw new IllegalArgumentException("the same result twice, in " + before.file() + " and " + s.file()
                        + ": " + s.id());
            }
        }
        Files.createDirectories(out);
        List<Path> written = new ArrayList<>();
        for (Map.Entry<String, List<Score>> chart : group(scores, split).entrySet()) {
            Path png = out.resolve(chart.getKey() + ".png");
            BitmapEncoder.saveBitmap(draw(chart.getValue(), split), png.toString(), BitmapEncoder.BitmapFormat.PNG);
            written.add(png);
        }
        return written;
    }

    /** The scores of one JMH JSON file: its primary results and the secondary ones the benchmark counted. */
    static List<Score> read(Path file) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException(file + ": not JMH's JSON (-rf json): expected an array of results");
        }
        List<Score> scores = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode entry = root.get(i);
            String where = file + ": result " + (i + 1);
            String benchmark = text(entry, "benchmark", where);
            int dot = benchmark.lastIndexOf('.');
            if (dot <= 0) {
                throw new IllegalArgumentException(where + ": benchmark '" + benchmark + "' is not Class.method");
            }
            where += " (" + benchmark + ")";
            String benchmarkClass = benchmark.substring(benchmark.lastIndexOf('.', dot - 1) + 1, dot);
            String contender = benchmark.substring(dot + 1);
            String mode = text(entry, "mode", where);
            Map<String, String> params = new TreeMap<>();
            for (Map.Entry<String, JsonNode> param : entry.path("params").properties()) {
                params.put(param.getKey(), param.getValue().asText());
            }
            scores.add(score(file, benchmarkClass, contender, mode, params, PRIMARY,
                    field(entry, "primaryMetric", where), where + ": primaryMetric"));
            for (Map.Entry<String, JsonNode> metric : entry.path("secondaryMetrics").properties()) {
                if (!jmhOwn(mode, metric.getKey())) {
                    scores.add(score(file, benchmarkClass, contender, mode, params, metric.getKey(), metric.getValue(),
                            where + ": secondaryMetrics." + metric.getKey()));
                }
            }
        }
        return scores;
    }

    /**
     * Whether a secondary result is one JMH adds itself: profilers' start with '·', and in sample
     * mode the percentiles ("p0.50", ...), which the primary result already holds. A benchmark's
     * own counters are neither.
     */
    static boolean jmhOwn(String mode, String metric) {
        return metric.startsWith("\u00b7") || "sample".equals(mode) && metric.matches("p[01]\\.\\d+");
    }

    private static Score score(Path file, String benchmarkClass, String contender, String mode,
            Map<String, String> params, String metric, JsonNode node, String where) {
        JsonNode score = field(node, "score", where);
        if (!score.isNumber()) {
            throw new IllegalArgumentException(where + ": score is not a number: " + score);
        }
        // JMH writes "NaN" (a string) as the error of a single iteration: no error bar then
        JsonNode error = node.path("scoreError");
        double err = error.isNumber() && Double.isFinite(error.doubleValue()) ? error.doubleValue() : 0;
        return new Score(file.toString(), benchmarkClass, contender, mode, params, metric, score.doubleValue(), err,
                text(node, "scoreUnit", where));
    }

    private static JsonNode field(JsonNode node, String name, String where) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException(where + ": no field '" + name + "'");
        }
        return value;
    }

    private static String text(JsonNode node, String name, String where) {
        JsonNode value = field(node, name, where);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException(where + ": field '" + name + "' is not a name: " + value);
        }
        return value.asText();
    }

    /** The scores by chart, keyed by the chart's file name (without .png), in the order they came. */
    static Map<String, List<Score>> group(List<Score> scores, List<String> split) {
        Map<String, Set<String>> modes = new LinkedHashMap<>();
        for (Score s : scores) {
            modes.computeIfAbsent(s.benchmarkClass(), c -> new LinkedHashSet<>()).add(s.mode());
        }
        Map<String, List<Score>> charts = new LinkedHashMap<>();
        for (Score s : scores) {
            StringBuilder name = new StringBuilder(s.benchmarkClass());
            for (String param : split) {
                if (s.params().containsKey(param)) {
                    name.append('-').append(s.params().get(param));
                }
            }
            if (modes.get(s.benchmarkClass()).size() > 1) {
                name.append('-').append(s.mode());
            }
            if (!s.metric().isEmpty()) {
                name.append('-').append(s.metric());
            }
            String safe = name.toString().replaceAll("[^A-Za-z0-9._-]", "_");
            charts.computeIfAbsent(safe, n -> new ArrayList<>()).add(s);
        }
        return charts;
    }

    /** Which way is better, told by JMH's unit: a rate (ops/s) up, a cost (ms/op, us/op) down. */
    static String better(String unit) {
        if (unit.startsWith("ops/")) {
            return " (higher is better)";
        }
        return unit.endsWith("/op") ? " (lower is better)" : "";
    }

    private static int compare(String a, String b) {
        try {
            return Double.compare(Double.parseDouble(a), Double.parseDouble(b));
        } catch (NumberFormatException notNumbers) {
            return a.compareTo(b);
        }
    }

    /** One chart: a group of bars per configuration (the parameters that vary), a bar per contender. */
    static CategoryChart draw(List<Score> scores, List<String> split) {
        Score first = scores.get(0);
        Set<String> varying = new LinkedHashSet<>();
        for (String param : first.params().keySet()) {
            if (scores.stream().anyMatch(s -> !first.params().get(param).equals(s.params().get(param)))) {
                varying.add(param);
            }
        }
        for (Score s : scores) {
            if (!s.params().keySet().equals(first.params().keySet())) {
                throw new IllegalArgumentException(s.file() + ": " + s.id() + " has other parameters than "
                        + first.id() + " (in " + first.file() + ")");
            }
            if (!s.unit().equals(first.unit())) {
                throw new IllegalArgumentException(s.file() + ": " + s.id() + " is in " + s.unit() + ", "
                        + first.id() + " (in " + first.file() + ") in " + first.unit());
            }
        }
        // the split parameters first (workload=...), then the others, by name
        List<String> titled = new ArrayList<>(split);
        titled.addAll(first.params().keySet());
        String fixed = titled.stream().distinct().filter(p -> first.params().containsKey(p) && !varying.contains(p))
                .map(p -> p + "=" + first.params().get(p)).collect(Collectors.joining(" "));
        String title = first.benchmarkClass() + (first.metric().isEmpty() ? "" : " " + first.metric())
                + (fixed.isEmpty() ? "" : " (" + fixed + ")");

        // groups in the order of their parameters' values, numbers as numbers (concurrency 1, 16, 64)
        List<Score> ordered = new ArrayList<>(scores);
        ordered.sort((a, b) -> {
            for (String p : varying) {
                int c = compare(a.params().get(p), b.params().get(p));
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        });
        List<String> groups = new ArrayList<>();
        Map<String, Map<String, Score>> byContender = new LinkedHashMap<>();
        for (Score s : ordered) {
            String group = varying.isEmpty()
                    ? first.metric().isEmpty() ? MODES.getOrDefault(first.mode(), first.mode()) : first.metric()
                    : varying.stream().map(p -> p + "=" + s.params().get(p)).collect(Collectors.joining(" "));
            if (!groups.contains(group)) {
                groups.add(group);
            }
            byContender.computeIfAbsent(s.contender(), c -> new LinkedHashMap<>()).put(group, s);
        }

        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .yAxisTitle(first.unit() + better(first.unit()))
                .build();
        // the legend to the right, one contender a line: below the chart, a dozen would not fit across
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE)
                .setLegendLayout(Styler.LegendLayout.Vertical)
                .setChartBackgroundColor(java.awt.Color.WHITE);
        // the value in the middle of each bar, clear of the error bar at its top
        chart.getStyler().setLabelsVisible(true).setLabelsPosition(0.5).setLabelsRotation(0);
        chart.getStyler().setErrorBarsColorSeriesColor(false);
        chart.getStyler().setXAxisTitleVisible(false);
        double max = scores.stream().mapToDouble(Score::score).max().orElse(0);
        chart.getStyler().setYAxisMin(0.0).setYAxisDecimalPattern(max >= 100 ? "#,##0" : "#,##0.###");
        boolean anyError = scores.stream().anyMatch(s -> s.error() > 0);
        for (Map.Entry<String, Map<String, Score>> contender : byContender.entrySet()) {
            List<Double> y = new ArrayList<>();
            List<Double> e = new ArrayList<>();
            for (String group : groups) {
                Score s = contender.getValue().get(group);
                // a contender missing from a group: no bar (XChart draws none for NaN)
                y.add(s == null ? Double.NaN : s.score());
                e.add(s == null ? 0.0 : s.error());
            }
            if (anyError) {
                chart.addSeries(contender.getKey(), groups, y, e);
            } else {
                chart.addSeries(contender.getKey(), groups, y);
            }
        }
        return chart;
    }
}
