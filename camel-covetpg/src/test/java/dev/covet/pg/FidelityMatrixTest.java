package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.tx.CovetPgTransactionPolicy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * The fidelity matrix (issue 13): every kind of type with its edge values ({@link FidelityCases}),
 * read by every read path and written back by every write path into a column of the same type,
 * compared with the server's own text of the value ({@code v::text}) by the server itself. Any
 * silent difference, and any write that fails, fails the build. COPY in binary format may refuse
 * a table before sending anything (a type it does not write); it must refuse, not fail later.
 *
 * <p>pgjdbc's {@code getObject}/{@code setObject} round trip of the same values is printed beside
 * it as the peer figure; it is not asserted.
 */
class FidelityMatrixTest extends CovetPgTestSupport {

    private enum Outcome { SAME, DIFFERENT, FAILED, REFUSED }

    private static final List<String> READS = List.of("SelectList", "SelectOne", "StreamList", "consumer", "COPY out");
    private static final List<String> WRITES = List.of("query", "query in a route transaction", "batch sql", "batch table",
            "COPY text", "COPY csv", "COPY binary", "consumer onConsume");

    private final String schema = table("fid");
    private CamelContext context;
    /** (case, path) to outcome; a case is one value of one type. */
    private final Map<String, Map<String, Outcome>> results = new TreeMap<>();
    private final List<String> differences = new ArrayList<>();
    private final List<Exchange> consumed = new CopyOnWriteArrayList<>();

    @Test
    void everyValueOfEveryTypeReadsAndWritesBackExactly() throws Exception {
        db.execute(FidelityCases.setup(schema));
        context = newContext(c -> { }, new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:stream").to("covetpg:query?outputType=StreamList&useMessageBodyForSql=true")
                        .process(e -> {
                            List<Object> rows = new ArrayList<>();
                            e.getMessage().getBody(Iterator.class).forEachRemaining(rows::add);
                            e.getMessage().setBody(rows);
                        });
                from("direct:copy-out").toD("${header.uri}").convertBodyTo(String.class);
                from("direct:tx").transacted("covetpgTx").split(body()).recipientList(header("uri"));
            }
        });
        context.getRegistry().bind("covetpgTx", new CovetPgTransactionPolicy());
        context.start();

        List<FidelityCases.Case> cases = FidelityCases.all(schema);
        int n = 0;
        for (FidelityCases.Case c : cases) {
            run(c, schema + ".t" + n++);
        }
        PeerFigure peer = pgjdbcRoundTrip(cases);

        int count = results.size();
        long[] byOutcome = new long[Outcome.values().length];
        results.values().forEach(paths -> paths.values().forEach(o -> byOutcome[o.ordinal()]++));
        System.out.printf("%nFidelity matrix on %s: %d cases (%d types) x %d paths (%d reads, %d writes)%n", db.queryValue("SHOW server_version"),
                count, cases.size(), READS.size() + WRITES.size(), READS.size(), WRITES.size());
        System.out.printf("  covetpg: %d same, %d silently different, %d failed, %d refused before sending (COPY binary)%n",
                byOutcome[Outcome.SAME.ordinal()], byOutcome[Outcome.DIFFERENT.ordinal()], byOutcome[Outcome.FAILED.ordinal()],
                byOutcome[Outcome.REFUSED.ordinal()]);
        System.out.printf("  pgjdbc %s getObject/setObject peer: %d of %d cases round trip exactly, %d silently different, %d failed%n",
                org.postgresql.Driver.class.getPackage().getImplementationVersion(), peer.same, count, peer.different, peer.failed);
        differences.forEach(d -> System.out.println("  " + d));
        assertThat(differences).as("silent differences and failures").isEmpty();
        assertThat(byOutcome[Outcome.SAME.ordinal()] + byOutcome[Outcome.REFUSED.ordinal()]).isEqualTo((long) count * (READS.size() + WRITES.size()));
    }

    /** One type: its values in a table, read every way, written back every way. */
    @SuppressWarnings("unchecked")
    private void run(FidelityCases.Case c, String src) throws Exception {
        db.execute("CREATE TABLE " + src + " (id int PRIMARY KEY, v " + c.type() + ")");
        StringBuilder insert = new StringBuilder("INSERT INTO " + src + " VALUES ");
        for (int i = 0; i < c.values().size(); i++) {
            insert.append(i == 0 ? "" : ", ").append('(').append(i + 1).append(", (").append(c.values().get(i)).append(")::").append(c.type()).append(')');
        }
        insert.append(", (").append(c.values().size() + 1).append(", NULL)");
        db.execute(insert.toString());
        Map<Integer, String> oracle = oracle(src);
        String select = "SELECT id, v FROM " + src + " ORDER BY id";

        // reads: SelectList is the reference, every other path must give equal Java values
        Exchange list = send(context, "covetpg:query?useMessageBodyForSql=true", select);
        if (list.getException() != null) {
            oracle.keySet().forEach(id -> record(c, id, "SelectList", Outcome.FAILED, list.getException().toString()));
            return;
        }
        List<Map<String, Object>> reference = list.getMessage().getBody(List.class);
        Map<Integer, Object> values = new LinkedHashMap<>();
        reference.forEach(row -> values.put((Integer) row.get("id"), row.get("v")));
        oracle.keySet().forEach(id -> record(c, id, "SelectList", values.containsKey(id) ? Outcome.SAME : Outcome.FAILED, "row missing"));

        for (Integer id : oracle.keySet()) {
            Exchange one = context.createProducerTemplate().send("covetpg:query?outputType=SelectOne&useMessageBodyForSql=true", e -> {
                e.getMessage().setBody("SELECT id, v FROM " + src + " WHERE id = :#id");
                e.getMessage().setHeader("id", id);
            });
            compare(c, id, "SelectOne", one, values.get(id), ex -> ((Map<String, Object>) ex.getMessage().getBody(Map.class)).get("v"));
        }
        Exchange stream = send(context, "direct:stream", select);
        compareRows(c, "StreamList", stream, values, ex -> ex.getMessage().getBody(List.class));
        compareRows(c, "consumer", consume(select, null), values, ex -> ex.getMessage().getBody(List.class));

        Exchange copyOut = context.createProducerTemplate().send("direct:copy-out", e -> e.getMessage().setHeader("uri",
                "covetpg:copy?sql=COPY (" + select + ") TO STDOUT"));
        // COPY writes each type's output text, which is not always v::text (boolean t, char(n) padded): pgjdbc's COPY is the oracle
        Map<Integer, String> copied = copyOut.getException() == null ? copyText(copyOut.getMessage().getBody(String.class)) : Map.of();
        Map<Integer, String> expectedCopy = copyText(jdbcCopyOut("COPY (" + select + ") TO STDOUT"));
        for (Integer id : oracle.keySet()) {
            boolean same = copyOut.getException() == null && Objects.equals(copied.get(id), expectedCopy.get(id));
            record(c, id, "COPY out", same ? Outcome.SAME : copyOut.getException() != null ? Outcome.FAILED : Outcome.DIFFERENT,
                    copyOut.getException() != null ? copyOut.getException().toString() : "COPY out gave other text than pgjdbc's COPY");
        }

        // writes: the values SelectList read, back into a column of the same type
        List<Map<String, Object>> rows = new ArrayList<>();
        values.forEach((id, v) -> rows.add(row(id, v)));
        for (String path : WRITES) {
            String dst = src + "_w";
            db.execute("DROP TABLE IF EXISTS " + dst, "CREATE TABLE " + dst + " (LIKE " + src + ")");
            Map<Integer, String> failures = write(path, dst, src, rows);
            Map<Integer, String> stored = oracle(dst);
            for (Integer id : oracle.keySet()) {
                if (failures.containsKey(id)) {
                    boolean refused = path.equals("COPY binary") && failures.get(id).contains("COPY in binary format cannot write column v")
                            && stored.isEmpty();
                    record(c, id, path, refused ? Outcome.REFUSED : Outcome.FAILED, failures.get(id));
                } else if (!stored.containsKey(id)) {
                    record(c, id, path, Outcome.FAILED, "the row was not written");
                } else {
                    boolean same = Objects.equals(stored.get(id), oracle.get(id));
                    record(c, id, path, same ? Outcome.SAME : Outcome.DIFFERENT, "stored other text than it read");
                }
            }
        }
    }

    /** Writes the rows by one path; returns the failure of each row that failed (all of them when the path fails as a whole). */
    private Map<Integer, String> write(String path, String dst, String src, List<Map<String, Object>> rows) throws Exception {
        Map<Integer, String> failures = new TreeMap<>();
        String insert = "INSERT INTO " + dst + " VALUES (:#id, :#v)";
        switch (path) {
            case "query" -> rows.forEach(row -> fail(failures, row, send(context, "covetpg:query?sql=" + insert, row)));
            case "query in a route transaction" -> {
                Exchange tx = context.createProducerTemplate().send("direct:tx", e -> {
                    e.getMessage().setBody(rows);
                    e.getMessage().setHeader("uri", "covetpg:query?sql=" + insert);
                });
                rows.forEach(row -> fail(failures, row, tx));
            }
            case "batch sql" -> {
                List<List<Object>> sets = new ArrayList<>();
                rows.forEach(row -> sets.add(Arrays.asList(row.get("id"), row.get("v"))));
                Exchange batch = send(context, "covetpg:batch?sql=INSERT INTO " + dst + " VALUES ($1, $2)", sets);
                rows.forEach(row -> fail(failures, row, batch));
            }
            case "batch table" -> {
                Exchange batch = send(context, "covetpg:batch?table=" + dst, rows);
                rows.forEach(row -> fail(failures, row, batch));
            }
            case "COPY text", "COPY csv", "COPY binary" -> {
                String format = path.substring(5);
                Exchange copy = send(context, "covetpg:copy?table=" + dst + "&format=" + format, rows);
                rows.forEach(row -> fail(failures, row, copy));
            }
            case "consumer onConsume" -> {
                Exchange last = consume("SELECT id, v FROM " + src + " ORDER BY id", insert);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while ((Long) db.queryValue("SELECT count(*) FROM " + dst) < rows.size() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                if (last == null || last.getException() != null) {
                    rows.forEach(row -> failures.put((Integer) row.get("id"), "the consumer failed: " + (last == null ? "no exchange" : last.getException())));
                }
            }
            default -> throw new IllegalArgumentException(path);
        }
        return failures;
    }

    private static void fail(Map<Integer, String> failures, Map<String, Object> row, Exchange exchange) {
        if (exchange.getException() != null) {
            failures.put((Integer) row.get("id"), exchange.getException().toString());
        }
    }

    private static Map<String, Object> row(Integer id, Object v) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("v", v);
        return row;
    }

    /** Runs a consumer over {@code select} once (with {@code onConsume}, when given) and returns its last exchange. */
    private Exchange consume(String select, String onConsume) throws Exception {
        consumed.clear();
        String id = "fid-consumer";
        String uri = "covetpg:query?sql=" + select + "&chunkSize=3&repeatCount=1&initialDelay=0" + (onConsume == null ? "" : "&onConsume=" + onConsume);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId(id).process(e -> consumed.add(e.copy()));
            }
        });
        await(() -> !consumed.isEmpty() && Boolean.TRUE.equals(consumed.get(consumed.size() - 1).getMessage().getHeader(CovetPgConstants.LAST_CHUNK)),
                "the consumer's last chunk");
        context.getRouteController().stopRoute(id);
        context.removeRoute(id);
        if (consumed.size() == 1) {
            return consumed.get(0);
        }
        // the chunks together, as one exchange whose body is every row
        Exchange all = consumed.get(consumed.size() - 1).copy();
        List<Object> rows = new ArrayList<>();
        consumed.forEach(e -> rows.addAll(e.getMessage().getBody(List.class)));
        all.getMessage().setBody(rows);
        return all;
    }

    /** The server's text of every value, by id. */
    private static Map<Integer, String> oracle(String table) {
        Map<Integer, String> text = new TreeMap<>();
        for (Map<String, Object> row : db.query("SELECT id, v::text AS v FROM " + table)) {
            text.put((Integer) row.get("id"), (String) row.get("v"));
        }
        return text;
    }

    private void compare(FidelityCases.Case c, int id, String path, Exchange exchange, Object expected,
                         java.util.function.Function<Exchange, Object> value) {
        if (exchange.getException() != null) {
            record(c, id, path, Outcome.FAILED, exchange.getException().toString());
            return;
        }
        Object actual = value.apply(exchange);
        record(c, id, path, Objects.deepEquals(actual, expected) ? Outcome.SAME : Outcome.DIFFERENT,
                "read " + describe(actual) + " where SelectList read " + describe(expected));
    }

    @SuppressWarnings("unchecked")
    private void compareRows(FidelityCases.Case c, String path, Exchange exchange, Map<Integer, Object> expected,
                             java.util.function.Function<Exchange, List<?>> rows) {
        if (exchange == null || exchange.getException() != null) {
            expected.keySet().forEach(id -> record(c, id, path, Outcome.FAILED, exchange == null ? "no exchange" : exchange.getException().toString()));
            return;
        }
        Map<Integer, Object> actual = new LinkedHashMap<>();
        for (Object row : rows.apply(exchange)) {
            Map<String, Object> map = (Map<String, Object>) row;
            actual.put((Integer) map.get("id"), map.get("v"));
        }
        for (Integer id : expected.keySet()) {
            if (!actual.containsKey(id)) {
                record(c, id, path, Outcome.FAILED, "row missing");
            } else {
                Object a = actual.get(id);
                record(c, id, path, Objects.deepEquals(a, expected.get(id)) ? Outcome.SAME : Outcome.DIFFERENT,
                        "read " + describe(a) + " where SelectList read " + describe(expected.get(id)));
            }
        }
    }

    private static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        String text = v.getClass().isArray() ? Arrays.deepToString(new Object[] {v}) : String.valueOf(v);
        return v.getClass().getSimpleName() + " " + (text.length() > 80 ? text.substring(0, 80) + "..." : text);
    }

    private void record(FidelityCases.Case c, int id, String path, Outcome outcome, String why) {
        String key = c.type() + " #" + id;
        results.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(path, outcome);
        if (outcome == Outcome.DIFFERENT || outcome == Outcome.FAILED) {
            String value = id <= c.values().size() ? c.values().get(id - 1) : "NULL";
            differences.add(outcome + " " + c.type() + " " + (value.length() > 60 ? value.substring(0, 60) + "..." : value) + " by "
                    + path + ": " + (why.length() > 300 ? why.substring(0, 300) + "..." : why));
        }
    }

    /** COPY's text output, by id: each line is id, tab, the value with COPY's escapes, or \N. */
    private static Map<Integer, String> copyText(String out) {
        Map<Integer, String> values = new TreeMap<>();
        for (String line : out.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            int tab = line.indexOf('\t');
            String field = line.substring(tab + 1);
            values.put(Integer.valueOf(line.substring(0, tab)), field.equals("\\N") ? null : unescape(field));
        }
        return values;
    }

    private static String unescape(String field) {
        StringBuilder sb = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char ch = field.charAt(i);
            if (ch != '\\' || i + 1 == field.length()) {
                sb.append(ch);
                continue;
            }
            char next = field.charAt(++i);
            switch (next) {
                case 't' -> sb.append('\t');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'v' -> sb.append('\u000B');
                default -> sb.append(next);
            }
        }
        return sb.toString();
    }

    private static String jdbcCopyOut(String sql) throws Exception {
        try (Connection jdbc = db.jdbc()) {
            java.io.StringWriter out = new java.io.StringWriter();
            new org.postgresql.copy.CopyManager(jdbc.unwrap(org.postgresql.core.BaseConnection.class)).copyOut(sql, out);
            return out.toString();
        }
    }

    private record PeerFigure(int same, int different, int failed) {
    }

    /** The same values through pgjdbc alone: getObject on a read, setObject on a write, compared by the server. */
    private PeerFigure pgjdbcRoundTrip(List<FidelityCases.Case> cases) throws Exception {
        int same = 0;
        int different = 0;
        int failed = 0;
        try (Connection jdbc = db.jdbc()) {
            for (int n = 0; n < cases.size(); n++) {
                String src = schema + ".t" + n;
                String dst = src + "_jdbc";
                db.execute("CREATE TABLE " + dst + " (LIKE " + src + ")");
                Map<Integer, String> oracle = oracle(src);
                for (Integer id : oracle.keySet()) {
                    try (PreparedStatement read = jdbc.prepareStatement("SELECT v FROM " + src + " WHERE id = ?");
                         PreparedStatement write = jdbc.prepareStatement("INSERT INTO " + dst + " VALUES (?, ?)")) {
                        read.setInt(1, id);
                        Object v;
                        try (ResultSet rs = read.executeQuery()) {
                            rs.next();
                            v = rs.getObject(1);
                        }
                        write.setInt(1, id);
                        write.setObject(2, v);
                        write.executeUpdate();
                    } catch (Exception e) {
                        failed++;
                        continue;
                    }
                    if (Objects.equals(oracle(dst).get(id), oracle.get(id))) {
                        same++;
                    } else {
                        different++;
                    }
                }
            }
        }
        return new PeerFigure(same, different, failed);
    }
}
