package dev.covet.pg.metrics;

import dev.covet.pg.client.OperationListener;
import dev.covet.pg.client.PgClient;
import dev.covet.pg.client.PoolStatistics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.apache.camel.CamelContext;

/**
 * The component's meters in a Micrometer registry: a timer per operation and outcome (its count
 * is the operation counter), rows per operation, COPY rows per direction, the time to get a
 * pooled connection, and the pool's gauges. Micrometer is an
 * optional dependency: only {@link #bind} touches it, and the component calls that only when
 * Micrometer is on the classpath.
 */
public final class CovetPgMeters implements OperationListener, AutoCloseable {

    private final MeterRegistry registry;
    private final PgClient client;
    private final Tags tags;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Counter> rows = new ConcurrentHashMap<>();
    private final Map<String, Counter> copyRows = new ConcurrentHashMap<>();
    private final Map<Boolean, Timer> acquireTimers = new ConcurrentHashMap<>();
    private final Map<String, Counter> retries = new ConcurrentHashMap<>();
    private final List<Meter> registered = new CopyOnWriteArrayList<>();

    private CovetPgMeters(MeterRegistry registry, PgClient client, String component) {
        this.registry = registry;
        this.client = client;
        this.tags = Tags.of("component", component);
    }

    /**
     * Binds the client's meters to the single MeterRegistry in the Camel registry, if there is
     * one; returns what unbinds them, or null when there is no registry.
     */
    public static AutoCloseable bind(CamelContext context, PgClient client, String component) {
        MeterRegistry registry = context.getRegistry().findSingleByType(MeterRegistry.class);
        if (registry == null) {
            return null;
        }
        CovetPgMeters meters = new CovetPgMeters(registry, client, component);
        meters.registerPoolMeters();
        client.setOperationListener(meters);
        return meters;
    }

    private void registerPoolMeters() {
        gauge("covetpg.pool.size", "Connections open now (in use and idle)", PoolStatistics::size);
        gauge("covetpg.pool.in.use", "Connections lent to an operation now", PoolStatistics::inUse);
        gauge("covetpg.pool.idle", "Open connections nobody holds", PoolStatistics::idle);
        gauge("covetpg.pool.waiting", "Operations waiting for a connection now", PoolStatistics::waiting);
        gauge("covetpg.pool.max", "maxPoolSize", PoolStatistics::max);
        registered.add(FunctionCounter.builder("covetpg.pool.acquired", client, c -> c.statistics().totalAcquired())
                .description("Connections lent since start").tags(tags).register(registry));
        registered.add(FunctionCounter.builder("covetpg.pool.timeouts", client, c -> c.statistics().totalTimeouts())
                .description("Waits for a connection that ended without one").tags(tags).register(registry));
        registered.add(FunctionCounter.builder("covetpg.listener.notifications", client, PgClient::totalNotifications)
                .description("Notifications received by covetpg:listen and wakeOn consumers since start").tags(tags).register(registry));
        registered.add(FunctionCounter.builder("covetpg.listener.reconnects", client, PgClient::totalListenerReconnects)
                .description("Attempts of LISTEN connections to connect again since start").tags(tags).register(registry));
        registered.add(Gauge.builder("covetpg.listener.pending", client, c -> c.listenerStates().stream().mapToInt(l -> l.pending()).sum())
                .description("Notifications received and not yet routed, over every listener").baseUnit("notifications").tags(tags).register(registry));
        registered.add(Gauge.builder("covetpg.listener.deaf", client, c -> c.listenerStates().stream().filter(l -> !l.listening()).count())
                .description("LISTEN connections lost and reconnecting now (notifications sent meanwhile are lost)").tags(tags).register(registry));
        List<dev.covet.pg.client.NodeState> servers = client.nodeStates();
        for (int i = 0; i < servers.size(); i++) {
            int index = i;
            Tags server = tags.and("server", servers.get(i).server());
            registered.add(Gauge.builder("covetpg.server.up", client, c -> c.nodeStates().get(index).up() ? 1 : 0)
                    .description("1 while operations are sent to this server (its last check succeeded and its circuit breaker is closed), else 0")
                    .tags(server).register(registry));
            registered.add(Gauge.builder("covetpg.server.primary", client, c -> "primary".equals(c.nodeStates().get(index).role()) ? 1 : 0)
                    .description("1 while this server is the primary (not in recovery), else 0").tags(server).register(registry));
        }
    }

    private void gauge(String name, String description, ToDoubleFunction<PoolStatistics> value) {
        registered.add(Gauge.builder(name, client, c -> value.applyAsDouble(c.statistics()))
                .description(description).tags(tags).baseUnit("connections").register(registry));
    }

    @Override
    public void finished(String operation, boolean succeeded, long nanos, long rowCount) {
        String outcome = succeeded ? "success" : "failure";
        timers.computeIfAbsent(operation + '/' + outcome, k -> register(Timer.builder("covetpg.operations")
                .description("Statements run, by operation and outcome; the time from sending to the end, waiting for a connection excluded")
                .tags(tags).tag("operation", operation).tag("outcome", outcome)
                .publishPercentiles(0.5, 0.95, 0.99)
                .register(registry)))
                .record(nanos, TimeUnit.NANOSECONDS);
        if (rowCount > 0 && operation.startsWith("copy ")) {
            // COPY moves rows by the million: its own counter, so covetpg.rows keeps its scale for statements
            String direction = operation.substring("copy ".length());
            copyRows.computeIfAbsent(direction, k -> register(Counter.builder("covetpg.copy.rows")
                    .description("Rows copied by COPY, as the server counted them, by direction (in: FROM STDIN, out: TO STDOUT)")
                    .baseUnit("rows").tags(tags).tag("direction", direction).register(registry)))
                    .increment(rowCount);
        } else if (rowCount > 0) {
            rows.computeIfAbsent(operation, k -> register(Counter.builder("covetpg.rows")
                    .description("Rows returned or affected, by operation").baseUnit("rows")
                    .tags(tags).tag("operation", operation).register(registry)))
                    .increment(rowCount);
        }
    }

    @Override
    public void acquired(boolean succeeded, long nanos) {
        acquireTimers.computeIfAbsent(succeeded, k -> register(Timer.builder("covetpg.pool.acquire")
                .description("Waits for a pooled connection, from asking the pool to its answer (opening a new connection included), by outcome")
                .tags(tags).tag("outcome", succeeded ? "success" : "failure")
                .publishPercentiles(0.5, 0.95, 0.99)
                .register(registry)))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void retried(String operation, String reason) {
        retries.computeIfAbsent(operation + '/' + reason, k -> register(Counter.builder("covetpg.retries")
                .description("Operations tried again after a failure that allows it, by operation and reason (SQLSTATE, no-connection,"
                             + " closed-connection)")
                .tags(tags).tag("operation", operation).tag("reason", reason).register(registry)))
                .increment();
    }

    private <M extends Meter> M register(M meter) {
        registered.add(meter);
        return meter;
    }

    @Override
    public void close() {
        client.setOperationListener(null);
        registered.forEach(registry::remove);
        registered.clear();
        timers.clear();
        rows.clear();
        copyRows.clear();
        acquireTimers.clear();
    }
}
