package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.client.CovetPgUnknownOutcomeException;
import dev.covet.pg.client.PgSession;
import dev.covet.pg.wire.FlushCoalescing;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;

/** pipelining=true: statements share connections, each still gets its own answer, and the rest of the pool stays usable. */
class PipeliningTest extends CovetPgTestSupport {

    private static final String WHO = "covetpg:query?sql=SELECT pg_backend_pid() AS pid, CAST(:#i AS int) AS i&outputType=SelectOne";

    @Test
    void concurrentStatementsShareAtMostHalfThePoolAndEachGetsItsOwnAnswer() throws Exception {
        CamelContext context = startContext(c -> {
            c.setPipelining(true);
            c.setMinPoolSize(0);
            c.setMaxPoolSize(4);
        });
        ProducerTemplate template = template(context);
        List<CompletableFuture<Exchange>> sent = new ArrayList<>();
        // watched from a thread of its own: sampled only between sends, a fast server can leave nothing to see
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean watching = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                most.accumulateAndGet(covetpg(context).getPoolStatistics().inUse(), Math::max);
                Thread.onSpinWait();
            }
        });
        watcher.start();
        for (int i = 0; i < 300; i++) {
            int value = i;
            sent.add(template.asyncSend(WHO, e -> e.getMessage().setHeader("i", value)));
        }
        for (int i = 0; i < sent.size(); i++) {
            Exchange out = sent.get(i).get(60, TimeUnit.SECONDS);
            assertThat(out.getException()).isNull();
            Map<?, ?> row = out.getMessage().getBody(Map.class);
            assertThat(row.get("i")).as("answer to statement " + i).isEqualTo(i);
        }
        watching.set(false);
        watcher.join();
        int mostInUse = most.get();
        assertThat(mostInUse).as("connections held at once by 300 statements in flight").isBetween(1, 2);
        assertThat(covetpg(context).getPoolStatistics().totalAcquired()).as("connections borrowed for 300 statements").isLessThan(300);
        assertThat(covetpg(context).getPoolStatistics().inUse()).as("connections held once all answered").isZero();
    }

    @Test
    void everyPooledConnectionSendsWhatIsQueuedOnItInOneWrite() throws Exception {
        CamelContext context = startContext(c -> c.setMinPoolSize(2));
        try (PgSession first = covetpg(context).client().openSession(10_000);
             PgSession second = covetpg(context).client().openSession(10_000)) {
            assertThat(FlushCoalescing.isApplied(first.connection())).isTrue();
            assertThat(FlushCoalescing.isApplied(second.connection())).isTrue();
        }
    }

    @Test
    void aCommandTimeoutCancelsOnlyItsOwnStatement() throws Exception {
        CamelContext context = startContext(c -> {
            c.setPipelining(true);
            c.setMaxPoolSize(2);
        });
        ProducerTemplate template = template(context);
        CompletableFuture<Exchange> slow = template.asyncSend("covetpg:query?sql=SELECT pg_sleep(5)&commandTimeout=500", e -> { });
        List<CompletableFuture<Exchange>> quick = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int value = i;
            quick.add(template.asyncSend(WHO, e -> e.getMessage().setHeader("i", value)));
        }
        assertThat(slow.get(30, TimeUnit.SECONDS).getException()).isInstanceOf(CovetPgUnknownOutcomeException.class);
        for (CompletableFuture<Exchange> f : quick) {
            assertThat(f.get(30, TimeUnit.SECONDS).getException()).as("a pipelined neighbour of the cancelled statement").isNull();
        }
    }

    @Test
    void batchAndTransactionsStillGetConnectionsWhileStatementsArePipelined() throws Exception {
        String t = table("beside_pipeline");
        db.execute("CREATE TABLE " + t + " (n int)");
        CamelContext context = startContext(c -> {
            c.setPipelining(true);
            c.setMaxPoolSize(2);
            c.setAcquireTimeout(10_000);
        });
        ProducerTemplate template = template(context);
        List<CompletableFuture<Exchange>> load = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            load.add(template.asyncSend("covetpg:query?sql=SELECT pg_sleep(0.005)", e -> { }));
        }
        Exchange batch = template.send("covetpg:batch?table=" + t + "&columns=n", e -> e.getMessage().setBody(List.of(List.of(1), List.of(2))));
        assertThat(batch.getException()).isNull();
        for (CompletableFuture<Exchange> f : load) {
            assertThat(f.get(60, TimeUnit.SECONDS).getException()).isNull();
        }
        assertThat(db.queryValue("SELECT count(*) FROM " + t)).isEqualTo(2L);
    }
}
