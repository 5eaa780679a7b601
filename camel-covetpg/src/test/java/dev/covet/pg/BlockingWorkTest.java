package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.tx.CovetPgTransactionPolicy;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Work that waits on the database, called on an event loop (a whole batch, the start of a route
 * transaction), runs on threads of its own, never on the completion threads that every route
 * continuation needs: else a batch waiting there for a connection a transaction holds would keep
 * that transaction from finishing, and nothing would move until acquireTimeout. And they run
 * inside a Camel reactive loop: a route transaction started from an event loop once hung after
 * its BEGIN, its steps queued for a loop that did not run.
 */
class BlockingWorkTest extends CovetPgTestSupport {

    private final Vertx callers = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));

    @AfterEach
    void closeCallers() throws Exception {
        callers.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Sends on an event loop of its own, as a Vert.x-based consumer would. */
    private CompletableFuture<Exchange> sendFromAnEventLoop(CamelContext context, String uri, Object body) {
        CompletableFuture<Exchange> done = new CompletableFuture<>();
        callers.getOrCreateContext().runOnContext(v -> done.complete(send(context, uri, body)));
        return done;
    }

    @Test
    void synchronousCalledOnAnEventLoopStaysAsynchronous() throws Exception {
        java.util.concurrent.atomic.AtomicReference<String> thread = new java.util.concurrent.atomic.AtomicReference<>();
        CamelContext context = newContext(c -> { }, new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:q").to("covetpg:query?synchronous=true&outputType=SelectValue&sql=SELECT 6")
                        .process(e -> thread.set(Thread.currentThread().getName()));
            }
        });
        context.start();
        Exchange out = sendFromAnEventLoop(context, "direct:q", null).get(20, TimeUnit.SECONDS);
        assertThat(out.getException()).isNull();
        assertThat(out.getMessage().getBody()).isEqualTo(6);
        // it did not wait on the caller's event loop, nor continue there
        assertThat(thread.get()).contains("CovetPgCompletion");
    }

    @Test
    void aContinuationRunHereWhileTheComponentStopsMarksThisThreadOnlyWhileItRuns() throws Exception {
        // while the component stops its completion threads refuse work and a continuation runs on
        // the thread that hands it over, often an event loop of a shared Vert.x: that thread must
        // not stay taken for a completion thread afterwards (synchronous=true would stop waiting
        // there, a route transaction entered there would move for nothing)
        CamelContext context = startContext(c -> { });
        CovetPgComponent component = covetpg(context);
        component.stop();
        CompletableFuture<List<Boolean>> seen = new CompletableFuture<>();
        io.vertx.core.Context loop = callers.getOrCreateContext();
        loop.runOnContext(v -> {
            boolean[] during = new boolean[1];
            component.runOnCompletionThread(() -> during[0] = component.onCompletionThread());
            loop.runOnContext(later -> seen.complete(List.of(during[0], component.onCompletionThread())));
        });
        assertThat(seen.get(20, TimeUnit.SECONDS)).as("a completion thread while it ran, and after it").containsExactly(true, false);
    }

    @Test
    void aRouteTransactionStartedOnAnEventLoopRunsToItsCommit() throws Exception {
        String t = table("tx_from_loop");
        db.execute("CREATE TABLE " + t + " (id int)");
        CamelContext context = newContext(c -> c.setMaxPoolSize(1), new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:tx").transacted("covetpgTx")
                        .to("covetpg:query?sql=INSERT INTO " + t + " VALUES (1)")
                        .to("covetpg:batch?sql=INSERT INTO " + t + " VALUES ($1)");
            }
        });
        context.getRegistry().bind("covetpgTx", new CovetPgTransactionPolicy());
        context.start();
        Exchange tx = sendFromAnEventLoop(context, "direct:tx", List.of(List.of(2))).get(20, TimeUnit.SECONDS);
        assertThat(tx.getException()).isNull();
        assertThat(db.queryValue("SELECT count(*) FROM " + t)).isEqualTo(2L);
    }

    @Test
    void aBatchThatWaitsOnTheDatabaseDoesNotHoldUpOtherExchangesAnswers() throws Exception {
        String t = table("blocking");
        db.execute("CREATE TABLE " + t + " (id int PRIMARY KEY)", "INSERT INTO " + t + " VALUES (1)");
        CamelContext context = startContext(c -> {
            c.setCompletionThreads(1); // one thread: a batch waiting on it would hold up every answer
            c.setMaxPoolSize(3);
        });
        List<String> finished = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        try (java.sql.Connection holder = db.jdbc(); java.sql.Statement st = holder.createStatement()) {
            holder.setAutoCommit(false);
            st.execute("SELECT * FROM " + t + " FOR UPDATE");
            // called on an event loop, the batch waits for the row lock for as long as the holder keeps it
            CompletableFuture<Exchange> batch = sendFromAnEventLoop(context, "covetpg:batch?sql=UPDATE " + t + " SET id = id WHERE id = $1",
                    List.of(List.of(1))).whenComplete((e, x) -> finished.add("batch"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((Long) db.queryValue("SELECT count(*) FROM pg_locks WHERE NOT granted") == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            // another exchange's answer needs the completion thread meanwhile (before: it queued behind the batch)
            try {
                Exchange query = context.createProducerTemplate().asyncSend("covetpg:query?outputType=SelectValue&sql=SELECT 1", e -> { })
                        .get(10, TimeUnit.SECONDS);
                finished.add("query");
                assertThat(query.getException()).isNull();
            } finally {
                holder.rollback();
            }
            assertThat(batch.get(20, TimeUnit.SECONDS).getException()).isNull();
        }
        assertThat(finished).containsExactly("query", "batch");
    }
}
