package dev.covet.pg.copy;

import dev.covet.pg.wire.SocketAccess;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.Channel;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CopyInTest extends CopyTestSupport {

    @Test
    void copiesAMillionTextRowsGeneratedOnTheFly() throws Exception {
        String t = table("copy_in_million");
        db.execute("CREATE TABLE " + t + " (a int, b text)");
        Pool pool = pool(1);
        SqlConnection conn = connection(pool);
        try (CopyInStream in = CopyIn.start(conn, "COPY " + t + " (a, b) FROM STDIN")) {
            writeTextRows(in, 1, 1_000_000);
            assertThat(in.finish()).isEqualTo(1_000_000L);
        }
        assertThat(count(t)).isEqualTo(1_000_000L);
        assertThat(db.queryValue("SELECT sum(a)::bigint FROM " + t)).isEqualTo(500_000_500_000L);
        assertThat(db.queryValue("SELECT b FROM " + t + " WHERE a = 765432")).isEqualTo("row 765432");
        assertThat(selectOne(conn)).isEqualTo(1);
        conn.close();
    }

    @Test
    void copiesCsvWithQuotesNewlinesCommasAndUnicode() throws Exception {
        String t = table("copy_in_csv");
        db.execute("CREATE TABLE " + t + " (id int, v text)");
        List<String> values = Arrays.asList("plain", "a,b,c", "two\nlines", "crlf\r\nend", "say \"hi\"", "",
                null, "ünïcödé – 日本語 – 🚀", "\\backslash\\", " spaced ");
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            csv.append(i).append(',');
            if (v != null) {
                csv.append('"').append(v.replace("\"", "\"\"")).append('"');
            }
            csv.append('\n');
        }
        SqlConnection conn = connection(pool(1));
        long rows;
        try (CopyInStream in = CopyIn.start(conn, "COPY " + t + " (id, v) FROM STDIN (FORMAT csv)")) {
            in.write(csv.toString().getBytes(StandardCharsets.UTF_8));
            rows = in.finish();
        }
        assertThat(rows).isEqualTo(values.size());
        List<Map<String, Object>> stored = db.query("SELECT id, v FROM " + t + " ORDER BY id");
        List<String> got = new ArrayList<>();
        stored.forEach(r -> got.add((String) r.get("v")));
        assertThat(got).containsExactlyElementsOf(values);
        conn.close();
    }

    @Test
    void copiesBinaryFormatWrittenByHand() throws Exception {
        String t = table("copy_in_binary");
        db.execute("CREATE TABLE " + t + " (id int, v text)");
        Object[][] rows = {{1, "one"}, {-2, "ünï 🚀"}, {Integer.MAX_VALUE, null}, {0, ""}};
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write("PGCOPY\n\377\r\n\0".getBytes(StandardCharsets.ISO_8859_1));
        out.writeInt(0); // flags
        out.writeInt(0); // header extension length
        for (Object[] row : rows) {
            out.writeShort(2);
            out.writeInt(4);
            out.writeInt((Integer) row[0]);
            if (row[1] == null) {
                out.writeInt(-1);
            } else {
                byte[] text = ((String) row[1]).getBytes(StandardCharsets.UTF_8);
                out.writeInt(text.length);
                out.write(text);
            }
        }
        out.writeShort(-1);
        SqlConnection conn = connection(pool(1));
        try (CopyInStream in = CopyIn.start(conn, "COPY " + t + " (id, v) FROM STDIN (FORMAT binary)")) {
            // in small pieces, so that CopyData boundaries fall inside tuples, as they may
            byte[] all = bytes.toByteArray();
            for (int i = 0; i < all.length; i += 7) {
                in.write(all, i, Math.min(7, all.length - i));
                in.flush();
            }
            assertThat(in.finish()).isEqualTo(rows.length);
        }
        List<Map<String, Object>> stored = db.query("SELECT id, v FROM " + t + " ORDER BY id");
        assertThat(stored).extracting(r -> r.get("id")).containsExactly(-2, 0, 1, Integer.MAX_VALUE);
        assertThat(stored).extracting(r -> r.get("v")).containsExactly("ünï 🚀", "", "one", null);
        conn.close();
    }

    @Test
    void aDuplicateKeyMidStreamStopsTheWriterAndLeavesTheConnectionUsable() throws Exception {
        String t = table("copy_in_dup");
        db.execute("CREATE TABLE " + t + " (id int PRIMARY KEY, v text)");
        Pool pool = pool(1);
        SqlConnection conn = connection(pool);
        int pid = backendPid(conn);
        int total = 5_000_000;
        long written = 0;
        Throwable failure = null;
        CopyInStream in = CopyIn.start(conn, "COPY " + t + " (id, v) FROM STDIN");
        try {
            // row 1000 repeats id 1: the server fails the COPY there, while we still have millions to send
            StringBuilder batch = new StringBuilder();
            for (int i = 1; i <= total; i++) {
                batch.append(i == 1000 ? 1 : i).append("\trow ").append(i).append('\n');
                if (i % 10_000 == 0) {
                    in.write(batch.toString().getBytes(StandardCharsets.UTF_8));
                    written = i;
                    batch.setLength(0);
                }
            }
            in.finish();
        } catch (CopyFailedException e) {
            failure = e;
        } finally {
            in.close();
        }
        assertThat(failure).as("the COPY must fail").isNotNull();
        assertThat(written).as("the writer is stopped mid-stream, not at the end").isLessThan(total);
        PgException pg = pgCause(failure);
        assertThat(pg).isNotNull();
        assertThat(pg.getSqlState()).isEqualTo("23505");
        assertThat(((CopyFailedException) failure).getSqlState()).isEqualTo("23505");
        assertThat(count(t)).as("COPY is atomic").isZero();
        // the same connection, right after
        assertThat(selectOne(conn)).isEqualTo(1);
        assertThat(backendPid(conn)).isEqualTo(pid);
        // and again a COPY on it
        try (CopyInStream again = CopyIn.start(conn, "COPY " + t + " (id, v) FROM STDIN")) {
            writeTextRows(again, 1, 10);
            assertThat(again.finish()).isEqualTo(10);
        }
        conn.close();
        // given back to the pool in a usable state: the pool's only connection is the same backend
        assertThat(await(pool.query("SELECT pg_backend_pid()").execute()).iterator().next().getInteger(0)).isEqualTo(pid);
    }

    @Test
    void aMalformedRowFailsTheCopyWith22P02() throws Exception {
        String t = table("copy_in_bad");
        db.execute("CREATE TABLE " + t + " (id int, v text)");
        SqlConnection conn = connection(pool(1));
        CopyInStream in = CopyIn.start(conn, "COPY " + t + " (id, v) FROM STDIN");
        Throwable failure = null;
        try {
            writeTextRows(in, 1, 1000);
            in.write("not-a-number\tbad\n".getBytes(StandardCharsets.UTF_8));
            writeTextRows(in, 1001, 2000);
            in.finish();
        } catch (CopyFailedException e) {
            failure = e;
        } finally {
            in.close();
        }
        assertThat(pgCause(failure)).isNotNull();
        assertThat(pgCause(failure).getSqlState()).isEqualTo("22P02");
        assertThat(count(t)).isZero();
        assertThat(selectOne(conn)).isEqualTo(1);
        conn.close();
    }

    @Test
    void abortRollsBackAndLeavesTheConnectionUsable() throws Exception {
        String t = table("copy_in_abort");
        db.execute("CREATE TABLE " + t + " (id int, v text)");
        Pool pool = pool(1);
        SqlConnection conn = connection(pool);
        CopyInStream in = CopyIn.start(conn, "COPY " + t + " (id, v) FROM STDIN");
        writeTextRows(in, 1, 200_000);
        in.abort("test gives up");
        assertThat(count(t)).isZero();
        assertThat(selectOne(conn)).isEqualTo(1);
        assertThatThrownBy(in::finish).isInstanceOf(IOException.class).hasMessageContaining("aborted");

        // closing without finish() aborts as well
        try (CopyInStream closed = CopyIn.start(conn, "COPY " + t + " (id, v) FROM STDIN")) {
            writeTextRows(closed, 1, 1000);
        }
        assertThat(count(t)).isZero();
        assertThat(selectOne(conn)).isEqualTo(1);
        conn.close();
    }

    @Test
    void refusesToStartOnAnEventLoopThread() {
        SqlConnection conn = connection(pool(1));
        CompletableFuture<Throwable> seen = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            try {
                CopyIn.start(conn, "COPY pg_catalog.pg_class FROM STDIN").close();
                seen.complete(null);
            } catch (Throwable e) {
                seen.complete(e);
            }
        });
        assertThat(seen.join()).isInstanceOf(IllegalStateException.class).hasMessageContaining("event loop");
        CompletableFuture<Throwable> outSeen = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            try {
                CopyOut.start(conn, "COPY (SELECT 1) TO STDOUT").close();
                outSeen.complete(null);
            } catch (Throwable e) {
                outSeen.complete(e);
            }
        });
        assertThat(outSeen.join()).isInstanceOf(IllegalStateException.class).hasMessageContaining("event loop");
        assertThat(selectOne(conn)).isEqualTo(1);
        conn.close();
    }

    @Test
    void refusesAConnectionWithACommandInFlight() throws Exception {
        String t = table("copy_in_inflight");
        db.execute("CREATE TABLE " + t + " (id int, v text)");
        SqlConnection conn = connection(pool(1));
        var sleeping = conn.query("SELECT pg_sleep(0.5)").execute();
        assertThatThrownBy(() -> CopyIn.start(conn, "COPY " + t + " (id, v) FROM STDIN"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("in flight");
        await(sleeping);
        try (CopyInStream in = CopyIn.start(conn, "COPY " + t + " (id, v) FROM STDIN")) {
            writeTextRows(in, 1, 3);
            assertThat(in.finish()).isEqualTo(3);
        }
        conn.close();
    }

    @Test
    void commandsIssuedDuringTheCopyRunAfterIt() throws Exception {
        String t = table("copy_in_queued");
        db.execute("CREATE TABLE " + t + " (id int, v text)");
        SqlConnection conn = connection(pool(1));
        CopyInStream in = CopyIn.start(conn, "COPY " + t + " (id, v) FROM STDIN");
        writeTextRows(in, 1, 5000);
        // queued by Vert.x behind the COPY, not written into it
        var count = conn.query("SELECT count(*) FROM " + t).execute();
        writeTextRows(in, 5001, 10_000);
        assertThat(in.finish()).isEqualTo(10_000);
        assertThat(await(count).iterator().next().getLong(0)).isEqualTo(10_000L);
        conn.close();
    }

    @Test
    void reportsWhatTheServerRefusesAndWhatIsNotACopyFromStdin() throws Exception {
        String t = table("copy_in_wrong");
        db.execute("CREATE TABLE " + t + " (id int, v text)");
        Pool pool = pool(1);
        SqlConnection conn = connection(pool);
        assertThatThrownBy(() -> CopyIn.start(conn, "COPY no_such_table_here FROM STDIN"))
                .isInstanceOf(CopyFailedException.class)
                .satisfies(e -> assertThat(((CopyFailedException) e).getSqlState()).isEqualTo("42P01"));
        assertThatThrownBy(() -> CopyIn.start(conn, "SELECT 1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CopyIn.start(conn, "COPY (SELECT g FROM generate_series(1, 100000) g) TO STDOUT"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CopyOut");
        // the unwanted COPY was cancelled; when it had ended first, the cancel could still hit the next
        // statement, so that connection was closed instead: the pool's next one must work either way
        conn.close();
        SqlConnection next = connection(pool);
        assertThat(selectOne(next)).isEqualTo(1);
        assertThatThrownBy(() -> CopyOut.start(next, "COPY " + t + " FROM STDIN"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CopyIn");
        next.close();
        SqlConnection last = connection(pool);
        assertThat(selectOne(last)).isEqualTo(1);
        assertThat(count(t)).isZero();
        last.close();
    }

    @Test
    void aWriterBlocksWhileTheServerDoesNotRead() throws Exception {
        String t = table("copy_in_pressure");
        db.execute("CREATE TABLE " + t + " (id int PRIMARY KEY, v text)");
        SqlConnection conn = connection(pool(1));
        int pid = backendPid(conn);
        Channel channel = SocketAccess.socketOf(conn).socket().channelHandlerContext().channel();
        int total = 2_000_000;
        AtomicLong written = new AtomicLong();
        long rows;
        // an uncommitted insert of id 1000 makes the COPY wait on its unique check at that row, mid-stream
        try (java.sql.Connection blocker = db.jdbc()) {
            blocker.setAutoCommit(false);
            blocker.createStatement().execute("INSERT INTO " + t + " VALUES (1000, 'blocker')");
            CopyInStream in = CopyIn.start(conn, "COPY " + t + " (id, v) FROM STDIN");
            CompletableFuture<Long> writer = CompletableFuture.supplyAsync(() -> {
                try {
                    StringBuilder batch = new StringBuilder();
                    for (int i = 1; i <= total; i++) {
                        batch.append(i).append("\trow ").append(i).append(" of a COPY that the server stops reading\n");
                        if (i % 1000 == 0) {
                            in.write(batch.toString().getBytes(StandardCharsets.UTF_8));
                            written.set(i);
                            batch.setLength(0);
                        }
                    }
                    return in.finish();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(waitEvent(pid, "transactionid")).as("the COPY waits for the blocker").isTrue();
            // the writer fills the socket buffers, then must stop: wait until it makes no progress
            long before;
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
            do {
                before = written.get();
                Thread.sleep(300);
            } while (written.get() != before && System.nanoTime() < deadline);
            long pending = channel.unsafe().outboundBuffer() == null ? 0
                    : channel.unsafe().outboundBuffer().totalPendingWriteBytes();
            System.out.println("writer stalled after " + written.get() + " of " + total + " rows, "
                    + pending + " bytes pending in the channel");
            assertThat(writer).isNotDone();
            assertThat(written.get()).isLessThan(total);
            assertThat(pending).as("queued in the client while the server does not read").isLessThan(1024 * 1024);
            blocker.rollback();
            rows = writer.get(120, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertThat(rows).isEqualTo(total);
        assertThat(count(t)).isEqualTo(total);
        assertThat(selectOne(conn)).isEqualTo(1);
        conn.close();
    }

    @Test
    void aBackendTerminatedMidStreamFailsTheWriterInsteadOfHangingIt() throws Exception {
        String t = table("copy_in_killed");
        db.execute("CREATE TABLE " + t + " (id int, v text)");
        SqlConnection conn = connection(pool(1));
        int pid = backendPid(conn);
        CopyInStream in = CopyIn.start(conn, "COPY " + t + " (id, v) FROM STDIN");
        writeTextRows(in, 1, 1000);
        in.flush();
        db.queryValue("SELECT pg_terminate_backend(" + pid + ")");
        assertThatThrownBy(() -> {
            for (int i = 0; i < 10_000; i++) {
                writeTextRows(in, 1, 1000);
            }
            in.finish();
        }).isInstanceOf(CopyFailedException.class);
        in.close();
        assertThat(count(t)).isZero();
    }

    private static boolean waitEvent(int pid, String waitEvent) throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (waitEvent.equals(db.queryValue("SELECT wait_event FROM pg_stat_activity WHERE pid = " + pid))) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** Rows {@code a\trow a\n} for a in [from, to], written in batches. */
    static void writeTextRows(java.io.OutputStream out, int from, int to) throws IOException {
        StringBuilder batch = new StringBuilder(1 << 16);
        for (int i = from; i <= to; i++) {
            batch.append(i).append("\trow ").append(i).append('\n');
            if (batch.length() > 60_000) {
                out.write(batch.toString().getBytes(StandardCharsets.UTF_8));
                batch.setLength(0);
            }
        }
        out.write(batch.toString().getBytes(StandardCharsets.UTF_8));
    }
}
