package dev.covet.pg.copy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** COPYs in and out, aborted ones and plain queries, all at once on a small pool: no connection may be lost. */
class CopyConcurrencyTest extends CopyTestSupport {

    @Test
    void copiesAndQueriesShareAPoolWithoutLosingAConnection() throws Exception {
        String t = table("copy_concurrent");
        db.execute("CREATE TABLE " + t + " (id int, v text)");
        Pool pool = pool(3);
        ExecutorService threads = Executors.newFixedThreadPool(6);
        List<Future<Long>> results = new ArrayList<>();
        try {
            for (int w = 0; w < 6; w++) {
                int worker = w;
                results.add(threads.submit(() -> {
                    long copied = 0;
                    for (int i = 0; i < 15; i++) {
                        SqlConnection conn = connection(pool);
                        try {
                            switch ((worker + i) % 4) {
                                case 0 -> {
                                    try (CopyInStream in = CopyIn.start(conn, "COPY " + t + " (id, v) FROM STDIN")) {
                                        CopyInTest.writeTextRows(in, 1, 5000);
                                        copied += in.finish();
                                    }
                                }
                                case 1 -> {
                                    try (CopyInStream in = CopyIn.start(conn, "COPY " + t + " (id, v) FROM STDIN")) {
                                        CopyInTest.writeTextRows(in, 1, 5000);
                                        in.abort("giving up on purpose");
                                    }
                                }
                                case 2 -> {
                                    CopyOutStream out = CopyOut.start(conn,
                                            "COPY (SELECT g FROM generate_series(1, 200000) g) TO STDOUT");
                                    out.readNBytes(1000 + worker * 100);
                                    out.close();
                                    if (out.closedConnection()) {
                                        // the COPY had ended before the cancel took effect: the stray
                                        // cancel must not reach the next statement, so the connection went
                                        await(conn.close());
                                        conn = connection(pool);
                                    }
                                }
                                default -> {
                                    // pipelined queries on the same connection, then it is handed on
                                    var a = conn.query("SELECT 1").execute();
                                    var b = conn.query("SELECT 2").execute();
                                    assertThat(await(a).iterator().next().getInteger(0)).isEqualTo(1);
                                    assertThat(await(b).iterator().next().getInteger(0)).isEqualTo(2);
                                }
                            }
                            assertThat(selectOne(conn)).isEqualTo(1);
                        } finally {
                            await(conn.close());
                        }
                    }
                    return copied;
                }));
            }
            long copied = 0;
            for (Future<Long> r : results) {
                copied += r.get(5, TimeUnit.MINUTES);
            }
            assertThat(count(t)).isEqualTo(copied);
        } finally {
            threads.shutdownNow();
        }
        assertThat(await(pool.query("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'ClientRead'"
                + " AND state = 'active'").execute()).iterator().next().getLong(0)).isZero();
    }
}
