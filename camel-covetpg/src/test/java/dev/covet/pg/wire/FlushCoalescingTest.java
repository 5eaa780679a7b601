package dev.covet.pg.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.copy.CopyIn;
import dev.covet.pg.copy.CopyInStream;
import dev.covet.pg.copy.CopyTestSupport;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Statements pipelined on one connection reach the socket in one flush (one write system call)
 * with the handler, and in one flush each without it; every statement still gets its own answer,
 * and a COPY runs on a connection that has it.
 */
class FlushCoalescingTest extends CopyTestSupport {

    private static final int STATEMENTS = 50;
    private static final String STATEMENT = "SELECT $1::int * 2";

    @Test
    void statementsSentTogetherShareOneFlush() {
        SqlConnection connection = connection(pool(1));
        FlushCoalescing.apply(connection);
        FlushCoalescing.apply(connection); // a second call adds nothing
        assertThat(FlushCoalescing.isApplied(connection)).isTrue();
        assertThat(socketFlushes(connection)).isEqualTo(1);
    }

    @Test
    void withoutItEveryStatementIsFlushedAlone() {
        SqlConnection connection = connection(pool(1));
        assertThat(FlushCoalescing.isApplied(connection)).isFalse();
        assertThat(socketFlushes(connection)).isEqualTo(STATEMENTS);
    }

    @Test
    void aCopyRunsOnAConnectionThatHasIt() throws Exception {
        String table = table("flush_copy");
        db.execute("CREATE TABLE " + table + " (id int, v text)");
        SqlConnection connection = connection(pool(1));
        FlushCoalescing.apply(connection);
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            rows.append(i).append('\t').append("v").append(i).append('\n');
        }
        try (CopyInStream in = CopyIn.start(connection, "COPY " + table + " (id, v) FROM STDIN")) {
            // in small writes, so that many are waiting for a flush at once
            for (String row : rows.toString().split("(?<=\n)")) {
                in.write(row.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            assertThat(in.finish()).isEqualTo(10_000L);
        }
        assertThat(count(table)).isEqualTo(10_000);
        assertThat(db.queryValue("SELECT sum(id)::bigint FROM " + table)).isEqualTo(49_995_000L);
        assertThat(selectOne(connection)).isEqualTo(1);
        db.execute("DROP TABLE " + table);
    }

    /**
     * Sends {@value #STATEMENTS} statements from one task on the connection's event loop (as
     * statements queued there from route threads are run) and counts the flushes that reach the
     * socket, after checking each answer.
     */
    private static int socketFlushes(SqlConnection connection) {
        AtomicInteger flushes = new AtomicInteger();
        var pipeline = SocketAccess.pipeline(connection);
        pipeline.addFirst("count-flushes", new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                flushes.incrementAndGet();
                ctx.flush();
            }
        });
        // prepared (and cached) first: a statement waiting for its Prepare holds back the ones behind it
        assertThat(await(connection.preparedQuery(STATEMENT).execute(Tuple.of(1))).iterator().next().getInteger(0)).isEqualTo(2);
        int before = flushes.get();
        Promise<List<Future<RowSet<Row>>>> sent = Promise.promise();
        SocketAccess.socketOf(connection).context().runOnContext(v -> {
            List<Future<RowSet<Row>>> answers = new ArrayList<>();
            for (int i = 0; i < STATEMENTS; i++) {
                answers.add(connection.preparedQuery(STATEMENT).execute(Tuple.of(i)));
            }
            sent.complete(answers);
        });
        List<Future<RowSet<Row>>> answers = await(sent.future());
        for (int i = 0; i < STATEMENTS; i++) {
            assertThat(await(answers.get(i)).iterator().next().getInteger(0)).as("answer " + i).isEqualTo(i * 2);
        }
        pipeline.remove("count-flushes");
        return flushes.get() - before;
    }
}
