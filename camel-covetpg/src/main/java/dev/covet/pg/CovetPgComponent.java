package dev.covet.pg;

import dev.covet.pg.client.ClientSettings;
import dev.covet.pg.wire.AuthRequirements;
import dev.covet.pg.client.PgClient;
import dev.covet.pg.client.PoolStatistics;
import dev.covet.pg.wire.FlushCoalescing;
import dev.covet.pg.wire.KeepAlive;
import dev.covet.pg.health.CovetPgHealthCheck;
import dev.covet.pg.tx.TransactionHost;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Endpoint;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The covetpg component: one PostgreSQL connection pool, shared by the component's endpoints. A
 * second database is a second component instance under another name.
 */
@Component("covetpg")
@ManagedResource(description = "covetpg: the PostgreSQL connection pool of this component, its statistics and its configuration")
public class CovetPgComponent extends DefaultComponent implements TransactionHost {

    private static final Logger LOG = LoggerFactory.getLogger(CovetPgComponent.class);

    @Metadata(description = "The connection and pool options, shared by every endpoint of this component.")
    private CovetPgConfiguration configuration = new CovetPgConfiguration();

    @Metadata(label = "advanced", autowired = true,
              description = "The Vert.x instance to run the client on. Taken from the registry when there is exactly one; otherwise the component creates its own and closes it on stop.")
    private Vertx vertx;

    private boolean ownsVertx;
    private PgClient client;
    private ExecutorService completionExecutor;
    private final String transactionProperty = dev.covet.pg.tx.RouteTransaction.propertyFor(this);
    private ExecutorService blockingExecutor;
    private CovetPgHealthCheck healthCheck;
    private AutoCloseable meters;

    public CovetPgComponent() {
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        CovetPgOperation operation = parseOperation(remaining);
        CovetPgEndpoint endpoint = new CovetPgEndpoint(uri, this, operation);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    private static CovetPgOperation parseOperation(String remaining) {
        try {
            return CovetPgOperation.valueOf(remaining);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown covetpg operation '" + remaining + "': allowed operations are "
                    + java.util.Arrays.toString(CovetPgOperation.values()));
        }
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        ClientSettings settings = configuration.toClientSettings();
        int threads = completionThreads();
        if (vertx == null && isAutowiredEnabled()) {
            // share the application's event loops when it has a Vert.x (autowiring misses one bound
            // late); autowiredEnabled=false means the application's Vert.x is not to be taken
            vertx = getCamelContext().getRegistry().findSingleByType(Vertx.class);
        }
        if (vertx == null) {
            vertx = Vertx.vertx();
            ownsVertx = true;
        }
        long keepAliveIdle = configuration.getTcpKeepAliveIdle();
        if (keepAliveIdle < 0 || (keepAliveIdle > 0 && keepAliveIdle < 1000)) {
            throw new IllegalArgumentException("Invalid tcpKeepAliveIdle '" + keepAliveIdle + "ms': must be 0 (the operating system's) or at least 1s");
        }
        int idleSeconds = (int) Math.min(Integer.MAX_VALUE, keepAliveIdle / 1000);
        client = new PgClient(vertx, settings, "covetpg-" + Integer.toHexString(System.identityHashCode(this)),
                connection -> {
                    FlushCoalescing.apply(connection);
                    if (idleSeconds != 0) {
                        KeepAlive.apply(connection, idleSeconds, Math.min(10, idleSeconds), 3);
                    }
                });
        warnOfAnUnverifiedServer(settings);
        LOG.info("Starting covetpg pool to {} as {} (sslMode={}, pool {}..{})", settings.hosts().size() == 1 ? settings.target()
                        : settings.hosts() + "/" + settings.database(), settings.user(), settings.sslMode(), settings.minPoolSize(),
                settings.maxPoolSize());
        // Route steps after a covetpg step run here, never on the Vert.x event loop that completed the I/O.
        // Camel makes a pool with no queue (-1 or 0) hand each task straight to a thread and reject it
        // when all are busy; the continuation would then run on the event loop. The queue holds only
        // answers that have already arrived, so it is bounded by the exchanges in flight.
        completionExecutor = newThreadPool("CovetPgCompletion", threads);
        // Work that waits on the database (a whole batch or COPY, the start of a route transaction)
        // when it is called on an event loop: never on the completion threads, which every route
        // continuation needs. If it waited there for connections that transactions hold, those
        // transactions' own continuations would queue behind it, and nothing could finish. As many
        // threads as connections can serve; the rest wait in the queue, holding nothing.
        int blockingThreads = Math.max(2, settings.maxPoolSize() * settings.hosts().size());
        blockingExecutor = newThreadPool("CovetPgBlocking", blockingThreads);
        try {
            client.start().toCompletionStage().toCompletableFuture().get();
        } catch (java.util.concurrent.ExecutionException e) {
            closeClient();
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        registerHealthCheck();
        bindMeters();
    }

    /**
     * Micrometer is optional: the binding's class is loaded only when Micrometer is on the
     * classpath, and binds only when a MeterRegistry is in the Camel registry.
     */
    private void bindMeters() {
        if (getCamelContext().getClassResolver().resolveClass("io.micrometer.core.instrument.MeterRegistry") != null) {
            meters = dev.covet.pg.metrics.CovetPgMeters.bind(getCamelContext(), client, componentName());
        }
    }

    /**
     * Joins Camel's health checks when the application has a health-check registry (camel-health
     * or a runtime's equivalent on the classpath); the check's id is the name the component is
     * registered under, so a second database's component has its own.
     */
    private void registerHealthCheck() {
        HealthCheckRegistry registry = HealthCheckRegistry.get(getCamelContext());
        if (registry == null) {
            return;
        }
        healthCheck = new CovetPgHealthCheck(componentName(), client);
        registry.register(healthCheck);
    }

    private String componentName() {
        for (String name : getCamelContext().getComponentNames()) {
            if (getCamelContext().hasComponent(name) == this) {
                return name;
            }
        }
        return "covetpg";
    }

    /** A fixed pool of {@code threads} whose queue never refuses: a refused task would run on the caller, an event loop. */
    private ExecutorService newThreadPool(String name, int threads) {
        ThreadPoolProfile profile = new ThreadPoolProfile(name);
        profile.setPoolSize(threads);
        profile.setMaxPoolSize(threads);
        profile.setMaxQueueSize(Integer.MAX_VALUE);
        profile.setKeepAliveTime(60L);
        profile.setTimeUnit(TimeUnit.SECONDS);
        profile.setAllowCoreThreadTimeOut(true);
        profile.setRejectedPolicy(ThreadPoolRejectedPolicy.Abort);
        return getCamelContext().getExecutorServiceManager().newThreadPool(this, name, profile);
    }

    /**
     * With a password and a server whose identity nothing checks, an attacker on the path can pose
     * as the server: say at start what is at stake and which option closes the gap.
     */
    private static void warnOfAnUnverifiedServer(ClientSettings settings) {
        boolean verified = settings.sslMode() == dev.covet.pg.client.SslMode.VERIFY_FULL || settings.auth().channelBindingRequired();
        if (settings.password() == null || settings.password().isEmpty() || verified) {
            return;
        }
        String strip = settings.sslMode() == dev.covet.pg.client.SslMode.PREFER || settings.sslMode() == dev.covet.pg.client.SslMode.ALLOW
                ? " or strip TLS" : "";
        if (settings.auth().passwordCanBeSent()) {
            LOG.warn("covetpg sends the password for {} to a server whose identity it does not verify (sslMode={}): an attacker"
                    + " on the path can pose as the server{} and ask for the password ({}); use sslMode=verify-full with"
                    + " sslRootCert, or channelBinding=require, or requireAuth=scram-sha-256 (see docs/security.md)", settings.user(),
                    settings.sslMode(), strip, settings.auth().allowed().contains(AuthRequirements.Method.PASSWORD)
                            ? "in clear text" : "as an MD5 hash, which can be cracked offline");
        } else {
            LOG.warn("covetpg authenticates {} by SCRAM to a server whose identity it does not verify (sslMode={}): the password"
                    + " is never sent, but an attacker on the path can pose as the server{}, pass the exchange on to it and read the"
                    + " session; use sslMode=verify-full with sslRootCert, or channelBinding=require (see docs/security.md)",
                    settings.user(), settings.sslMode(), strip);
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (meters != null) {
            meters.close();
            meters = null;
        }
        if (healthCheck != null) {
            HealthCheckRegistry registry = HealthCheckRegistry.get(getCamelContext());
            if (registry != null) {
                registry.unregister(healthCheck);
            }
            healthCheck = null;
        }
        closeClient();
        if (completionExecutor != null) {
            getCamelContext().getExecutorServiceManager().shutdown(completionExecutor);
            completionExecutor = null;
        }
        if (blockingExecutor != null) {
            getCamelContext().getExecutorServiceManager().shutdown(blockingExecutor);
            blockingExecutor = null;
        }
        super.doStop();
    }

    private void closeClient() throws Exception {
        if (client != null) {
            client.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            client = null;
        }
        if (ownsVertx && vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            vertx = null;
            ownsVertx = false;
        }
    }

    /**
     * completionThreads, 0 resolved: one thread per processor, since a hand-off to a sleeping thread
     * costs a wake-up on every exchange and more threads than processors sleep more often (on 2 cores,
     * 4 threads cost 1.5-2 times the client CPU per statement of 2, see docs/benchmarks.md).
     */
    private int completionThreads() {
        int threads = configuration.getCompletionThreads();
        if (threads < 0) {
            throw new IllegalArgumentException("Invalid completionThreads '" + threads + "': must be 0 (one per processor, at least 2) or more");
        }
        return threads > 0 ? threads : Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    /** The pooled client; available while the component is started. */
    @Override
    public String transactionProperty() {
        return transactionProperty;
    }

    @Override
    public PgClient client() {
        if (client == null) {
            throw new IllegalStateException("The covetpg component is not started");
        }
        return client;
    }

    /**
     * Runs {@code task} on the component's completion threads: route continuations, and work that
     * must not run on an event loop. While the component stops they refuse work, and the task runs
     * here instead, rather than the exchange being lost (anything in it that would wait refuses to
     * on an event loop, with a clear error).
     */
    @Override
    public void runOnCompletionThread(Runnable task) {
        run(completionExecutor, () -> {
            COMPLETING.set(Boolean.TRUE); // a completion thread stays one
            task.run();
        }, () -> {
            // run here while stopping: the caller (perhaps an event loop of a shared Vert.x) is
            // taken for a completion thread while the task runs (with what Camel continues inside
            // it), not after
            if (COMPLETING.get() != null) {
                task.run();
                return;
            }
            COMPLETING.set(Boolean.TRUE);
            try {
                task.run();
            } finally {
                COMPLETING.remove();
            }
        });
    }

    /** Marks the threads of every component's completion pool while they run a task: they must not wait for the database. */
    private static final ThreadLocal<Boolean> COMPLETING = new ThreadLocal<>();

    /** Whether the calling thread is one of the completion threads (of any covetpg component). */
    @Override
    public boolean onCompletionThread() {
        return COMPLETING.get() != null;
    }

    /**
     * Runs {@code task}, which waits on the database, off the event loop that called it and off
     * the completion threads (see where the pool is made); as {@link #runOnCompletionThread} while stopping.
     */
    @Override
    public void runBlocking(Runnable task) {
        run(blockingExecutor, task, task);
    }

    /**
     * Runs {@code task} on {@code executor} inside a Camel reactive loop of that thread: the steps
     * of a transacted exchange are queued to run on the thread that runs the exchange, and only a
     * running loop drains that queue. (Run bare, a route transaction started from an event loop
     * never got past its BEGIN.) While stopping, when there is no executor or it refuses the task,
     * {@code here} runs on the calling thread instead.
     */
    private void run(ExecutorService executor, Runnable task, Runnable here) {
        org.apache.camel.spi.ReactiveExecutor reactive = getCamelContext().getCamelContextExtension().getReactiveExecutor();
        if (executor != null) {
            try {
                executor.execute(() -> reactive.scheduleMain(task));
                return;
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // the pool is shutting down: finish below
            }
        }
        here.run();
    }

    /** What the connection pool does now: size, in use, idle, waiting, max and totals since start. */
    public PoolStatistics getPoolStatistics() {
        PgClient c = client;
        return c == null ? new PoolStatistics(0, 0, 0, 0, configuration.getMaxPoolSize(), 0, 0) : c.statistics();
    }

    /** The last statements the slow-query log reported (at most 20), oldest first; empty when stopped or the log is off. */
    public java.util.List<dev.covet.pg.client.SlowQuery> getRecentSlowQueries() {
        PgClient c = client;
        return c == null ? java.util.List.of() : c.recentSlowQueries();
    }

    public CovetPgConfiguration getConfiguration() {
        return configuration;
    }

    /** The connection and pool options, shared by every endpoint of this component. */
    public void setConfiguration(CovetPgConfiguration configuration) {
        this.configuration = configuration;
    }

    public Vertx getVertx() {
        return vertx;
    }

    /** The Vert.x instance to run on; when none is given the component owns one. */
    public void setVertx(Vertx vertx) {
        this.vertx = vertx;
    }

    // JMX (Camel's management, with camel-management on the classpath): the pool as it is now and
    // the settings it runs with. Settings are the resolved ones (url merged with the separate
    // options); credentials are masked, as everywhere else.

    /** Whether servers besides the first are configured (false while the configuration is invalid: start-up reports that). */
    boolean hasReplicas() {
        ClientSettings s = effectiveSettings();
        return s != null && !s.resilience().otherHosts().isEmpty();
    }

    private ClientSettings effectiveSettings() {
        PgClient c = client;
        if (c != null) {
            return c.settings();
        }
        try {
            return configuration.toClientSettings();
        } catch (IllegalArgumentException invalid) {
            return null; // start-up reports it; a management view should not fail over it
        }
    }

    @ManagedAttribute(description = "Connections open now (in use and idle)")
    public int getPoolSize() {
        return getPoolStatistics().size();
    }

    @ManagedAttribute(description = "Connections lent to an operation now")
    public int getPoolInUse() {
        return getPoolStatistics().inUse();
    }

    @ManagedAttribute(description = "Open connections nobody holds")
    public int getPoolIdle() {
        return getPoolStatistics().idle();
    }

    @ManagedAttribute(description = "Operations waiting for a connection now")
    public int getPoolWaiting() {
        return getPoolStatistics().waiting();
    }

    @ManagedAttribute(description = "Connections lent since start")
    public long getPoolTotalAcquired() {
        return getPoolStatistics().totalAcquired();
    }

    @ManagedAttribute(description = "Waits for a connection that ended without one (acquireTimeout, full wait queue) since start")
    public long getPoolTotalTimeouts() {
        return getPoolStatistics().totalTimeouts();
    }

    @ManagedAttribute(description = "Retries since start, of every kind (replaced closed connections included)")
    public long getTotalRetries() {
        PgClient c = client;
        return c == null ? 0 : c.totalRetries();
    }

    @ManagedAttribute(description = "Every server with its role, health and circuit breaker, e.g. db1:5432 primary up (breaker closed)")
    public String getServers() {
        PgClient c = client;
        if (c == null) {
            return "";
        }
        return c.nodeStates().stream().map(n -> n.server() + " " + n.role() + " " + (n.up() ? "up" : "down") + " (breaker " + n.breaker() + ")")
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** Every server with its role, health and circuit breaker as seen now; empty when stopped. */
    public java.util.List<dev.covet.pg.client.NodeState> getServerStates() {
        PgClient c = client;
        return c == null ? java.util.List.of() : c.nodeStates();
    }

    @ManagedAttribute(description = "Every LISTEN connection (covetpg:listen, wakeOn), e.g. orders: listening, 0 pending, 1 reconnects")
    public String getListeners() {
        return getListenerStates().stream().map(l -> l.channels() + ": " + l.summary()).collect(java.util.stream.Collectors.joining("; "));
    }

    /** Every LISTEN connection (covetpg:listen, wakeOn) as seen now; empty when there is none. */
    public java.util.List<dev.covet.pg.client.ListenerState> getListenerStates() {
        PgClient c = client;
        return c == null ? java.util.List.of() : c.listenerStates();
    }

    @ManagedAttribute(description = "Server and database: host:port/database")
    public String getTarget() {
        ClientSettings s = effectiveSettings();
        return s == null ? null : s.target();
    }

    @ManagedAttribute(description = "Role the pool connects as")
    public String getUser() {
        ClientSettings s = effectiveSettings();
        return s == null ? null : s.user();
    }

    @ManagedAttribute(description = "The url option with its password masked")
    public String getUrl() {
        return configuration.getUrl() == null ? null : dev.covet.pg.client.PgUrl.redact(configuration.getUrl());
    }

    @ManagedAttribute(description = "Whether a password is set (masked: never shown)")
    public String getPassword() {
        ClientSettings s = effectiveSettings();
        return s == null || s.password() == null || s.password().isEmpty() ? "" : "xxxxxx";
    }

    @ManagedAttribute(description = "TLS mode (sslMode)")
    public String getSslMode() {
        ClientSettings s = effectiveSettings();
        return s == null ? null : s.sslMode().toString();
    }

    @ManagedAttribute(description = "application_name, as seen in pg_stat_activity")
    public String getApplicationName() {
        ClientSettings s = effectiveSettings();
        return s == null ? null : s.applicationName();
    }

    @ManagedAttribute(description = "minPoolSize")
    public int getMinPoolSize() {
        return configuration.getMinPoolSize();
    }

    @ManagedAttribute(description = "maxPoolSize")
    public int getMaxPoolSize() {
        return configuration.getMaxPoolSize();
    }

    @ManagedAttribute(description = "acquireTimeout in milliseconds (0: wait forever)")
    public long getAcquireTimeout() {
        return configuration.getAcquireTimeout();
    }

    @ManagedAttribute(description = "queryTimeout in milliseconds (0: none)")
    public long getQueryTimeout() {
        return configuration.getQueryTimeout();
    }

    @ManagedAttribute(description = "commandTimeout in milliseconds (0: none)")
    public long getCommandTimeout() {
        return configuration.getCommandTimeout();
    }

    @ManagedAttribute(description = "slowQueryThreshold in milliseconds (0: slow-query log off)")
    public long getSlowQueryThreshold() {
        return configuration.getSlowQueryThreshold();
    }
}
