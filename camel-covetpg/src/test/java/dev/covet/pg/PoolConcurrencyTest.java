package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.client.PoolStatistics;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;

class PoolConcurrencyTest extends CovetPgTestSupport {

    @Test
    void sixtyFourConcurrentExchangesOverAPoolOfFourAllAnswerAndTheStatisticsAddUp() throws Exception {
        String app = "concurrency-" + System.nanoTime();
        CamelContext context = startContext(c -> {
            c.setApplicationName(app);
            c.setMinPoolSize(1);
            c.setMaxPoolSize(4);
        });
        CovetPgComponent component = covetpg(context);
        ProducerTemplate template = template(context);
        int exchanges = 64;
        AtomicInteger mostWaiting = new AtomicInteger();
        AtomicInteger mostOnServer = new AtomicInteger();
        List<CompletableFuture<Object>> answers = new ArrayList<>();
        for (int i = 0; i < exchanges; i++) {
            // each statement sleeps a little so that exchanges really queue for the four connections
            answers.add(template.asyncRequestBody("covetpg:query?outputType=SelectValue&sql=RAW(SELECT $1::int * 2 FROM pg_sleep(0.05))",
                    List.of(i)));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new));
        while (!all.isDone()) {
            PoolStatistics s = component.getPoolStatistics();
            mostWaiting.accumulateAndGet(s.waiting(), Math::max);
            long onServer = (Long) db.queryValue("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + app + "'");
            mostOnServer.accumulateAndGet((int) onServer, Math::max);
            assertThat(s.inUse()).isBetween(0, 4);
            assertThat(s.size()).isLessThanOrEqualTo(4);
            Thread.sleep(10);
        }
        for (int i = 0; i < exchanges; i++) {
            assertThat(answers.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(i * 2);
        }
        PoolStatistics after = component.getPoolStatistics();
        assertThat(mostWaiting.get()).as("exchanges queued for a connection").isGreaterThan(0);
        assertThat(mostOnServer.get()).as("connections seen by the server").isLessThanOrEqualTo(4);
        assertThat(after.max()).isEqualTo(4);
        assertThat(after.size()).isEqualTo(4);
        assertThat(after.inUse()).isZero();
        assertThat(after.waiting()).isZero();
        assertThat(after.idle()).isEqualTo(after.size());
        // one per exchange plus the one opened at start
        assertThat(after.totalAcquired()).isEqualTo(exchanges + 1);
        assertThat(after.totalTimeouts()).isZero();
    }

    @Test
    void aVertxInTheRegistryIsUsedAndLeftRunning() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            CamelContext context = newContext(c -> { });
            context.getRegistry().bind("myVertx", vertx);
            context.start();
            assertThat(covetpg(context).getVertx()).isSameAs(vertx);
            assertThat(template(context).requestBody("covetpg:query?outputType=SelectValue&sql=SELECT 11", (Object) null)).isEqualTo(11);
            context.stop();
            // still usable: the component did not own it, so it did not close it
            assertThat(vertx.setTimer(1, id -> { })).isNotNegative();
            assertThat(vertx.deploymentIDs()).isNotNull();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void withAutowiringOffTheRegistrysVertxIsNotTaken() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            CamelContext context = newContext(c -> { });
            covetpg(context).setAutowiredEnabled(false);
            context.getRegistry().bind("myVertx", vertx);
            context.start();
            assertThat(covetpg(context).getVertx()).isNotNull().isNotSameAs(vertx);
            assertThat(template(context).requestBody("covetpg:query?outputType=SelectValue&sql=SELECT 12", (Object) null)).isEqualTo(12);
            context.stop();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void twoComponentInstancesHaveTwoPools() throws Exception {
        String app1 = "first-" + System.nanoTime();
        String app2 = "second-" + System.nanoTime();
        CamelContext context = newContext(c -> c.setApplicationName(app1));
        context.addComponent("covetpg2", component(c -> {
            c.setApplicationName(app2);
            c.setMinPoolSize(2);
        }));
        context.start();
        assertThat(template(context).requestBody("covetpg:query?outputType=SelectValue&sql=SHOW application_name", (Object) null)).isEqualTo(app1);
        assertThat(template(context).requestBody("covetpg2:query?outputType=SelectValue&sql=SHOW application_name", (Object) null)).isEqualTo(app2);
        assertThat(db.queryValue("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + app2 + "'")).isEqualTo(2L);
    }
}
