package dev.covet.pg.copy;

import io.vertx.sqlclient.SqlConnection;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * Not a test: times COPY of 1,000,000 narrow rows (two int columns, text format) through CopyIn,
 * pgjdbc's CopyManager and {@code psql \copy}, the same bytes each, three rounds interleaved, and
 * prints the medians. Run with
 * {@code mvn -B -q test -Dtest=CopyInTimingBench -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class CopyInTimingBench extends CopyTestSupport {

    private static final int ROWS = 1_000_000;
    private static final int ROUNDS = 3;

    @Test
    void copyAMillionNarrowRows() throws Exception {
        ByteArrayOutputStream rows = new ByteArrayOutputStream();
        StringBuilder batch = new StringBuilder();
        for (int i = 1; i <= ROWS; i++) {
            batch.append(i).append('\t').append(i * 7 % 1_000_003).append('\n');
            if (batch.length() > 60_000) {
                rows.write(batch.toString().getBytes(StandardCharsets.US_ASCII));
                batch.setLength(0);
            }
        }
        rows.write(batch.toString().getBytes(StandardCharsets.US_ASCII));
        byte[] data = rows.toByteArray();
        Path file = Files.createTempFile("covetpg-copy-bench", ".tsv");
        Files.write(file, data);
        String t = table("copy_bench");
        db.execute("CREATE TABLE " + t + " (a int, b int)");
        String sql = "COPY " + t + " (a, b) FROM STDIN";

        Map<String, List<Double>> times = new LinkedHashMap<>();
        SqlConnection conn = connection(pool(1));
        try (Connection jdbc = db.jdbc()) {
            // one warm-up of each, not counted
            for (int round = 0; round <= ROUNDS; round++) {
                db.execute("TRUNCATE " + t);
                long start = System.nanoTime();
                long copied;
                try (CopyInStream in = CopyIn.start(conn, sql)) {
                    in.write(data);
                    copied = in.finish();
                }
                record(times, "covetpg CopyIn", round, start, copied);

                db.execute("TRUNCATE " + t);
                start = System.nanoTime();
                copied = jdbc.unwrap(PGConnection.class).getCopyAPI().copyIn(sql, new ByteArrayInputStream(data));
                record(times, "pgjdbc CopyManager", round, start, copied);

                db.execute("TRUNCATE " + t);
                start = System.nanoTime();
                ProcessBuilder psql = new ProcessBuilder("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                        "-h", db.host(), "-p", String.valueOf(db.port()), "-U", db.user(), "-d", db.database(),
                        "-c", "\\copy " + t + " (a, b) FROM '" + file + "'");
                psql.environment().put("PGPASSWORD", db.password());
                psql.inheritIO();
                int exit = psql.start().waitFor();
                if (exit != 0) {
                    throw new IllegalStateException("psql exited with " + exit);
                }
                record(times, "psql \\copy (incl. process start)", round, start, ROWS);
            }
            // what psql's own start-up and connection cost, to read its figure against
            for (int round = 0; round <= ROUNDS; round++) {
                long start = System.nanoTime();
                ProcessBuilder psql = new ProcessBuilder("psql", "-X", "-q", "-h", db.host(),
                        "-p", String.valueOf(db.port()), "-U", db.user(), "-d", db.database(), "-c", "SELECT 1");
                psql.environment().put("PGPASSWORD", db.password());
                psql.redirectOutput(ProcessBuilder.Redirect.DISCARD);
                psql.start().waitFor();
                record(times, "psql -c 'SELECT 1' (start-up only)", round, start, ROWS);
            }
        } finally {
            conn.close();
            Files.deleteIfExists(file);
        }
        System.out.println("COPY of " + ROWS + " rows (" + data.length + " bytes, text, two int columns), "
                + ROUNDS + " rounds after one warm-up, against " + db);
        times.forEach((name, ms) -> System.out.printf("  %-36s median %7.1f ms   runs %s%n", name, median(ms), ms));
    }

    private static void record(Map<String, List<Double>> times, String name, int round, long start, long copied) {
        double ms = (System.nanoTime() - start) / 1e6;
        if (copied != ROWS) {
            throw new IllegalStateException(name + " copied " + copied + " rows");
        }
        if (round > 0) {
            times.computeIfAbsent(name, k -> new ArrayList<>()).add(Math.round(ms * 10) / 10.0);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
