package dev.covet.pg.jmh;

import dev.covet.pg.CovetPgComponent;
import dev.covet.pg.testdb.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code SELECT 1} with {@value #IN_FLIGHT} statements in flight, through covetpg and through the
 * bare vertx-pg-client on a pool of the same size, in the same run against the same server
 * ({@link TestDatabase}: {@code COVETPG_TEST_URL}, else Testcontainers, else embedded PostgreSQL).
 * The difference between the two is what the Camel layer costs.
 *
 * <p>Each invocation sends {@value #IN_FLIGHT} statements and waits for all of them; JMH reports
 * statements per second. Both sides are driven the same way, from the benchmark thread and without
 * a thread per request: the raw pool gets {@value #IN_FLIGHT} {@code execute()} calls and the
 * benchmark waits for their futures; covetpg gets {@value #IN_FLIGHT} exchanges through its
 * endpoint's {@link AsyncProducer#process(Exchange, AsyncCallback)} and the benchmark waits for
 * their callbacks. (An earlier version went through {@code ProducerTemplate.asyncRequestBody} on
 * a 64-thread executor, which measured the template's thread hand-offs more than covetpg.)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(1)
public class SelectOneBenchmark {

    static final int IN_FLIGHT = 64;
    static final String SQL = "SELECT 1";
    static final String COVETPG_URI = "covetpg:query?sql=" + SQL + "&outputType=SelectValue";

    @Param("4")
    int poolSize;

    private TestDatabase db;
    private CamelContext camel;
    private AsyncProducer producer;
    private Endpoint endpoint;
    private Vertx vertx;
    private Pool rawPool;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        db = TestDatabase.shared();

        CovetPgComponent covetpg = new CovetPgComponent();
        covetpg.getConfiguration().setUrl(db.url());
        covetpg.getConfiguration().setPassword(db.password());
        covetpg.getConfiguration().setSslMode("disable"); // as the raw pool below (PgConnectOptions' default)
        covetpg.getConfiguration().setMinPoolSize(poolSize);
        covetpg.getConfiguration().setMaxPoolSize(poolSize);
        camel = new DefaultCamelContext();
        camel.addComponent("covetpg", covetpg);
        camel.start();
        endpoint = camel.getEndpoint(COVETPG_URI);
        producer = endpoint.createAsyncProducer();
        producer.start();
        check(covetpg(), "covetpg");

        // the same settings covetpg gives the driver: prepared statement cache on, same pool size
        vertx = Vertx.vertx();
        PgConnectOptions connect = new PgConnectOptions()
                .setHost(db.host()).setPort(db.port()).setDatabase(db.database())
                .setUser(db.user()).setPassword(db.password())
                .setCachePreparedStatements(true);
        rawPool = PgBuilder.pool().with(new PoolOptions().setMaxSize(poolSize)).connectingTo(connect).using(vertx).build();
        RowSet<Row> rows = rawPool.preparedQuery(SQL).execute().toCompletionStage().toCompletableFuture().get();
        check(rows.iterator().next().getValue(0), "vertx-pg-client");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (rawPool != null) {
            rawPool.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        if (producer != null) {
            producer.stop();
        }
        if (camel != null) {
            camel.stop();
        }
    }

    @Benchmark
    @OperationsPerInvocation(IN_FLIGHT)
    public Object covetpg() throws InterruptedException {
        Exchange[] exchanges = new Exchange[IN_FLIGHT];
        CountDownLatch done = new CountDownLatch(IN_FLIGHT);
        for (int i = 0; i < IN_FLIGHT; i++) {
            Exchange exchange = endpoint.createExchange();
            exchanges[i] = exchange;
            producer.process(exchange, doneSync -> done.countDown());
        }
        if (!done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("covetpg: " + done.getCount() + " of " + IN_FLIGHT + " statements unanswered after 60 s");
        }
        Object last = null;
        for (Exchange exchange : exchanges) {
            if (exchange.getException() != null) {
                throw new IllegalStateException("covetpg failed: " + exchange.getException().getMessage(), exchange.getException());
            }
            last = exchange.getMessage().getBody();
        }
        return last;
    }

    @Benchmark
    @OperationsPerInvocation(IN_FLIGHT)
    public Object vertxPgClient() {
        List<Future<RowSet<Row>>> replies = new ArrayList<>(IN_FLIGHT);
        for (int i = 0; i < IN_FLIGHT; i++) {
            replies.add(rawPool.preparedQuery(SQL).execute());
        }
        Object last = null;
        for (Future<RowSet<Row>> reply : replies) {
            last = reply.toCompletionStage().toCompletableFuture().join().iterator().next().getValue(0);
        }
        return last;
    }

    private static void check(Object value, String what) {
        if (!Integer.valueOf(1).equals(value)) {
            throw new IllegalStateException(what + " answered " + value + " to " + SQL + ", not 1");
        }
    }
}
