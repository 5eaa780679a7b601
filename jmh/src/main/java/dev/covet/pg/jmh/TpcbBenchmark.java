package dev.covet.pg.jmh;

import com.zaxxer.hikari.HikariDataSource;
import dev.covet.pg.CovetPgComponent;
import dev.covet.pg.CovetPgConstants;
import dev.covet.pg.testdb.TestDatabase;
import dev.covet.pg.tx.CovetPgTransactionPolicy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
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
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * pgbench's built-in TPC-B-like transaction (three updates, one select, one insert, in one
 * transaction) on pgbench's own tables, by three Java contenders on the same server, pool size
 * and load; {@code jmh/tpcb.sh} runs pgbench itself beside them on the same tables:
 * <ul>
 *   <li>{@code covetpg}: a route {@code from("direct:tpcb").transacted("tx")} with the five
 *       statements as five {@code covetpg:query} steps, parameters from headers;</li>
 *   <li>{@code jdbc}: a plain Java program on pgjdbc and HikariCP, the ceiling a Java caller can
 *       reach on a blocking driver: autocommit off, five prepared statements, commit;</li>
 *   <li>{@code camelSql}: camel-sql's five producers inside one Spring {@link TransactionTemplate}
 *       over the same kind of Hikari pool.</li>
 * </ul>
 * {@code concurrency} threads each run one transaction after another (a closed loop, as in
 * {@link TransactionBenchmark}); the score is transactions per second. Every transaction's three
 * update counts and its insert count are checked, and at the end the balances must add up: the
 * sum of every branch's, teller's and account's change is the sum of the history's deltas.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class TpcbBenchmark extends LatencyRecording {

    static final int OPS = 16;
    static final String UPDATE_ACCOUNT = "UPDATE pgbench_accounts SET abalance = abalance + :#delta WHERE aid = :#aid";
    static final String SELECT_ACCOUNT = "SELECT abalance FROM pgbench_accounts WHERE aid = :#aid";
    static final String UPDATE_TELLER = "UPDATE pgbench_tellers SET tbalance = tbalance + :#delta WHERE tid = :#tid";
    static final String UPDATE_BRANCH = "UPDATE pgbench_branches SET bbalance = bbalance + :#delta WHERE bid = :#bid";
    static final String INSERT_HISTORY = "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (:#tid, :#bid, :#aid, :#delta, CURRENT_TIMESTAMP)";
    private static final String[] STATEMENTS = {UPDATE_ACCOUNT, SELECT_ACCOUNT, UPDATE_TELLER, UPDATE_BRANCH, INSERT_HISTORY};

    /** Transactions in flight at any time (one thread each). */
    @Param({"8", "32"})
    int concurrency;

    /** Connections in each contender's pool (covetpg min = max, Hikari min idle = max). */
    @Param("8")
    int poolSize;

    /**
     * pgbench's scale: branches; ten tellers and 100,000 accounts per branch. The tables are made
     * here unless {@code pgbench -i} made them at this scale already (jmh/tpcb.sh does).
     */
    @Param("8")
    int scale;

    private TestDatabase db;
    private String contender;
    private CamelContext camel;
    private Endpoint tpcb;
    private HikariDataSource hikari;
    private TransactionTemplate transactions;
    private final Endpoint[] sql = new Endpoint[STATEMENTS.length];
    private long deltasBefore;

    private Load load;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws Exception {
        db = TestDatabase.shared();
        contender = Contenders.name(params);
        ensureTables();
        deltasBefore = balancesMinusHistory();

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
                        from("direct:tpcb").transacted("tx")
                                .to("covetpg:query?sql=RAW(" + UPDATE_ACCOUNT + ")")
                                .setHeader("account", header(CovetPgConstants.UPDATE_COUNT))
                                .to("covetpg:query?outputType=SelectValue&sql=RAW(" + SELECT_ACCOUNT + ")")
                                .to("covetpg:query?sql=RAW(" + UPDATE_TELLER + ")")
                                .setHeader("teller", header(CovetPgConstants.UPDATE_COUNT))
                                .to("covetpg:query?sql=RAW(" + UPDATE_BRANCH + ")")
                                .setHeader("branch", header(CovetPgConstants.UPDATE_COUNT))
                                .to("covetpg:query?sql=RAW(" + INSERT_HISTORY + ")");
                    }
                });
                camel.start();
                tpcb = camel.getEndpoint("direct:tpcb");
            }
            case "jdbc" -> hikari = Contenders.hikari(db, poolSize, poolSize, false);
            case "camelSql" -> {
                hikari = Contenders.hikari(db, poolSize, poolSize, true); // the transaction manager turns it off for each transaction
                transactions = new TransactionTemplate(new DataSourceTransactionManager(hikari));
                SqlComponent component = new SqlComponent();
                component.setDataSource(hikari);
                camel.addComponent("sql", component);
                camel.start();
                for (int i = 0; i < STATEMENTS.length; i++) {
                    sql[i] = camel.getEndpoint("sql:" + STATEMENTS[i] + (i == 1 ? "?outputType=SelectOne" : ""));
                }
            }
            default -> throw new IllegalStateException("unknown contender " + contender);
        }
        System.out.println();
        System.out.println("# server: " + db + ", " + db.queryValue("SELECT version()") + "; contender " + contender
                + ", concurrency " + concurrency + ", pool " + poolSize + ", scale " + scale);
    }

    /** pgbench's four tables at {@link #scale}, as {@code pgbench -i} makes them, unless they are there already. */
    private void ensureTables() {
        boolean made = db.queryValue("SELECT to_regclass('pgbench_branches')::text") != null
                && ((Number) db.queryValue("SELECT count(*) FROM pgbench_branches")).longValue() == scale
                && db.queryValue("SELECT to_regclass('pgbench_history')::text") != null;
        if (made) {
            return;
        }
        db.execute("DROP TABLE IF EXISTS pgbench_accounts, pgbench_branches, pgbench_tellers, pgbench_history",
                "CREATE TABLE pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp, filler char(22))",
                "CREATE TABLE pgbench_tellers (tid int NOT NULL PRIMARY KEY, bid int, tbalance int, filler char(84)) WITH (fillfactor = 100)",
                "CREATE TABLE pgbench_accounts (aid int NOT NULL PRIMARY KEY, bid int, abalance int, filler char(84)) WITH (fillfactor = 100)",
                "CREATE TABLE pgbench_branches (bid int NOT NULL PRIMARY KEY, bbalance int, filler char(88)) WITH (fillfactor = 100)",
                "INSERT INTO pgbench_branches (bid, bbalance) SELECT b, 0 FROM generate_series(1, " + scale + ") b",
                "INSERT INTO pgbench_tellers (tid, bid, tbalance) SELECT t, (t - 1) / 10 + 1, 0 FROM generate_series(1, " + 10 * scale + ") t",
                "INSERT INTO pgbench_accounts (aid, bid, abalance, filler) SELECT a, (a - 1) / 100000 + 1, 0, ''"
                        + " FROM generate_series(1, " + 100_000 * scale + ") a",
                "VACUUM ANALYZE pgbench_branches, pgbench_tellers, pgbench_accounts, pgbench_history");
    }

    /**
     * What the three balances moved minus what the history says: constant as long as every
     * transaction committed all five statements or none (pgbench's runs keep it too).
     */
    private long balancesMinusHistory() {
        Object v = db.queryValue("SELECT (SELECT coalesce(sum(abalance), 0) FROM pgbench_accounts)"
                + " + (SELECT coalesce(sum(tbalance), 0) FROM pgbench_tellers) + (SELECT coalesce(sum(bbalance), 0) FROM pgbench_branches)"
                + " - 3 * (SELECT coalesce(sum(delta), 0) FROM pgbench_history)");
        return ((Number) v).longValue();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            if (load != null) {
                load.stop();
                System.out.println("# latency " + contender + " tpcb concurrency=" + concurrency + " poolSize=" + poolSize
                        + ": " + latencies.summary());
                long after = balancesMinusHistory();
                if (after != deltasBefore) {
                    throw new IllegalStateException(contender + ": the balances moved " + (after - deltasBefore)
                            + " more than three times the history's deltas: a transaction was not all-or-nothing");
                }
                System.out.println("# balances and history agree");
            }
        } finally {
            if (camel != null) {
                camel.stop();
            }
            if (hikari != null) {
                hikari.close();
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long covetpg() throws InterruptedException {
        return await();
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long jdbc() throws InterruptedException {
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

    /** pgbench's random choices for one transaction. */
    private record Choice(int aid, int bid, int tid, int delta) {
        static Choice next(int scale) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            return new Choice(1 + r.nextInt(100_000 * scale), 1 + r.nextInt(scale), 1 + r.nextInt(10 * scale), r.nextInt(-5000, 5001));
        }

        Map<String, Object> headers() {
            return Map.of("aid", aid, "bid", bid, "tid", tid, "delta", delta);
        }
    }

    private Throwable covetpgTransaction(Producer producer, Choice c) throws Exception {
        Exchange exchange = tpcb.createExchange();
        exchange.getIn().setHeaders(new java.util.HashMap<>(c.headers()));
        producer.process(exchange);
        if (exchange.getException() != null) {
            return exchange.getException();
        }
        return counts(exchange.getMessage().getHeader("account"), exchange.getMessage().getHeader("teller"),
                exchange.getMessage().getHeader("branch"), exchange.getMessage().getHeader(CovetPgConstants.UPDATE_COUNT));
    }

    private static Throwable counts(Object... counts) {
        for (Object n : counts) {
            if (!(n instanceof Number c) || c.intValue() != 1) {
                return new IllegalStateException("a statement changed " + n + " rows, expected 1");
            }
        }
        return null;
    }

    /** The plain program: what a Java caller writes with pgjdbc and a pool, no framework. */
    private static final class JdbcStatements implements AutoCloseable {
        private final Connection connection;
        private final PreparedStatement[] statements = new PreparedStatement[STATEMENTS.length];

        JdbcStatements(Connection connection) throws SQLException {
            this.connection = connection;
            for (int i = 0; i < STATEMENTS.length; i++) {
                statements[i] = connection.prepareStatement(STATEMENTS[i].replaceAll(":#[a-z]+", "?"));
            }
        }

        Throwable run(Choice c) throws SQLException {
            try {
                int account = bind(statements[0], c.delta, c.aid).executeUpdate();
                try (ResultSet rs = bind(statements[1], c.aid).executeQuery()) {
                    rs.next();
                }
                int teller = bind(statements[2], c.delta, c.tid).executeUpdate();
                int branch = bind(statements[3], c.delta, c.bid).executeUpdate();
                int history = bind(statements[4], c.tid, c.bid, c.aid, c.delta).executeUpdate();
                connection.commit();
                return counts(account, teller, branch, history);
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        }

        private static PreparedStatement bind(PreparedStatement st, int... values) throws SQLException {
            for (int i = 0; i < values.length; i++) {
                st.setInt(i + 1, values[i]);
            }
            return st;
        }

        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }

    /** One camel-sql statement on this thread, inside the thread's transaction; its update count (or 1 for the select). */
    private static Object call(Producer producer, Endpoint endpoint, Map<String, Object> headers) throws Exception {
        Exchange exchange = endpoint.createExchange();
        exchange.getIn().setHeaders(new java.util.HashMap<>(headers));
        producer.process(exchange);
        if (exchange.getException() != null) {
            throw exchange.getException();
        }
        Object n = exchange.getMessage().getHeader("CamelSqlUpdateCount");
        return n != null ? n : 1;
    }

    /** {@code concurrency} threads, each running transactions back to back until the trial ends. */
    private final class Load extends ClosedLoop {

        Load() {
            super(TpcbBenchmark.this.contender, concurrency, latencies);
        }

        @Override
        void start() {
            startThreads(contender + "-tpcb-", this::loop);
        }

        private void loop() throws Exception {
            switch (contender) {
                case "covetpg" -> {
                    Producer producer = tpcb.createProducer();
                    producer.start();
                    try {
                        while (!ended()) {
                            long start = System.nanoTime();
                            outcome(start, covetpgTransaction(producer, Choice.next(scale)));
                        }
                    } finally {
                        producer.stop();
                    }
                }
                case "jdbc" -> {
                    while (!ended()) {
                        long start = System.nanoTime();
                        // a connection per transaction from the pool, as a service would take one
                        try (JdbcStatements jdbc = new JdbcStatements(hikari.getConnection())) {
                            outcome(start, jdbc.run(Choice.next(scale)));
                        }
                    }
                }
                default -> {
                    Producer[] producers = new Producer[STATEMENTS.length];
                    for (int i = 0; i < producers.length; i++) {
                        producers[i] = sql[i].createProducer();
                        producers[i].start();
                    }
                    try {
                        while (!ended()) {
                            long start = System.nanoTime();
                            Map<String, Object> headers = Choice.next(scale).headers();
                            Object[] counts = transactions.execute(status -> {
                                try {
                                    Object[] n = new Object[STATEMENTS.length];
                                    for (int i = 0; i < producers.length; i++) {
                                        n[i] = call(producers[i], sql[i], headers);
                                    }
                                    return n;
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            });
                            outcome(start, counts(counts));
                        }
                    } finally {
                        for (Producer p : producers) {
                            p.stop();
                        }
                    }
                }
            }
        }
    }
}
