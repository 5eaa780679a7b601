package dev.covet.pg.jmh;

import com.zaxxer.hikari.HikariDataSource;
import dev.covet.pg.CovetPgComponent;
import dev.covet.pg.CovetPgConstants;
import dev.covet.pg.testdb.TestDatabase;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Producer;
import org.apache.camel.component.sql.SqlComponent;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Per-query workloads through covetpg and its two peers, side by side in one run against the same
 * server ({@link TestDatabase}: {@code COVETPG_TEST_URL}, else Testcontainers, else embedded
 * PostgreSQL 17), with the same pool size for everyone and TLS off:
 * <ul>
 *   <li>{@code covetpg}: {@code covetpg:query} through the endpoint's
 *       {@link AsyncProducer#process(Exchange, org.apache.camel.AsyncCallback)}, no thread per request;</li>
 *   <li>{@code covetpgPipelined}: the same with {@code pipelining=true} (statements share at most
 *       half of the pool's connections, pipelined);</li>
 *   <li>{@code covetpgBlocking}: {@code covetpg:query} with default options, driven as camel-sql is:
 *       {@code concurrency} threads of its own, each calling the producer and waiting for the answer
 *       (what a {@code ProducerTemplate} caller does);</li>
 *   <li>{@code covetpgSynchronous}: the same callers on an endpoint with {@code synchronous=true}:
 *       each caller waits for its answer itself, with no completion thread in between;</li>
 *   <li>{@code vertxPgClient}: the bare vertx-pg-client pool, {@code preparedQuery(..).execute(..)}
 *       with a completion handler: the zero-Camel limit;</li>
 *   <li>{@code vertxPipelined}: the driver's own pipelined client ({@code PgBuilder.client()}) on
 *       the same number of connections: the zero-Camel limit with pipelining;</li>
 *   <li>{@code camelSql}: camel-sql on pgjdbc and HikariCP, blocking, driven by {@code concurrency}
 *       threads of its own, each calling the endpoint's producer in a loop.</li>
 * </ul>
 * Workloads ({@code -p workload=..}): {@code selectValue} ({@code SELECT 1}, SelectValue /
 * SelectOne), {@code selectOne} (one row of {@value #ROWS} by primary key), {@code select100} and
 * {@code select1000} (a primary-key range, SelectList), {@code insert} (one row, autocommit).
 *
 * <p><b>Closed loop, {@code concurrency} requests always in flight.</b> When the benchmark method
 * first runs, the contender's load starts: {@code concurrency} requests, each answered one followed
 * at once by the next (on the thread that saw the answer: a Vert.x event loop for the async
 * contenders, the worker thread for camel-sql). The load runs until the trial ends; each benchmark
 * invocation just waits until {@value #OPS} more requests have completed, so JMH's throughput
 * score is requests per second of a steady load, with no barrier between invocations. Every
 * request's time from issue to answer is recorded during the measurement iterations and printed
 * at the end of the trial as a {@code # latency} line (p50, p95, p99, max), exact, from all samples.
 * Pool waits are part of it: with 64 in flight on a pool of 4, most of a request's time is the wait.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class QueryBenchmark extends LatencyRecording {

    /** Requests per benchmark invocation. */
    static final int OPS = 64;
    static final int ROWS = 10_000;
    static final String TABLE = "covetpg_query_bench";
    static final String INSERT_TABLE = "covetpg_query_insert";
    static final String COLUMNS = "id, name, v, created";

    @Param({"selectValue", "selectOne", "select100", "select1000", "insert"})
    String workload;

    /** Requests in flight at any time. */
    @Param({"1", "16", "64"})
    int concurrency;

    /** Connections in every contender's pool (covetpg min = max, Vert.x max, Hikari min idle = max). */
    @Param("4")
    int poolSize;

    private TestDatabase db;
    private Workload w;
    private String contender;

    // covetpg and camel-sql
    private CamelContext camel;
    private Endpoint covetpgEndpoint;
    private AsyncProducer covetpgProducer;
    private Endpoint sqlEndpoint;
    private HikariDataSource hikari;

    // raw vertx-pg-client
    private Vertx vertx;
    private io.vertx.sqlclient.SqlClient rawPool;

    private Driver driver;

    /** The statements of one workload, in each client's parameter syntax. */
    enum Workload {
        selectValue("SELECT 1", "SELECT 1", "SelectValue", "SelectOne", 0),
        selectOne("SELECT " + COLUMNS + " FROM " + TABLE + " WHERE id = $1",
                "SELECT " + COLUMNS + " FROM " + TABLE + " WHERE id = :#lo", "SelectOne", "SelectOne", 1),
        select100("SELECT " + COLUMNS + " FROM " + TABLE + " WHERE id BETWEEN $1 AND $2",
                "SELECT " + COLUMNS + " FROM " + TABLE + " WHERE id BETWEEN :#lo AND :#hi", "SelectList", "SelectList", 100),
        select1000("SELECT " + COLUMNS + " FROM " + TABLE + " WHERE id BETWEEN $1 AND $2",
                "SELECT " + COLUMNS + " FROM " + TABLE + " WHERE id BETWEEN :#lo AND :#hi", "SelectList", "SelectList", 1000),
        insert("INSERT INTO " + INSERT_TABLE + " (v, name) VALUES ($1, $2)",
                "INSERT INTO " + INSERT_TABLE + " (v, name) VALUES (:#lo, :#name)", "SelectList", "SelectList", -1);

        final String positional;
        final String named;
        final String covetpgOutput;
        final String sqlOutput;
        /** rows expected back; 0: the value 1; -1: one row inserted */
        final int rows;

        Workload(String positional, String named, String covetpgOutput, String sqlOutput, int rows) {
            this.positional = positional;
            this.named = named;
            this.covetpgOutput = covetpgOutput;
            this.sqlOutput = sqlOutput;
            this.rows = rows;
        }

        /** First id of the rows to read (or the value to insert). */
        int lo() {
            int span = Math.max(rows, 1);
            return 1 + ThreadLocalRandom.current().nextInt(ROWS - span + 1);
        }

        int hi(int lo) {
            return lo + Math.max(rows, 1) - 1;
        }

        Tuple tuple() {
            int lo = lo();
            return switch (this) {
                case selectValue -> Tuple.tuple();
                case selectOne -> Tuple.of(lo);
                case select100, select1000 -> Tuple.of(lo, hi(lo));
                case insert -> Tuple.of(lo, "name-" + lo);
            };
        }

        void headers(Exchange exchange) {
            if (this == selectValue) {
                return;
            }
            int lo = lo();
            exchange.getIn().setHeader("lo", lo);
            exchange.getIn().setHeader("hi", hi(lo));
            exchange.getIn().setHeader("name", "name-" + lo);
        }
    }

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws Exception {
        db = TestDatabase.shared();
        w = Workload.valueOf(workload);
        contender = Contenders.name(params);
        db.execute("DROP TABLE IF EXISTS " + TABLE, "DROP TABLE IF EXISTS " + INSERT_TABLE,
                "CREATE TABLE " + TABLE + " (id int PRIMARY KEY, name text NOT NULL, v bigint NOT NULL, created timestamptz NOT NULL)",
                "INSERT INTO " + TABLE + " SELECT i, 'name-' || i, i * 7, timestamptz '2026-01-01 00:00:00+00' + i * interval '1 minute'"
                        + " FROM generate_series(1, " + ROWS + ") AS i",
                "CREATE TABLE " + INSERT_TABLE + " (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v int NOT NULL, name text NOT NULL)",
                "VACUUM ANALYZE " + TABLE);

        // only the contender of this fork's benchmark method is opened, so no idle pool shares the server
        camel = new DefaultCamelContext();
        switch (contender) {
            case "covetpg", "covetpgPipelined", "covetpgBlocking", "covetpgSynchronous" -> {
                CovetPgComponent covetpg = Contenders.covetpg(db, poolSize, poolSize);
                covetpg.getConfiguration().setPipelining(contender.equals("covetpgPipelined"));
                camel.addComponent("covetpg", covetpg);
                camel.start();
                covetpgEndpoint = camel.getEndpoint("covetpg:query?outputType=" + w.covetpgOutput + "&sql=RAW(" + w.named + ")"
                        + (contender.equals("covetpgSynchronous") ? "&synchronous=true" : ""));
                covetpgProducer = covetpgEndpoint.createAsyncProducer();
                covetpgProducer.start();
            }
            case "vertxPgClient", "vertxPipelined" -> {
                // the settings covetpg gives the driver: prepared statement cache on, TLS off, same pool size
                vertx = Vertx.vertx();
                PgConnectOptions connect = new PgConnectOptions()
                        .setHost(db.host()).setPort(db.port()).setDatabase(db.database())
                        .setUser(db.user()).setPassword(db.password())
                        .setCachePreparedStatements(true);
                rawPool = contender.equals("vertxPipelined")
                        // the driver's own pipelined client: statements share the pool's connections
                        ? PgBuilder.client().with(new PoolOptions().setMaxSize(poolSize)).connectingTo(connect).using(vertx).build()
                        : PgBuilder.pool().with(new PoolOptions().setMaxSize(poolSize)).connectingTo(connect).using(vertx).build();
            }
            case "camelSql" -> {
                hikari = Contenders.hikari(db, poolSize, poolSize, true);
                SqlComponent sql = new SqlComponent();
                sql.setDataSource(hikari);
                camel.addComponent("sql", sql);
                camel.start();
                sqlEndpoint = camel.getEndpoint("sql:" + w.named + "?outputType=" + w.sqlOutput);
            }
            default -> throw new IllegalStateException("unknown contender " + contender);
        }
        System.out.println();
        System.out.println("# server: " + db + ", " + db.queryValue("SELECT version()")
                + "; contender " + contender + ", workload " + workload + ", concurrency " + concurrency + ", pool " + poolSize);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            if (driver != null) {
                driver.stop();
                System.out.println("# latency " + contender + " workload=" + workload + " concurrency=" + concurrency
                        + " poolSize=" + poolSize + ": " + latencies.summary());
                if (covetpgEndpoint != null) {
                    // how often statements waited for the pool, and for how long (pipelined: how often a shared connection was borrowed)
                    dev.covet.pg.client.PoolStatistics pool = ((dev.covet.pg.CovetPgEndpoint) covetpgEndpoint).getComponent().getPoolStatistics();
                    System.out.println("# pool " + contender + ": " + pool.totalAcquired() + " connections lent, " + pool.totalTimeouts() + " waits timed out");
                }
            }
        } finally {
            if (hikari != null) {
                hikari.close();
            }
            if (rawPool != null) {
                rawPool.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            if (vertx != null) {
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            if (covetpgProducer != null) {
                covetpgProducer.stop();
            }
            if (camel != null) {
                camel.stop();
            }
            db.execute("DROP TABLE IF EXISTS " + TABLE, "DROP TABLE IF EXISTS " + INSERT_TABLE);
        }
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long covetpg() throws InterruptedException {
        return await(() -> new CovetpgDriver());
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long covetpgPipelined() throws InterruptedException {
        return await(() -> new CovetpgDriver());
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long covetpgBlocking() throws InterruptedException {
        return await(() -> new BlockingDriver(covetpgEndpoint, "covetpg"));
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long covetpgSynchronous() throws InterruptedException {
        return await(() -> new BlockingDriver(covetpgEndpoint, "covetpg"));
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long vertxPgClient() throws InterruptedException {
        return await(() -> new VertxDriver());
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long vertxPipelined() throws InterruptedException {
        return await(() -> new VertxDriver());
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long camelSql() throws InterruptedException {
        return await(() -> new BlockingDriver(sqlEndpoint, "camel-sql"));
    }

    private long await(java.util.function.Supplier<Driver> start) throws InterruptedException {
        if (driver == null) {
            driver = start.get();
            driver.start();
        }
        return driver.awaitMore(OPS);
    }

    // ---- the load ----

    /** The closed-loop load of this trial's contender. */
    abstract class Driver extends ClosedLoop {
        Driver() {
            super(QueryBenchmark.this.contender, concurrency, latencies);
        }
    }

    /** Keeps {@code concurrency} requests in flight with callbacks, each answer starting the next one. */
    abstract class CallbackDriver extends Driver {
        @Override
        void start() {
            for (int i = 0; i < concurrency; i++) {
                issue();
            }
        }

        /** Starts one request (or, once the trial ended, counts this chain as stopped). */
        abstract void issue();
    }

    final class CovetpgDriver extends CallbackDriver {
        @Override
        void issue() {
            if (ended()) {
                stopped.countDown();
                return;
            }
            Exchange exchange = covetpgEndpoint.createExchange();
            w.headers(exchange);
            long start = System.nanoTime();
            covetpgProducer.process(exchange, doneSync -> {
                outcome(start, exchange.getException() != null ? exchange.getException() : check(w, exchange, "covetpg"));
                issue();
            });
        }
    }

    final class VertxDriver extends CallbackDriver {
        @Override
        void issue() {
            if (ended()) {
                stopped.countDown();
                return;
            }
            long start = System.nanoTime();
            Handler<AsyncResult<RowSet<Row>>> handler = ar -> {
                outcome(start, ar.failed() ? ar.cause() : check(w, ar.result()));
                issue();
            };
            rawPool.preparedQuery(w.positional).execute(w.tuple()).onComplete(handler);
        }
    }

    /** {@code concurrency} threads, each calling the endpoint's producer and waiting for its answer. */
    final class BlockingDriver extends Driver {
        private final Endpoint endpoint;
        private final String who;

        BlockingDriver(Endpoint endpoint, String who) {
            this.endpoint = endpoint;
            this.who = who;
        }

        @Override
        void start() {
            startThreads(who + "-load-", this::loop);
        }

        private void loop() throws Exception {
            Producer producer = endpoint.createProducer();
            producer.start();
            try {
                while (!ended()) {
                    Exchange exchange = endpoint.createExchange();
                    w.headers(exchange);
                    long start = System.nanoTime();
                    producer.process(exchange);
                    outcome(start, exchange.getException() != null ? exchange.getException() : check(w, exchange, who));
                }
            } finally {
                producer.stop();
            }
        }
    }

    // ---- answers ----

    /** null when the exchange holds the answer the workload expects, else what is wrong. */
    static Throwable check(Workload w, Exchange exchange, String who) {
        Object body = exchange.getMessage().getBody();
        boolean ok = switch (w) {
            case selectValue -> body instanceof Number n && n.intValue() == 1;
            case selectOne -> body instanceof Map<?, ?> m && m.size() == 4;
            case select100, select1000 -> body instanceof List<?> l && l.size() == w.rows;
            case insert -> {
                Object n = exchange.getMessage().getHeader(
                        "covetpg".equals(who) ? CovetPgConstants.UPDATE_COUNT : "CamelSqlUpdateCount");
                yield n instanceof Number c && c.intValue() == 1;
            }
        };
        return ok ? null : new IllegalStateException(who + " answered " + abbreviate(body) + " to " + w + " with headers "
                + exchange.getMessage().getHeaders().keySet());
    }

    /** The raw client's answer, read as an application would: every column of every row. */
    static Throwable check(Workload w, RowSet<Row> rows) {
        if (w == Workload.insert) {
            return rows.rowCount() == 1 ? null : new IllegalStateException("vertx-pg-client inserted " + rows.rowCount() + " rows");
        }
        int n = 0;
        long sum = 0;
        for (Row row : rows) {
            for (int c = 0; c < row.size(); c++) {
                Object v = row.getValue(c);
                sum += v == null ? 0 : 1;
            }
            n++;
        }
        int expected = Math.max(w.rows, 1);
        boolean ok = n == expected && sum == (long) n * (w == Workload.selectValue ? 1 : 4);
        return ok ? null : new IllegalStateException("vertx-pg-client answered " + n + " rows to " + w);
    }

    private static String abbreviate(Object body) {
        String s = String.valueOf(body);
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
