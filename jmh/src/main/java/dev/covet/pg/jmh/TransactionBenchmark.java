package dev.covet.pg.jmh;

import com.zaxxer.hikari.HikariDataSource;
import dev.covet.pg.CovetPgComponent;
import dev.covet.pg.CovetPgConstants;
import dev.covet.pg.testdb.TestDatabase;
import dev.covet.pg.tx.CovetPgTransactionPolicy;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Producer;
import org.apache.camel.builder.RouteBuilder;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A short write transaction, {@code BEGIN; UPDATE one row; INSERT one row; COMMIT}, through
 * covetpg and through camel-sql, against the same server ({@link TestDatabase}) with the same
 * pool size and TLS off:
 * <ul>
 *   <li>{@code covetpg}: a Camel route {@code from("direct:tx").transacted("tx")
 *       .to("covetpg:query?sql=UPDATE ..").to("covetpg:query?sql=INSERT ..")} with a
 *       {@link CovetPgTransactionPolicy} bound as {@code tx}: the policy pins one connection of
 *       covetpg's pool for the exchange, both steps run on it, the policy commits;</li>
 *   <li>{@code camelSql}: camel-sql on pgjdbc and HikariCP, its two producers
 *       ({@code sql:UPDATE ..}, {@code sql:INSERT ..}) called inside one Spring
 *       {@link TransactionTemplate} over a {@link DataSourceTransactionManager} of the Hikari
 *       pool: camel-sql's {@code JdbcTemplate} joins the thread-bound connection through
 *       {@code DataSourceUtils}, the template commits.</li>
 * </ul>
 * At trial set-up each contender proves it really runs one transaction: two
 * {@code SELECT txid_current()} in one transaction must answer the same id, and a transaction
 * whose last step fails must leave neither the update nor the insert behind.
 *
 * <p>The load is a closed loop as in {@link QueryBenchmark}, but driven the same way for both
 * contenders: {@code concurrency} platform threads, each running one transaction after another
 * (covetpg through the {@code direct:tx} endpoint's producer, which waits for the route; the
 * policy itself waits for a connection on the calling thread). A JMH invocation waits until
 * {@value #OPS} more transactions have committed, so the score is transactions per second.
 * Every transaction's update count (1) and insert count (1) is checked. A {@code # latency} line
 * at the end of the trial gives p50/p95/p99 of all measured transactions.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class TransactionBenchmark {

    /** Transactions per benchmark invocation. */
    static final int OPS = 16;
    static final int ACCOUNTS = 10_000;
    static final String ACCOUNT = "covetpg_tx_account";
    static final String LEDGER = "covetpg_tx_ledger";
    static final String UPDATE = "UPDATE " + ACCOUNT + " SET balance = balance + 1 WHERE id = :#id";
    static final String INSERT = "INSERT INTO " + LEDGER + " (account, amount) VALUES (:#id, 1)";

    /** Transactions in flight at any time (one thread each). */
    @Param({"1", "16"})
    int concurrency;

    /** Connections in each contender's pool (covetpg min = max, Hikari min idle = max). */
    @Param("4")
    int poolSize;

    private TestDatabase db;
    private String contender;
    private CamelContext camel;
    private Endpoint txEndpoint;
    private HikariDataSource hikari;
    private Endpoint sqlUpdate;
    private Endpoint sqlInsert;
    private TransactionTemplate transactions;

    private Load load;
    private final Latencies latencies = new Latencies();

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws Exception {
        db = TestDatabase.shared();
        contender = Contenders.name(params);
        db.execute("DROP TABLE IF EXISTS " + ACCOUNT, "DROP TABLE IF EXISTS " + LEDGER,
                "CREATE TABLE " + ACCOUNT + " (id int PRIMARY KEY, balance bigint NOT NULL)",
                "INSERT INTO " + ACCOUNT + " SELECT i, 0 FROM generate_series(1, " + ACCOUNTS + ") AS i",
                "CREATE TABLE " + LEDGER + " (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, account int NOT NULL, amount int NOT NULL)",
                "VACUUM ANALYZE " + ACCOUNT);

        camel = new DefaultCamelContext();
        camel.getShutdownStrategy().setTimeout(30);
        switch (contender) {
            case "covetpg" -> {
                CovetPgComponent covetpg = Contenders.covetpg(db, poolSize, poolSize);
                camel.addComponent("covetpg", covetpg);
                camel.getRegistry().bind("tx", new CovetPgTransactionPolicy());
                camel.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("direct:tx").transacted("tx")
                                .to("covetpg:query?sql=RAW(" + UPDATE + ")")
                                .setHeader("updated", header(CovetPgConstants.UPDATE_COUNT))
                                .to("covetpg:query?sql=RAW(" + INSERT + ")");
                        // the set-up checks: one transaction id for both statements; a failure undoes both
                        from("direct:txid").transacted("tx")
                                .to("covetpg:query?outputType=SelectValue&sql=SELECT txid_current()")
                                .setHeader("first", body())
                                .to("covetpg:query?outputType=SelectValue&sql=SELECT txid_current()");
                        from("direct:fail").errorHandler(noErrorHandler()).transacted("tx")
                                .to("covetpg:query?sql=RAW(" + UPDATE + ")")
                                .to("covetpg:query?sql=RAW(" + INSERT + ")")
                                .throwException(new IllegalStateException("the set-up's failing transaction"));
                    }
                });
                camel.start();
                txEndpoint = camel.getEndpoint("direct:tx");
                Exchange txid = camel.createProducerTemplate().request("direct:txid", e -> { });
                checkOneTransaction(txid.getException(), txid.getMessage().getHeader("first"), txid.getMessage().getBody());
                Exchange failed = camel.createProducerTemplate().request("direct:fail", e -> e.getMessage().setHeader("id", 1));
                checkRolledBack(failed.getException());
            }
            case "camelSql" -> {
                hikari = Contenders.hikari(db, poolSize, poolSize, true); // the transaction manager turns it off for each transaction
                transactions = new TransactionTemplate(new DataSourceTransactionManager(hikari));
                SqlComponent sql = new SqlComponent();
                sql.setDataSource(hikari);
                camel.addComponent("sql", sql);
                camel.start();
                sqlUpdate = camel.getEndpoint("sql:" + UPDATE);
                sqlInsert = camel.getEndpoint("sql:" + INSERT);
                Endpoint txid = camel.getEndpoint("sql:SELECT txid_current()?outputType=SelectOne");
                Producer txidProducer = txid.createProducer();
                txidProducer.start();
                Object[] ids = transactions.execute(status -> new Object[] {call(txidProducer, txid, null), call(txidProducer, txid, null)});
                txidProducer.stop();
                checkOneTransaction(null, Objects.requireNonNull(ids)[0], ids[1]);
                Throwable failure = null;
                try {
                    Producer update = sqlUpdate.createProducer();
                    Producer insert = sqlInsert.createProducer();
                    update.start();
                    insert.start();
                    transactions.executeWithoutResult(status -> {
                        call(update, sqlUpdate, 1);
                        call(insert, sqlInsert, 1);
                        throw new IllegalStateException("the set-up's failing transaction");
                    });
                } catch (IllegalStateException expected) {
                    failure = expected;
                }
                checkRolledBack(failure);
            }
            default -> throw new IllegalStateException("unknown contender " + contender);
        }
        System.out.println();
        System.out.println("# server: " + db + ", " + db.queryValue("SELECT version()")
                + "; contender " + contender + ", concurrency " + concurrency + ", pool " + poolSize
                + "; one transaction checked (same txid_current() twice, a failure rolls back both statements)");
    }

    private static void checkOneTransaction(Throwable failure, Object first, Object second) {
        if (failure != null || first == null || !first.equals(second)) {
            throw new IllegalStateException("two statements of one transaction saw txid_current() " + first + " and " + second, failure);
        }
    }

    private void checkRolledBack(Throwable failure) {
        Object ledger = db.queryValue("SELECT count(*) FROM " + LEDGER);
        Object balance = db.queryValue("SELECT balance FROM " + ACCOUNT + " WHERE id = 1");
        // the failure must be the one thrown after both statements succeeded, not a failing statement
        boolean expected = failure != null && String.valueOf(failure.getMessage()).contains("the set-up's failing transaction");
        if (!expected || ((Number) ledger).longValue() != 0 || ((Number) balance).longValue() != 0) {
            throw new IllegalStateException(contender + ": a failing transaction left " + ledger + " ledger rows and balance "
                    + balance + " (failure: " + failure + ")");
        }
    }

    /** One camel-sql statement on this thread (inside the thread's transaction, if any); its answer. */
    private static Object call(Producer producer, Endpoint endpoint, Integer id) {
        Exchange exchange = endpoint.createExchange();
        if (id != null) {
            exchange.getIn().setHeader("id", id);
        }
        try {
            producer.process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        if (exchange.getException() != null) {
            throw new IllegalStateException("camel-sql failed: " + exchange.getException().getMessage(), exchange.getException());
        }
        if (id != null) {
            Object n = exchange.getMessage().getHeader("CamelSqlUpdateCount");
            if (!(n instanceof Number c) || c.intValue() != 1) {
                throw new IllegalStateException("camel-sql changed " + n + " rows, expected 1");
            }
        }
        return exchange.getMessage().getBody();
    }

    @Setup(Level.Iteration)
    public void iteration(IterationParams params) {
        latencies.recording(params.getType() == IterationType.MEASUREMENT);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            if (load != null) {
                load.stop();
                System.out.println("# latency " + contender + " transaction concurrency=" + concurrency + " poolSize=" + poolSize
                        + ": " + latencies.summary());
                Object committed = db.queryValue("SELECT count(*) FROM " + LEDGER);
                Object balance = db.queryValue("SELECT sum(balance) FROM " + ACCOUNT);
                if (((Number) committed).longValue() != ((Number) balance).longValue()) {
                    throw new IllegalStateException(contender + ": " + committed + " ledger rows but the balances add up to " + balance);
                }
                System.out.println("# committed " + committed + " transactions; ledger rows = sum of balances");
            }
        } finally {
            if (camel != null) {
                camel.stop();
            }
            if (hikari != null) {
                hikari.close();
            }
            db.execute("DROP TABLE IF EXISTS " + ACCOUNT, "DROP TABLE IF EXISTS " + LEDGER);
        }
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long covetpg() throws InterruptedException {
        return await();
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long camelSql() throws InterruptedException {
        return await();
    }

    private long await() throws InterruptedException {
        if (load == null) {
            load = new Load();
            load.start();
        }
        return load.awaitMore(OPS);
    }

    /** One transaction through covetpg's transacted route; null when it committed and both counts are 1. */
    private Throwable covetpgTransaction(Producer producer, int id) throws Exception {
        Exchange exchange = txEndpoint.createExchange();
        exchange.getIn().setHeader("id", id);
        producer.process(exchange);
        if (exchange.getException() != null) {
            return exchange.getException();
        }
        Object updated = exchange.getMessage().getHeader("updated");
        Object inserted = exchange.getMessage().getHeader(CovetPgConstants.UPDATE_COUNT);
        boolean ok = updated instanceof Number u && u.intValue() == 1 && inserted instanceof Number i && i.intValue() == 1;
        return ok ? null : new IllegalStateException("covetpg updated " + updated + " and inserted " + inserted + " rows");
    }

    /** {@code concurrency} threads, each running transactions back to back until the trial ends. */
    private final class Load extends ClosedLoop {

        Load() {
            super(TransactionBenchmark.this.contender, concurrency, latencies);
        }

        @Override
        void start() {
            startThreads(contender + "-tx-", this::loop);
        }

        private void loop() throws Exception {
            if (contender.equals("covetpg")) {
                Producer producer = txEndpoint.createProducer();
                producer.start();
                try {
                    while (!ended()) {
                        int id = 1 + ThreadLocalRandom.current().nextInt(ACCOUNTS);
                        long start = System.nanoTime();
                        outcome(start, covetpgTransaction(producer, id));
                    }
                } finally {
                    producer.stop();
                }
            } else {
                Producer update = sqlUpdate.createProducer();
                Producer insert = sqlInsert.createProducer();
                update.start();
                insert.start();
                try {
                    while (!ended()) {
                        int id = 1 + ThreadLocalRandom.current().nextInt(ACCOUNTS);
                        long start = System.nanoTime();
                        transactions.executeWithoutResult(status -> {
                            call(update, sqlUpdate, id);
                            call(insert, sqlInsert, id);
                        });
                        answered(start);
                    }
                } finally {
                    update.stop();
                    insert.stop();
                }
            }
        }
    }
}
