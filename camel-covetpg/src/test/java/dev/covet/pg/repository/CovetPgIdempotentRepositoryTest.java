package dev.covet.pg.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.covet.pg.CovetPgTestSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CovetPgIdempotentRepositoryTest extends CovetPgTestSupport {

    private String table;

    @BeforeEach
    void name() {
        table = table("message_ids");
    }

    @AfterEach
    void dropTable() {
        db.execute("DROP TABLE IF EXISTS " + table);
    }

    private CovetPgIdempotentRepository repository(CamelContext context, String processorName) throws Exception {
        CovetPgIdempotentRepository repository = new CovetPgIdempotentRepository(processorName);
        repository.setTableName(table);
        repository.setCamelContext(context);
        repository.start();
        return repository;
    }

    @Test
    void aRouteLetsEachKeyThroughOnceAndTheRowsAreInTheTable() throws Exception {
        CamelContext context = newContext(c -> c.setMaxPoolSize(2), new RouteBuilder() {
            @Override
            public void configure() {
                CovetPgIdempotentRepository orders = new CovetPgIdempotentRepository("orders");
                orders.setTableName(table);
                from("direct:orders").idempotentConsumer(header("orderId"), orders).to("mock:orders");
            }
        });
        context.start();
        for (String id : List.of("a-1", "a-2", "a-1", "a-3", "a-2")) {
            template(context).sendBodyAndHeader("direct:orders", "order " + id, "orderId", id);
        }
        MockEndpoint mock = context.getEndpoint("mock:orders", MockEndpoint.class);
        assertThat(mock.getReceivedExchanges()).extracting(e -> e.getMessage().getBody()).containsExactly("order a-1", "order a-2", "order a-3");
        assertThat(db.query("SELECT processor_name, message_id FROM " + table + " ORDER BY message_id"))
                .extracting(row -> row.get("processor_name") + "/" + row.get("message_id"))
                .containsExactly("orders/a-1", "orders/a-2", "orders/a-3");
    }

    @Test
    void containsRemoveAndClearFollowCamelsContractAndKeepOtherProcessorsKeys() throws Exception {
        CamelContext context = startContext(c -> { });
        CovetPgIdempotentRepository a = repository(context, "a");
        CovetPgIdempotentRepository b = repository(context, "b");
        assertThat(a.add("k")).isTrue();
        assertThat(a.add("k")).as("a second add of the same key").isFalse();
        assertThat(b.add("k")).as("the same key under another processorName").isTrue();
        assertThat(a.contains("k")).isTrue();
        assertThat(a.contains("other")).isFalse();
        assertThat(a.confirm("k")).isTrue();
        assertThat(a.remove("k")).isTrue();
        assertThat(a.remove("k")).as("removing a key that is not there").isFalse();
        assertThat(a.contains("k")).isFalse();
        assertThat(a.add("k")).as("a removed key may come again").isTrue();
        a.add("k2");
        a.clear();
        assertThat(a.contains("k")).isFalse();
        assertThat(a.contains("k2")).isFalse();
        assertThat(b.contains("k")).as("clear removes only its own processorName's keys").isTrue();
    }

    @Test
    void keysThatLookLikeSqlOrPlaceholdersAreStoredAsTheyAre() throws Exception {
        CamelContext context = startContext(c -> { });
        CovetPgIdempotentRepository repository = repository(context, "hostile");
        List<String> keys = List.of("'; DROP TABLE " + table + "; --", "${header.x}", ":#id", "$1", "\u00e9\ud83d\ude00", "");
        for (String key : keys) {
            assertThat(repository.add(key)).as(key).isTrue();
            assertThat(repository.add(key)).as(key).isFalse();
        }
        assertThat(db.query("SELECT message_id FROM " + table)).extracting(row -> row.get("message_id")).containsExactlyInAnyOrderElementsOf(keys);
    }

    /**
     * Two CamelContexts, each with its own pool, on one table: every key is added concurrently by
     * eight threads (four per context); exactly one of the eight adds may return true.
     */
    @Test
    void concurrentDuplicatesFromTwoContextsLetExactlyOnePass() throws Exception {
        CamelContext first = startContext(c -> c.setMaxPoolSize(4));
        CamelContext second = startContext(c -> c.setMaxPoolSize(4));
        List<CovetPgIdempotentRepository> repositories = List.of(repository(first, "race"), repository(second, "race"));
        int keys = 300;
        AtomicIntegerArray passed = new AtomicIntegerArray(keys);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                CovetPgIdempotentRepository repository = repositories.get(t % 2);
                all.add(threads.submit(() -> {
                    go.await();
                    // every thread in the same order, so that the eight adds of a key arrive together
                    // (a check-then-insert lets several of them pass: this test fails on one)
                    for (int key = 0; key < keys; key++) {
                        if (repository.add("key-" + key)) {
                            passed.incrementAndGet(key);
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : all) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            threads.shutdownNow();
        }
        for (int i = 0; i < keys; i++) {
            assertThat(passed.get(i)).as("adds of key-" + i + " that returned true").isEqualTo(1);
        }
        assertThat(db.queryValue("SELECT count(*) FROM " + table)).isEqualTo((long) keys);
    }

    @Test
    void badOptionsFailAtStartNamingTheOption() throws Exception {
        CamelContext context = startContext(c -> { });
        CovetPgIdempotentRepository hostile = new CovetPgIdempotentRepository("p");
        hostile.setTableName("t; DROP TABLE x");
        hostile.setCamelContext(context);
        assertThatThrownBy(hostile::start).hasMessageContaining("tableName");

        CovetPgIdempotentRepository missing = new CovetPgIdempotentRepository("p");
        missing.setTableName(table);
        missing.setCreateTable(false);
        missing.setCamelContext(context);
        assertThatThrownBy(missing::start).hasMessageContaining("does not exist").hasMessageContaining("createTable=false");
        assertThat(db.queryValue("SELECT to_regclass('" + table + "') IS NULL")).as("nothing was created").isEqualTo(true);

        CovetPgIdempotentRepository unnamed = new CovetPgIdempotentRepository();
        unnamed.setCamelContext(context);
        assertThatThrownBy(unnamed::start).hasMessageContaining("processorName");

        CovetPgIdempotentRepository otherComponent = new CovetPgIdempotentRepository("p");
        otherComponent.setComponentName("log");
        otherComponent.setCamelContext(context);
        assertThatThrownBy(otherComponent::start).hasMessageContaining("componentName 'log'");
    }

    @Test
    void aYamlRouteDeclaresTheRepositoryAsABean() throws Exception {
        CamelContext context = newContext(c -> { });
        loadRoutes(context, "covetpg-idempotent.camel.yaml", "orders.table", table);
        context.start();
        for (String id : List.of("y-1", "y-1", "y-2")) {
            template(context).sendBodyAndHeader("direct:yaml-orders", id, "orderId", id);
        }
        assertThat(context.getEndpoint("mock:yaml-orders", MockEndpoint.class).getReceivedExchanges())
                .extracting(e -> e.getMessage().getBody()).containsExactly("y-1", "y-2");
        assertThat(db.queryValue("SELECT count(*) FROM " + table + " WHERE processor_name = 'orders'")).isEqualTo(2L);
    }
}
