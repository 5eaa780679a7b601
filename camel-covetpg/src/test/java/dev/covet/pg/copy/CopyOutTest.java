package dev.covet.pg.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.covet.pg.wire.SocketAccess;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

class CopyOutTest extends CopyTestSupport {

    /** Text that exercises the escaping of both formats: tabs, backslashes, quotes, commas, newlines, unicode, NULL. */
    private static final String ROWS = "SELECT g, md5(g::text) AS h, E'tab\\there \\\\ back' AS e,"
            + " 'say \"hi\", ' || g AS q, E'two\\nlines' AS n, 'ünï 日本 🚀' AS u,"
            + " CASE WHEN g % 7 = 0 THEN NULL ELSE g * 1.5 END AS x"
            + " FROM generate_series(1, 300000) g";

    @Test
    void textOutputEqualsPgjdbcByteForByte() throws Exception {
        assertSameAsPgjdbc("COPY (" + ROWS + ") TO STDOUT");
    }

    @Test
    void csvOutputEqualsPgjdbcByteForByte() throws Exception {
        assertSameAsPgjdbc("COPY (" + ROWS + ") TO STDOUT (FORMAT csv, HEADER true)");
    }

    @Test
    void binaryOutputEqualsPgjdbcByteForByte() throws Exception {
        assertSameAsPgjdbc("COPY (" + ROWS + ") TO STDOUT (FORMAT binary)");
    }

    private void assertSameAsPgjdbc(String sql) throws Exception {
        byte[] expected;
        try (Connection jdbc = db.jdbc()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            jdbc.unwrap(PGConnection.class).getCopyAPI().copyOut(sql, out);
            expected = out.toByteArray();
        }
        SqlConnection conn = connection(pool(1));
        byte[] actual;
        try (CopyOutStream in = CopyOut.start(conn, sql)) {
            actual = in.readAllBytes();
            assertThat(in.read()).isEqualTo(-1);
        }
        assertThat(actual.length).isEqualTo(expected.length);
        assertThat(actual).isEqualTo(expected);
        assertThat(selectOne(conn)).isEqualTo(1);
        conn.close();
    }

    @Test
    void closingEarlyCancelsTheCopyAndLeavesTheConnectionUsable() throws Exception {
        Pool pool = pool(1);
        SqlConnection conn = connection(pool);
        int pid = backendPid(conn);
        CopyOutStream in = CopyOut.start(conn,
                "COPY (SELECT g, md5(g::text) FROM generate_series(1, 5000000) g) TO STDOUT");
        byte[] first = in.readNBytes(10_000);
        assertThat(first).hasSize(10_000);
        long started = System.nanoTime();
        in.close();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        System.out.println("CopyOutStream.close() after 10 kB of a 5M-row COPY took " + took.toMillis() + " ms");
        // the cancel ended the COPY (57014), so the connection is clean and kept
        assertThat(selectOne(conn)).isEqualTo(1);
        assertThat(backendPid(conn)).isEqualTo(pid);
        assertThatThrownBy(in::read).isInstanceOf(IOException.class);
        conn.close();
        assertThat(await(pool.query("SELECT pg_backend_pid()").execute()).iterator().next().getInteger(0)).isEqualTo(pid);
        // a generous bound only: draining the whole 5M rows instead of cancelling would still pass on a
        // fast machine, which is what the message below is for
        assertThat(took).as("close() cancels rather than drains").isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void aSlowReaderHoldsTheServerBackInsteadOfBuffering() throws Exception {
        SqlConnection conn = connection(pool(1));
        int pid = backendPid(conn);
        long total = 0;
        try (CopyOutStream in = CopyOut.start(conn,
                "COPY (SELECT g, md5(g::text), md5((g + 1)::text) FROM generate_series(1, 1500000) g) TO STDOUT")) {
            byte[] buf = new byte[8192];
            // take a little, then stop reading: the server must end up waiting to write to us
            while (total < 512 * 1024) {
                total += in.read(buf);
            }
            assertThat(waitEventBecomes(pid, "ClientWrite"))
                    .as("the server waits in ClientWrite while the reader does not read").isTrue();
            int n;
            int reads = 0;
            while ((n = in.read(buf)) >= 0) {
                total += n;
                if (++reads % 200 == 0) {
                    Thread.sleep(1);
                }
            }
            System.out.println("slow reader: " + total + " bytes read, peak buffered " + in.peakBufferedBytes() + " bytes");
            assertThat(total).isGreaterThan(64L * 1024 * 1024);
            assertThat(in.peakBufferedBytes()).isLessThan(4L * 1024 * 1024);
        }
        assertThat(selectOne(conn)).isEqualTo(1);
        conn.close();
    }

    /** Polls pg_stat_activity (over JDBC) for up to 20 s; true once the backend shows the wait event. */
    private static boolean waitEventBecomes(int pid, String waitEvent) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            Object seen = db.queryValue("SELECT wait_event FROM pg_stat_activity WHERE pid = " + pid);
            if (waitEvent.equals(seen)) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    @Test
    void aFailureMidStreamComesAfterTheDataBeforeIt() throws Exception {
        SqlConnection conn = connection(pool(1));
        CopyOutStream in = CopyOut.start(conn,
                "COPY (SELECT g, 1 / (100000 - g) FROM generate_series(1, 200000) g) TO STDOUT");
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        Throwable failure = null;
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                got.write(buf, 0, n);
            }
        } catch (CopyFailedException e) {
            failure = e;
        } finally {
            in.close();
        }
        assertThat(failure).isNotNull();
        assertThat(((CopyFailedException) failure).getSqlState()).isEqualTo("22012");
        assertThat(got.size()).isPositive();
        assertThat(got.toString()).startsWith("1\t0\n");
        assertThat(selectOne(conn)).isEqualTo(1);
        conn.close();
    }

    @Test
    void aBackendTerminatedMidStreamFailsTheReaderInsteadOfHangingIt() throws Exception {
        SqlConnection conn = connection(pool(1));
        int pid = backendPid(conn);
        CopyOutStream in = CopyOut.start(conn,
                "COPY (SELECT g, md5(g::text) FROM generate_series(1, 5000000) g) TO STDOUT");
        in.readNBytes(10_000);
        db.queryValue("SELECT pg_terminate_backend(" + pid + ")");
        assertThatThrownBy(() -> in.transferTo(java.io.OutputStream.nullOutputStream()))
                .isInstanceOf(CopyFailedException.class);
        in.close();
    }

    @Test
    void readingToTheEndFreesTheConnection() throws Exception {
        SqlConnection conn = connection(pool(1));
        for (int i = 0; i < 3; i++) {
            try (CopyOutStream in = CopyOut.start(conn, "COPY (SELECT g FROM generate_series(1, 3) g) TO STDOUT")) {
                assertThat(new String(in.readAllBytes())).isEqualTo("1\n2\n3\n");
            }
            assertThat(selectOne(conn)).isEqualTo(1);
        }
        try (CopyOutStream in = CopyOut.start(conn, "COPY (SELECT 1 WHERE false) TO STDOUT")) {
            assertThat(in.read()).isEqualTo(-1);
        }
        conn.close();
    }

    @Test
    void theHandlerIsGoneAfterTheCopy() throws Exception {
        SqlConnection conn = connection(pool(1));
        // more than the stream buffers, so that the COPY cannot have ended before we look
        try (CopyOutStream in = CopyOut.start(conn, "COPY (SELECT g FROM generate_series(1, 1000000) g) TO STDOUT")) {
            assertThat(SocketAccess.pipeline(conn).names())
                    .contains(CopyFrameHandler.NAME);
            in.readAllBytes();
        }
        assertThat(SocketAccess.pipeline(conn).names())
                .doesNotContain(CopyFrameHandler.NAME);
        conn.close();
    }
}
