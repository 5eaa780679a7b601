package dev.covet.pg.jmh;

import dev.covet.pg.testdb.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The time from a NOTIFY to the listener having it, one notification at a time, through three
 * listeners on the same server:
 * <ul>
 *   <li>{@code covetpg}: a route {@code from("covetpg:listen?channel=...")}, timed until its
 *       processor runs (on the consumer's routing thread);</li>
 *   <li>{@code pgjdbc}: a pgjdbc connection that LISTENs, and a thread blocked in
 *       {@code PGConnection.getNotifications(0)}, the usual way to listen with JDBC (camel-pgevent
 *       and hand-written listeners do this);</li>
 *   <li>{@code vertxPgClient}: a bare vertx-pg-client connection's {@code notificationHandler},
 *       timed on the event loop: the zero-Camel limit.</li>
 * </ul>
 * One notifier for all of them: a pgjdbc connection in autocommit that runs
 * {@code SELECT pg_notify(channel, n)}. A benchmark invocation sends one notification and waits
 * until the listener has handed over that very payload (checked), so JMH's sample time is
 * notify-to-exchange latency, the notifier's commit included (it is in every contender's). The
 * {@code # latency} line at the end of a trial gives exact p50/p95/p99 of the measured ones and
 * the CPU per notification, client (this JVM: notifier and listener) and machine.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 1, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class ListenBenchmark extends LatencyRecording {

    static final String CHANNEL = "covetpg_listen_bench";

    private TestDatabase db;
    private String contender;
    private Connection notifier;
    private PreparedStatement notify;
    private long sequence;
    /** What the listener received, handed to the benchmark thread. */
    private final LinkedBlockingQueue<String> arrived = new LinkedBlockingQueue<>();

    private CamelContext camel;
    private Connection jdbcListener;
    private Thread jdbcReader;
    private volatile boolean stopping;
    private Vertx vertx;
    private PgConnection vertxListener;


    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws Exception {
        db = TestDatabase.shared();
        contender = Contenders.name(params);
        notifier = db.jdbc();
        notifier.setAutoCommit(true);
        notify = notifier.prepareStatement("SELECT pg_notify('" + CHANNEL + "', ?)");
        switch (contender) {
            case "covetpg" -> {
                camel = new DefaultCamelContext();
                camel.addComponent("covetpg", Contenders.covetpg(db, 1, 1));
                camel.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("covetpg:listen?channel=" + CHANNEL).process(e -> arrived.add(e.getMessage().getBody(String.class)));
                    }
                });
                camel.start();
            }
            case "pgjdbc" -> {
                jdbcListener = db.jdbc();
                try (Statement st = jdbcListener.createStatement()) {
                    st.execute("LISTEN " + CHANNEL);
                }
                PGConnection pg = jdbcListener.unwrap(PGConnection.class);
                jdbcReader = new Thread(() -> {
                    while (!stopping) {
                        try {
                            PGNotification[] got = pg.getNotifications(500);
                            if (got != null) {
                                for (PGNotification n : got) {
                                    arrived.add(n.getParameter());
                                }
                            }
                        } catch (SQLException e) {
                            if (!stopping) {
                                throw new IllegalStateException(e);
                            }
                        }
                    }
                }, "pgjdbc-listener");
                jdbcReader.start();
            }
            case "vertxPgClient" -> {
                vertx = Vertx.vertx();
                PgConnectOptions options = new PgConnectOptions().setHost(db.host()).setPort(db.port()).setDatabase(db.database())
                        .setUser(db.user()).setPassword(db.password());
                vertxListener = PgConnection.connect(vertx, options).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                vertxListener.notificationHandler(n -> arrived.add(n.getPayload()));
                vertxListener.query("LISTEN " + CHANNEL).execute().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            default -> throw new IllegalArgumentException("No such contender: " + contender);
        }
        // the listener must answer before anything is timed
        String first = roundTrip();
        System.out.println("# server: " + db + ", " + db.queryValue("SELECT version()") + "; contender " + contender
                + " answered its first notification " + first);
    }

    /** One notification, sent and received; its payload, checked. */
    private String roundTrip() throws Exception {
        String payload = Long.toString(++sequence);
        notify.setString(1, payload);
        try (ResultSet rs = notify.executeQuery()) {
            rs.next();
        }
        String got = arrived.poll(30, TimeUnit.SECONDS);
        if (!payload.equals(got)) {
            throw new IllegalStateException(contender + ": sent notification " + payload + ", received " + got);
        }
        return got;
    }

    private String timed() throws Exception {
        long start = System.nanoTime();
        String got = roundTrip();
        latencies.record(System.nanoTime() - start);
        return got;
    }

    @Benchmark
    public String covetpg() throws Exception {
        return timed();
    }

    @Benchmark
    public String pgjdbc() throws Exception {
        return timed();
    }

    @Benchmark
    public String vertxPgClient() throws Exception {
        return timed();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        System.out.println("# latency " + contender + " notify to listener: " + latencies.summary());
        stopping = true;
        try {
            if (camel != null) {
                camel.stop();
            }
            if (jdbcReader != null) {
                jdbcReader.join(5_000);
                jdbcListener.close();
            }
            if (vertxListener != null) {
                vertxListener.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            if (vertx != null) {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        } finally {
            notifier.close();
        }
    }
}
