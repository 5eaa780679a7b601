package dev.covet.pg.jmh;

import com.zaxxer.hikari.HikariDataSource;
import dev.covet.pg.CovetPgComponent;
import dev.covet.pg.CovetPgConstants;
import dev.covet.pg.testdb.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.sql.SqlComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
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

/**
 * Reading a whole table of {@code rows} narrow rows {@code (id int, v int)} (1,000,000 unless
 * {@code -p rows=..}) as a stream, never holding it in memory, through covetpg and through
 * camel-sql, against the same server ({@link TestDatabase}), TLS off, {@code fetchSize} rows per
 * round trip for everyone:
 * <ul>
 *   <li>{@code covetpgStreamList}: {@code to("covetpg:query?outputType=StreamList&fetchSize=..")},
 *       then a processor iterates the body's {@code Iterator} of Map rows (covetpg reads them
 *       through a server-side cursor, {@code fetchSize} rows per fetch);</li>
 *   <li>{@code covetpgConsumer}: {@code from("covetpg:query?sql=..&chunkSize=..")}, a polling
 *       consumer that routes the result chunk by chunk (one exchange per {@code chunkSize} rows,
 *       body a List of Map rows). Each invocation starts the route, whose first poll starts at
 *       once ({@code initialDelay=0}) and reads the whole table; the invocation ends when the last
 *       chunk has been routed. The route is stopped after the invocation, outside the timed part;</li>
 *   <li>{@code camelSqlStreamList}: {@code to("sql:..?outputType=StreamList&fetchSize=..")} on
 *       pgjdbc and HikariCP, then the same processor. pgjdbc streams a result only with autocommit
 *       off and a fetch size; without them it reads the whole result into memory first. So the
 *       Hikari pool has {@code autoCommit=false} (Hikari rolls the read-only transaction back when
 *       camel-sql closes the connection at the end of the exchange) and the endpoint has
 *       {@code fetchSize}, which camel-sql sets on its statement;</li>
 *   <li>{@code pgjdbc}: plain pgjdbc on the same Hikari pool, no Camel: a {@code PreparedStatement}
 *       with the fetch size, its {@code ResultSet} read column by column ({@code getInt}), the
 *       least a Java program can do.</li>
 * </ul>
 * Each processor reads every row's {@code v}; the count and the sum of {@code v} are checked
 * against the table after every invocation. One invocation is one full read, timed alone
 * ({@link Mode#SingleShotTime}); rows per second = rows / score.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class StreamBenchmark {

    static final String TABLE = "covetpg_stream";
    static final String SELECT = "SELECT id, v FROM " + TABLE;

    /** Rows in the table, all read by every invocation. */
    @Param("1000000")
    int rows;

    /** Rows per round trip: covetpg fetchSize / chunkSize, pgjdbc fetch size. */
    @Param("1000")
    int fetchSize;

    /** Connections in each pool (only one is used at a time). */
    @Param("2")
    int poolSize;

    private TestDatabase db;
    private CamelContext camel;
    private ProducerTemplate template;
    private HikariDataSource hikari;
    private long expectedSum;

    // the consumer's progress in the current invocation
    private volatile CountDownLatch consumed;
    private long consumerRows;
    private long consumerSum;
    /** CPU of the measured reads alone: the "# cpu" line at the trial's end. */
    private final SystemCpu systemCpu = new SystemCpu();
    private long measuredReads;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        db = TestDatabase.shared();
        db.execute("DROP TABLE IF EXISTS " + TABLE,
                "CREATE TABLE " + TABLE + " (id int PRIMARY KEY, v int NOT NULL)",
                "INSERT INTO " + TABLE + " SELECT i, (i::bigint * 7 % 1000003)::int FROM generate_series(1, " + rows + ") AS i",
                "VACUUM ANALYZE " + TABLE);
        expectedSum = ((Number) db.queryValue("SELECT sum(v) FROM " + TABLE)).longValue();

        CovetPgComponent covetpg = Contenders.covetpg(db, 1, poolSize);

        hikari = Contenders.hikari(db, 1, poolSize, false); // pgjdbc uses a cursor (fetchSize rows at a time) only outside autocommit
        SqlComponent sql = new SqlComponent();
        sql.setDataSource(hikari);

        camel = new DefaultCamelContext();
        camel.getShutdownStrategy().setTimeout(30);
        camel.addComponent("covetpg", covetpg);
        camel.addComponent("sql", sql);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:covetpgStreamList")
                        .to("covetpg:query?outputType=StreamList&fetchSize=" + fetchSize + "&sql=" + SELECT)
                        .process(StreamBenchmark::readAll);
                from("direct:camelSqlStreamList")
                        .to("sql:" + SELECT + "?outputType=StreamList&fetchSize=" + fetchSize)
                        .process(StreamBenchmark::readAll);
                from("covetpg:query?chunkSize=" + fetchSize + "&initialDelay=0&delay=3600000&sql=" + SELECT)
                        .routeId("consumer").autoStartup(false)
                        .process(StreamBenchmark.this::consumeChunk);
            }
        });
        camel.start();
        template = camel.createProducerTemplate();
        System.out.println();
        System.out.println("# server: " + db + ", " + db.queryValue("SELECT version()") + "; " + rows + " rows of (id int, v int), "
                + db.queryValue("SELECT pg_size_pretty(pg_table_size('" + TABLE + "'))") + ", fetchSize " + fetchSize);
    }

    /** Reads every row of the streamed body; the body becomes {rows, sum of v}. */
    static void readAll(Exchange exchange) {
        Iterator<?> it = exchange.getMessage().getBody(Iterator.class);
        long n = 0;
        long sum = 0;
        while (it.hasNext()) {
            Map<?, ?> row = (Map<?, ?>) it.next();
            sum += ((Number) row.get("v")).longValue();
            n++;
        }
        exchange.getMessage().setBody(new long[] {n, sum});
    }

    private void consumeChunk(Exchange exchange) {
        List<?> chunk = exchange.getMessage().getBody(List.class);
        long sum = 0;
        for (Object row : chunk) {
            sum += ((Number) ((Map<?, ?>) row).get("v")).longValue();
        }
        consumerRows += chunk.size();
        consumerSum += sum;
        if (Boolean.TRUE.equals(exchange.getMessage().getHeader(CovetPgConstants.LAST_CHUNK))) {
            consumed.countDown();
        }
    }

    @Setup(Level.Iteration)
    public void iteration(IterationParams params) {
        boolean measuring = params.getType() == IterationType.MEASUREMENT;
        if (measuring) {
            measuredReads++;
        }
        systemCpu.recording(measuring);
    }

    @TearDown(Level.Trial)
    public void tearDown(BenchmarkParams params) throws Exception {
        System.out.println("# cpu " + Contenders.name(params) + " per 1000 rows (an operation here) over " + measuredReads + " reads of " + rows
                + " rows: " + systemCpu.summary(measuredReads * rows / 1000));
        try {
            if (template != null) {
                template.stop();
            }
            if (camel != null) {
                camel.stop();
            }
        } finally {
            if (hikari != null) {
                hikari.close();
            }
            db.execute("DROP TABLE IF EXISTS " + TABLE);
        }
    }

    @Benchmark
    public long covetpgStreamList() {
        return check("covetpg StreamList", template.requestBody("direct:covetpgStreamList", null, long[].class));
    }

    @Benchmark
    public long camelSqlStreamList() {
        return check("camel-sql StreamList", template.requestBody("direct:camelSqlStreamList", null, long[].class));
    }

    @Benchmark
    public long pgjdbc() throws SQLException {
        long n = 0;
        long sum = 0;
        try (Connection c = hikari.getConnection(); PreparedStatement ps = c.prepareStatement(SELECT)) {
            ps.setFetchSize(fetchSize);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sum += rs.getInt(2);
                    n++;
                }
            }
            c.rollback();
        }
        return check("pgjdbc", new long[] {n, sum});
    }

    @Benchmark
    public long covetpgConsumer() throws Exception {
        consumerRows = 0;
        consumerSum = 0;
        consumed = new CountDownLatch(1);
        camel.getRouteController().startRoute("consumer");
        if (!consumed.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("the covetpg consumer routed " + consumerRows + " rows in 10 minutes, no last chunk");
        }
        return check("covetpg consumer", new long[] {consumerRows, consumerSum});
    }

    @TearDown(Level.Invocation)
    public void stopConsumer() throws Exception {
        systemCpu.recording(false);   // a read ends here, before the consumer's route is stopped
        if (consumed != null) {
            camel.getRouteController().stopRoute("consumer");
            consumed = null;
        }
    }

    private long check(String who, long[] seen) {
        if (seen == null || seen[0] != rows || seen[1] != expectedSum) {
            throw new IllegalStateException(who + " read " + (seen == null ? "nothing" : seen[0] + " rows summing to " + seen[1])
                    + ", expected " + rows + " rows summing to " + expectedSum);
        }
        return seen[0];
    }
}
