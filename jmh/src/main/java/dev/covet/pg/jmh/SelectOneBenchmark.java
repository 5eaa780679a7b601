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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.impl.engine.DefaultProducerTemplate;
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
 * statements per second. covetpg's requests go through {@link ProducerTemplate#asyncRequestBody},
 * on an executor with one thread per request in flight, so both sides have the same number of
 * statements outstanding.
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
    private ProducerTemplate template;
    private ExecutorService templateExecutor;
    private Vertx vertx;
    private Pool rawPool;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        db = TestDatabase.shared();

        CovetPgComponent covetpg = new CovetPgComponent();
        covetpg.getConfiguration().setUrl(db.url());
        covetpg.getConfiguration().setPassword(db.password());
        covetpg.getConfiguration().setMinPoolSize(poolSize);
        covetpg.getConfiguration().setMaxPoolSize(poolSize);
        camel = new DefaultCamelContext();
        camel.addComponent("covetpg", covetpg);
        camel.start();
        templateExecutor = Executors.newFixedThreadPool(IN_FLIGHT);
        DefaultProducerTemplate t = new DefaultProducerTemplate(camel, templateExecutor);
        t.start();
        template = t;
        check(template.requestBody(COVETPG_URI, (Object) null), "covetpg");

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
        if (template != null) {
            template.stop();
        }
        if (camel != null) {
            camel.stop();
        }
        if (templateExecutor != null) {
            templateExecutor.shutdownNow();
        }
    }

    @Benchmark
    @OperationsPerInvocation(IN_FLIGHT)
    public Object covetpg() {
        List<CompletableFuture<Object>> replies = new ArrayList<>(IN_FLIGHT);
        for (int i = 0; i < IN_FLIGHT; i++) {
            replies.add(template.asyncRequestBody(COVETPG_URI, null));
        }
        Object last = null;
        for (CompletableFuture<Object> reply : replies) {
            last = reply.join();
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
