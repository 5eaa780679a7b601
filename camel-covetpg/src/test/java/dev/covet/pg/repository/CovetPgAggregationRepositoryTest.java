package dev.covet.pg.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.covet.pg.CovetPgTestSupport;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.OptimisticLockingAggregationRepository.OptimisticLockingException;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.DefaultExchangeHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The aggregation repository under Camel's aggregator, two CamelContexts on one table standing in
 * for two JVMs; what is in the tables is read over JDBC.
 */
class CovetPgAggregationRepositoryTest extends CovetPgTestSupport {

    /** Joins the bodies with commas, in arrival order. */
    static final AggregationStrategy JOIN = (oldExchange, newExchange) -> {
        if (oldExchange == null) {
            return newExchange;
        }
        oldExchange.getMessage().setBody(oldExchange.getMessage().getBody(String.class) + "," + newExchange.getMessage().getBody(String.class));
        return oldExchange;
    };

    private String name;

    @BeforeEach
    void name() {
        name = table("agg");
    }

    @AfterEach
    void dropTables() {
        db.execute("DROP TABLE IF EXISTS " + name + ", " + name + "_completed");
    }

    private CovetPgAggregationRepository repository() {
        CovetPgAggregationRepository repository = new CovetPgAggregationRepository(name);
        repository.setRecoveryInterval(200);
        return repository;
    }

    private CamelContext aggregating(CovetPgAggregationRepository repository, int size, boolean optimistic, String completionUri)
            throws Exception {
        return startContext(c -> c.setMaxPoolSize(4), new RouteBuilder() {
            @Override
            public void configure() {
                var aggregate = from("direct:in").aggregate(header("key"), JOIN).aggregationRepository(repository).completionSize(size);
                if (optimistic) {
                    aggregate.optimisticLocking();
                }
                aggregate.to(completionUri);
            }
        });
    }

    private long rows(String table) {
        return (Long) db.queryValue("SELECT count(*) FROM " + table);
    }

    @Test
    void anAggregationCompletesAndLeavesNothingBehind() throws Exception {
        CamelContext context = aggregating(repository(), 3, false, "mock:out");
        // expectations before the sends: a mock checks a body as it arrives, and a3 completes on this thread
        MockEndpoint out = context.getEndpoint("mock:out", MockEndpoint.class);
        out.expectedBodiesReceived("a1,a2,a3");
        for (String body : List.of("a1", "b1", "a2", "a3", "b2")) {
            template(context).sendBodyAndHeader("direct:in", body, "key", body.substring(0, 1));
        }
        out.assertIsSatisfied(30_000);
        // b waits in the table, its exchange with the two bodies so far
        assertThat(db.query("SELECT key, version FROM " + name)).containsExactly(Map.of("key", "b", "version", 2L));
        await(() -> rows(name + "_completed") == 0, "the completed exchange confirmed");
    }

    @Test
    void anAggregationStartedInOneContextIsFinishedInAnother() throws Exception {
        CamelContext first = aggregating(repository(), 3, false, "mock:out");
        template(first).sendBodyAndHeader("direct:in", "x1", "key", "k");
        template(first).sendBodyAndHeader("direct:in", "x2", "key", "k");
        first.stop(); // the JVM that started it is gone

        CamelContext second = aggregating(repository(), 3, false, "mock:out");
        MockEndpoint out = second.getEndpoint("mock:out", MockEndpoint.class);
        out.expectedBodiesReceived("x1,x2,x3");
        template(second).sendBodyAndHeader("direct:in", "x3", "key", "k");
        out.assertIsSatisfied(30_000);
        assertThat(rows(name)).isZero();
    }

    @Test
    void twoContextsAggregatingOneKeyAtOnceLoseNoUpdateWithOptimisticLocking() throws Exception {
        int perContext = 60;
        CamelContext first = aggregating(repository(), 2 * perContext, true, "mock:out");
        CamelContext second = aggregating(repository(), 2 * perContext, true, "mock:out");
        ExecutorService senders = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < 2 * perContext; i++) {
                CamelContext via = i % 2 == 0 ? first : second;
                String body = "m" + i;
                sent.add(senders.submit(() -> template(via).sendBodyAndHeader("direct:in", body, "key", "shared")));
            }
            for (Future<?> f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            senders.shutdownNow();
        }
        await(() -> first.getEndpoint("mock:out", MockEndpoint.class).getReceivedCounter()
                + second.getEndpoint("mock:out", MockEndpoint.class).getReceivedCounter() > 0, "the completion");
        Thread.sleep(300);
        List<Exchange> completed = new ArrayList<>(first.getEndpoint("mock:out", MockEndpoint.class).getReceivedExchanges());
        completed.addAll(second.getEndpoint("mock:out", MockEndpoint.class).getReceivedExchanges());
        assertThat(completed).as("one completion, in one of the contexts").hasSize(1);
        List<String> bodies = List.of(completed.get(0).getMessage().getBody(String.class).split(","));
        assertThat(bodies).hasSize(2 * perContext).doesNotHaveDuplicates();
        assertThat(rows(name)).isZero();
    }

    @Test
    void aStaleUpdateAndAStaleCompletionAreRefused() throws Exception {
        CamelContext context = startContext(c -> { });
        CovetPgAggregationRepository repository = repository();
        repository.setCamelContext(context);
        repository.start();
        repository.add(context, "k", null, exchange(context, "v1"));
        assertThatThrownBy(() -> repository.add(context, "k", null, exchange(context, "again"))).isInstanceOf(OptimisticLockingException.class);

        Exchange read = repository.get(context, "k");
        assertThat(read.getMessage().getBody()).isEqualTo("v1");
        Exchange sameRead = repository.get(context, "k");
        repository.add(context, "k", read, exchange(context, "v2"));
        assertThatThrownBy(() -> repository.add(context, "k", sameRead, exchange(context, "lost update"))).isInstanceOf(OptimisticLockingException.class);
        assertThatThrownBy(() -> repository.remove(context, "k", sameRead)).isInstanceOf(OptimisticLockingException.class);
        assertThat(repository.get(context, "k").getMessage().getBody()).isEqualTo("v2");
        assertThat(rows(name + "_completed")).as("a refused completion stores nothing").isZero();

        Exchange current = repository.get(context, "k");
        repository.remove(context, "k", current);
        assertThat(repository.getKeys()).isEmpty();
        assertThat(repository.scan(context)).containsExactly(current.getExchangeId());
        Exchange recovered = repository.recover(context, current.getExchangeId());
        assertThat(recovered.getExchangeId()).isEqualTo(current.getExchangeId());
        assertThat(recovered.getMessage().getBody()).isEqualTo("v2");
        assertThat(repository.confirmWithResult(context, current.getExchangeId())).isTrue();
        assertThat(repository.confirmWithResult(context, current.getExchangeId())).isFalse();
        assertThat(repository.scan(context)).isEmpty();
    }

    @Test
    void headersPropertiesAndTypedBodiesComeBackAsTheyWere() throws Exception {
        CamelContext context = startContext(c -> { });
        CovetPgAggregationRepository repository = repository();
        repository.setCamelContext(context);
        repository.start();
        Exchange exchange = exchange(context, null);
        exchange.getMessage().setBody(new java.math.BigDecimal("12345678901234567890.000000001"));
        exchange.getMessage().setHeader("text", "${header.x} {{secret}} :#id é 𝄞");
        exchange.getMessage().setHeader("when", java.time.OffsetDateTime.parse("2024-02-29T23:59:59.999999+05:30"));
        exchange.getMessage().setHeader("n", Long.MIN_VALUE);
        exchange.setProperty("list", new ArrayList<>(List.of("a", "b")));
        exchange.setProperty("bytes", new byte[] {0, 1, (byte) 255});
        // Camel's holder keeps only its simple header types (String, numbers, Date) unless told otherwise: refused, not dropped
        assertThatThrownBy(() -> repository.add(context, "typed", exchange)).hasMessageContaining("header when")
                .hasMessageContaining("java.time.OffsetDateTime").hasMessageContaining("allowSerializedHeaders")
                .hasMessageNotContaining("2024");
        assertThat(repository.get(context, "typed")).isNull();
        repository.stop();
        repository.setAllowSerializedHeaders(true);
        repository.start();
        repository.add(context, "typed", exchange);
        Exchange back = repository.get(context, "typed");
        assertThat(back.getMessage().getBody()).isEqualTo(new java.math.BigDecimal("12345678901234567890.000000001"));
        assertThat(back.getMessage().getHeader("text")).isEqualTo("${header.x} {{secret}} :#id é 𝄞");
        assertThat(back.getMessage().getHeader("when")).isEqualTo(java.time.OffsetDateTime.parse("2024-02-29T23:59:59.999999+05:30"));
        assertThat(back.getMessage().getHeader("n")).isEqualTo(Long.MIN_VALUE);
        assertThat(back.getProperty("list")).isEqualTo(List.of("a", "b"));
        assertThat(back.getProperty("bytes", byte[].class)).containsExactly(0, 1, 255);

        Exchange notSerializable = exchange(context, null);
        notSerializable.getMessage().setBody(new Object());
        assertThatThrownBy(() -> repository.add(context, "typed", notSerializable)).hasMessageContaining("java.lang.Object")
                .hasMessageContaining("not Serializable");
        Exchange badHeader = exchange(context, "fine");
        badHeader.getMessage().setHeader("socket", new Object());
        assertThatThrownBy(() -> repository.add(context, "typed", badHeader)).hasMessageContaining("header socket")
                .hasMessageContaining("java.lang.Object");
        assertThat(repository.get(context, "typed").getMessage().getBody()).as("left as it was").isInstanceOf(java.math.BigDecimal.class);
    }

    /** A class whose readObject would run code: the filter must refuse it before it does. */
    static final class Gadget implements Serializable {
        static final AtomicInteger READ = new AtomicInteger();
        private static final long serialVersionUID = 1L;

        private void readObject(ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
            in.defaultReadObject();
            READ.incrementAndGet();
        }
    }

    @Test
    void bytesOfAClassNotAllowedAreRefusedBeforeAnyOfItsCodeRuns() throws Exception {
        CamelContext context = startContext(c -> { });
        CovetPgAggregationRepository repository = repository();
        repository.setCamelContext(context);
        repository.start();
        // someone with write access to the table puts a crafted exchange in it
        Exchange crafted = exchange(context, "x");
        DefaultExchangeHolder holder = DefaultExchangeHolder.marshal(crafted);
        DefaultExchangeHolder.addProperty(holder, "gadget", new Gadget());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(holder);
        }
        try (var c = db.jdbc(); var st = c.prepareStatement("INSERT INTO " + name + " (key, exchange, version) VALUES ('evil', ?, 1)")) {
            st.setBytes(1, bytes.toByteArray());
            st.executeUpdate();
        }
        int readBefore = Gadget.READ.get();
        Throwable refused = catchThrowable(() -> repository.get(context, "evil"));
        assertThat(refused).hasMessageContaining("refused to read").hasMessageContaining("deserializationFilter")
                .hasMessageContaining(Gadget.class.getName());
        assertThat(Gadget.READ.get()).as("the gadget's readObject ran").isEqualTo(readBefore);

        // named in the filter, it is read
        CovetPgAggregationRepository trusting = repository();
        trusting.setDeserializationFilter(Gadget.class.getName() + ";" + ExchangeCodec.DEFAULT_FILTER);
        trusting.setCamelContext(context);
        trusting.start();
        assertThat(trusting.get(context, "evil").getProperty("gadget")).isInstanceOf(Gadget.class);
        assertThat(Gadget.READ.get()).isEqualTo(readBefore + 1);
    }

    @Test
    void aFailedCompletionIsRecoveredThenSentToTheDeadLetterAfterMaximumRedeliveries() throws Exception {
        CovetPgAggregationRepository repository = repository();
        repository.setMaximumRedeliveries(2);
        repository.setDeadLetterUri("mock:dead");
        AtomicInteger attempts = new AtomicInteger();
        CamelContext context = startContext(c -> { }, new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:in").aggregate(header("key"), JOIN).aggregationRepository(repository).completionSize(2)
                        .process(e -> {
                            attempts.incrementAndGet();
                            throw new IllegalStateException("downstream refuses");
                        });
            }
        });
        MockEndpoint dead = context.getEndpoint("mock:dead", MockEndpoint.class);
        dead.expectedBodiesReceived("p1,p2");
        template(context).sendBodyAndHeader("direct:in", "p1", "key", "poison");
        template(context).sendBodyAndHeader("direct:in", "p2", "key", "poison");
        dead.assertIsSatisfied(30_000);
        assertThat(attempts.get()).as("the first try and two recoveries").isEqualTo(3);
        await(() -> rows(name + "_completed") == 0, "confirmed once in the dead letter");
        assertThat(rows(name)).isZero();
    }

    @Test
    void aCompletionWhoseRouteFailedOnceIsRecoveredAndDeliveredOnce() throws Exception {
        CovetPgAggregationRepository repository = repository();
        AtomicInteger attempts = new AtomicInteger();
        CamelContext context = startContext(c -> { }, new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:in").aggregate(header("key"), JOIN).aggregationRepository(repository).completionSize(2)
                        .process(e -> {
                            if (attempts.incrementAndGet() == 1) {
                                throw new IllegalStateException("down for a moment");
                            }
                        }).to("mock:out");
            }
        });
        MockEndpoint out = context.getEndpoint("mock:out", MockEndpoint.class);
        out.expectedBodiesReceived("r1,r2");
        template(context).sendBodyAndHeader("direct:in", "r1", "key", "retry");
        template(context).sendBodyAndHeader("direct:in", "r2", "key", "retry");
        out.assertIsSatisfied(30_000);
        await(() -> rows(name + "_completed") == 0, "confirmed after the recovery");
        Thread.sleep(600); // three recovery intervals: nothing is sent again
        assertThat(out.getReceivedExchanges()).hasSize(1);
    }

    /** Each context owns the completions it made: another one's recovery must not send again what this one is still routing. */
    @Test
    void aCompletionStillRoutedInOneContextIsNotSentAgainByAnother() throws Exception {
        CamelContext[] contexts = new CamelContext[2];
        for (int i = 0; i < 2; i++) {
            contexts[i] = startContext(c -> { }, new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:in").aggregate(header("key"), JOIN).aggregationRepository(repository()).optimisticLocking()
                            .completionSize(2).delay(2000).to("mock:out");
                }
            });
        }
        Thread.sleep(500); // both recovery tasks run, every 200 ms
        template(contexts[0]).sendBodyAndHeader("direct:in", "a", "key", "k");
        template(contexts[0]).sendBodyAndHeader("direct:in", "b", "key", "k");
        await(() -> rows(name + "_completed") == 0, "the completion confirmed");
        Thread.sleep(600);
        assertThat(contexts[0].getEndpoint("mock:out", MockEndpoint.class).getReceivedCounter()).isEqualTo(1);
        assertThat(contexts[1].getEndpoint("mock:out", MockEndpoint.class).getReceivedCounter()).as("sent again by the other context").isZero();
    }

    /** A completion left by a context that is gone is recovered by another once its lease ran out. */
    @Test
    void aCompletionLeftByAContextThatIsGoneIsRecoveredByAnotherAfterItsLease() throws Exception {
        CovetPgAggregationRepository gone = repository();
        gone.setRecoveryLease(1000);
        CamelContext first = startContext(c -> { }, new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:in").aggregate(header("key"), JOIN).aggregationRepository(gone).completionSize(2)
                        .process(e -> {
                            throw new IllegalStateException("this JVM is about to die");
                        });
            }
        });
        template(first).sendBodyAndHeader("direct:in", "a", "key", "k");
        template(first).sendBodyAndHeader("direct:in", "b", "key", "k");
        await(() -> rows(name + "_completed") == 1, "the completion stored");
        first.stop();
        CovetPgAggregationRepository survivor = repository();
        survivor.setRecoveryLease(1000);
        CamelContext second = startContext(c -> { }, new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:in").aggregate(header("key"), JOIN).aggregationRepository(survivor).completionSize(2).to("mock:out");
            }
        });
        MockEndpoint out = second.getEndpoint("mock:out", MockEndpoint.class);
        out.expectedBodiesReceived("a,b");
        out.assertIsSatisfied(30_000);
        await(() -> rows(name + "_completed") == 0, "confirmed by the survivor");
    }

    @Test
    void anExchangeThatWentThroughADoCatchIsAggregated() throws Exception {
        CamelContext context = startContext(c -> { }, new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:in").doTry().throwException(new IllegalStateException("handled upstream")).doCatch(Exception.class).end()
                        .aggregate(header("key"), JOIN).aggregationRepository(repository()).completionSize(2).to("mock:out");
            }
        });
        sendsAndCompletes(context, "a", "b");
    }

    @Test
    void insideACovetpgTransactionARouteAggregates() throws Exception {
        CamelContext context = newContext(c -> { }, new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:in").transacted("tx").aggregate(header("key"), JOIN).aggregationRepository(repository()).completionSize(2)
                        .to("mock:out");
            }
        });
        context.getRegistry().bind("tx", new dev.covet.pg.tx.CovetPgTransactionPolicy());
        context.start();
        sendsAndCompletes(context, "a", "b");
    }

    /** Sends the bodies under one key, each of which must succeed, and expects them joined at mock:out. */
    private static void sendsAndCompletes(CamelContext context, String... bodies) throws InterruptedException {
        MockEndpoint out = context.getEndpoint("mock:out", MockEndpoint.class);
        out.expectedBodiesReceived(String.join(",", bodies));
        for (String body : bodies) {
            Exchange sent = template(context).send("direct:in", e -> {
                e.getMessage().setBody(body);
                e.getMessage().setHeader("key", "k");
            });
            assertThat(sent.getException()).as("message " + body).isNull();
        }
        out.assertIsSatisfied(30_000);
    }

    record Order(String id) implements Serializable {
    }

    @Test
    void whatCouldNotBeReadBackIsRefusedWhenWrittenAndNothingIsStored() throws Exception {
        CamelContext context = startContext(c -> { });
        CovetPgAggregationRepository repository = repository();
        repository.setCamelContext(context);
        repository.start();
        assertThatThrownBy(() -> repository.add(context, "k", exchange(context, new Order("o-1"))))
                .hasMessageContaining(Order.class.getName()).hasMessageContaining("deserializationFilter").hasMessageNotContaining("o-1");
        assertThat(rows(name)).isZero();
        Exchange withVariable = exchange(context, "x");
        withVariable.setVariable("lines", new ArrayList<>(List.of("l1")));
        assertThatThrownBy(() -> repository.add(context, "k", withVariable)).hasMessageContaining("variable lines")
                .hasMessageContaining("allowSerializedHeaders");

        CovetPgAggregationRepository named = repository();
        named.setAllowSerializedHeaders(true);
        named.setDeserializationFilter(Order.class.getName() + ";" + ExchangeCodec.DEFAULT_FILTER);
        named.setCamelContext(context);
        named.start();
        named.add(context, "k", withVariable);
        named.add(context, "o", exchange(context, new Order("o-1")));
        assertThat(named.get(context, "k").getVariable("lines")).isEqualTo(List.of("l1"));
        assertThat(named.get(context, "o").getMessage().getBody()).isEqualTo(new Order("o-1"));
    }

    @Test
    void groupedBodiesAreKeptWithAllowSerializedHeadersAndRefusedWithout() throws Exception {
        CovetPgAggregationRepository strict = repository();
        CamelContext refusing = startContext(c -> { }, new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:in").aggregate(header("key"), new org.apache.camel.processor.aggregate.GroupedBodyAggregationStrategy())
                        .aggregationRepository(strict).completionSize(3).to("mock:out");
            }
        });
        Exchange first = template(refusing).send("direct:in", e -> {
            e.getMessage().setBody("a");
            e.getMessage().setHeader("key", "k");
        });
        assertThat(first.getException()).hasMessageContaining("CamelGroupedExchange").hasMessageContaining("allowSerializedHeaders");
        refusing.stop();
        db.execute("DELETE FROM " + name);

        CovetPgAggregationRepository grouping = repository();
        grouping.setAllowSerializedHeaders(true);
        CamelContext context = startContext(c -> { }, new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:in").aggregate(header("key"), new org.apache.camel.processor.aggregate.GroupedBodyAggregationStrategy())
                        .aggregationRepository(grouping).completionSize(3).to("mock:out");
            }
        });
        for (String body : List.of("a", "b", "c")) {
            template(context).sendBodyAndHeader("direct:in", body, "key", "k");
        }
        MockEndpoint out = context.getEndpoint("mock:out", MockEndpoint.class);
        out.expectedMessageCount(1);
        out.assertIsSatisfied(30_000);
        assertThat(out.getReceivedExchanges().get(0).getMessage().getBody(List.class)).containsExactly("a", "b", "c");
    }

    @Test
    void aFilterWithoutAClosingDenyAllStillRefusesWhatItDoesNotName() throws Exception {
        CamelContext context = startContext(c -> { });
        CovetPgAggregationRepository loose = repository();
        loose.setDeserializationFilter("org.apache.camel.support.DefaultExchangeHolder;java.lang.String;java.util.*");
        loose.setCamelContext(context);
        loose.start();
        putIntoTable("evil", holderWith(context, "gadget", new Gadget()));
        int readBefore = Gadget.READ.get();
        assertThatThrownBy(() -> loose.get(context, "evil")).hasMessageContaining(Gadget.class.getName());
        assertThat(Gadget.READ.get()).as("the gadget's readObject ran").isEqualTo(readBefore);
    }

    @Test
    void anArrayLongerThanItsBytesIsRefusedBeforeItIsAllocated() throws Exception {
        CamelContext context = startContext(c -> { });
        CovetPgAggregationRepository repository = repository();
        repository.setCamelContext(context);
        repository.start();
        byte[] marker = {11, 22, 33, 44, 55, 66, 77, 88};
        byte[] bytes = holderWith(context, "data", marker);
        int at = indexOf(bytes, marker) - 4; // the array's length, an int before its elements
        assertThat(at).isPositive();
        bytes[at] = 0x7f;
        bytes[at + 1] = (byte) 0xff;
        bytes[at + 2] = (byte) 0xff;
        bytes[at + 3] = (byte) 0xf0; // about 2 GB asked for by a row of a few hundred bytes
        putIntoTable("huge", bytes);
        assertThatThrownBy(() -> repository.get(context, "huge")).hasMessageContaining("more than the bytes could describe");
    }

    @Test
    void repositoriesStartingAtOnceOnNewTablesAllStart() throws Exception {
        CamelContext context = startContext(c -> c.setMaxPoolSize(8));
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            for (int round = 0; round < 5; round++) {
                String fresh = table("aggrace");
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                List<Future<Throwable>> starts = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    starts.add(pool.submit(() -> {
                        CovetPgAggregationRepository r = new CovetPgAggregationRepository(fresh);
                        r.setCamelContext(context);
                        go.await();
                        return catchThrowable(r::start);
                    }));
                }
                go.countDown();
                for (Future<Throwable> f : starts) {
                    assertThat(f.get(60, TimeUnit.SECONDS)).as("a start of six at once on a new table").isNull();
                }
                db.execute("DROP TABLE " + fresh + ", " + fresh + "_completed");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private byte[] holderWith(CamelContext context, String property, Serializable value) throws Exception {
        DefaultExchangeHolder holder = DefaultExchangeHolder.marshal(exchange(context, "x"));
        DefaultExchangeHolder.addProperty(holder, property, value);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(holder);
        }
        return bytes.toByteArray();
    }

    private void putIntoTable(String key, byte[] bytes) throws Exception {
        try (var c = db.jdbc(); var st = c.prepareStatement("INSERT INTO " + name + " (key, exchange, version) VALUES (?, ?, 1)")) {
            st.setString(1, key);
            st.setBytes(2, bytes);
            st.executeUpdate();
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void wrongOptionsFailAtStartNamingThem() throws Exception {
        CamelContext context = startContext(c -> { });
        assertThat(startFailure(context, new CovetPgAggregationRepository())).hasMessageContaining("needs repositoryName");
        assertThat(startFailure(context, new CovetPgAggregationRepository("agg; DROP TABLE x"))).hasMessageContaining("repositoryName");
        assertThat(startFailure(context, new CovetPgAggregationRepository("a".repeat(60)))).hasMessageContaining("repositoryName")
                .hasMessageContaining("63");
        CovetPgAggregationRepository noDeadLetter = repository();
        noDeadLetter.setMaximumRedeliveries(3);
        assertThat(startFailure(context, noDeadLetter)).hasMessageContaining("deadLetterUri");
        CovetPgAggregationRepository shortLease = repository();
        shortLease.setRecoveryLease(100);
        assertThat(startFailure(context, shortLease)).hasMessageContaining("recoveryLease");
        CovetPgAggregationRepository badFilter = repository();
        badFilter.setDeserializationFilter("maxdepth=x");
        assertThat(startFailure(context, badFilter)).hasMessageContaining("deserializationFilter");
        CovetPgAggregationRepository missing = repository();
        missing.setCreateTable(false);
        assertThat(startFailure(context, missing)).hasMessageContaining("does not exist and createTable=false");
        CovetPgAggregationRepository otherComponent = repository();
        otherComponent.setComponentName("mock");
        assertThat(startFailure(context, otherComponent)).hasMessageContaining("names no covetpg component");
        assertThat(db.queryValue("SELECT to_regclass('" + name + "')::text")).isNull();
    }

    @Test
    void aQuotedRepositoryNameKeepsItsCaseInBothTables() throws Exception {
        CamelContext context = startContext(c -> { });
        CovetPgAggregationRepository repository = new CovetPgAggregationRepository("\"Agg" + name + "\"");
        repository.setCamelContext(context);
        repository.start();
        repository.add(context, "k", exchange(context, "v"));
        assertThat(db.queryValue("SELECT count(*) FROM \"Agg" + name + "\"")).isEqualTo(1L);
        assertThat(db.queryValue("SELECT to_regclass('\"Agg" + name + "_completed\"')::text")).isNotNull();
        db.execute("DROP TABLE \"Agg" + name + "\", \"Agg" + name + "_completed\"");
    }

    @Test
    void aYamlRouteAggregatesThroughTheRepositoryBean() throws Exception {
        CamelContext context = newContext(c -> { });
        context.getRegistry().bind("join", JOIN);
        loadRoutes(context, "covetpg-aggregate.camel.yaml", "aggregate.table", name);
        context.start();
        MockEndpoint out = context.getEndpoint("mock:yaml-aggregated", MockEndpoint.class);
        out.expectedBodiesReceived("y1,y2");
        template(context).sendBodyAndHeader("direct:yaml-aggregate", "y1", "key", "y");
        assertThat(rows(name)).isEqualTo(1);
        template(context).sendBodyAndHeader("direct:yaml-aggregate", "y2", "key", "y");
        out.assertIsSatisfied(30_000);
    }

    private static Throwable startFailure(CamelContext context, CovetPgAggregationRepository repository) {
        repository.setCamelContext(context);
        Throwable failure = catchThrowable(repository::start);
        assertThat(failure).isNotNull();
        return failure;
    }

    private static Exchange exchange(CamelContext context, Object body) {
        Exchange e = new DefaultExchange(context);
        e.getMessage().setBody(body);
        return e;
    }
}
