package dev.covet.pg.health;

import dev.covet.pg.client.CovetPgException;
import dev.covet.pg.client.ListenerState;
import dev.covet.pg.client.NodeState;
import dev.covet.pg.client.PgClient;
import dev.covet.pg.client.PoolStatistics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * A readiness check of one covetpg component: UP when a connection to the server can be opened
 * and answers {@code SELECT 1}, DOWN with the reason (SQLSTATE, error) otherwise; both with the
 * target and the pool's statistics. It is DOWN too while a LISTEN connection ({@code covetpg:listen},
 * {@code wakeOn}) is lost and reconnecting: notifications sent meanwhile are lost. It is not a liveness check: restarting the application does
 * not bring a database back, and a liveness failure would restart every replica of it at once.
 */
public final class CovetPgHealthCheck implements HealthCheck {

    /** A health probe must answer well within an orchestrator's probe timeout, whatever connectTimeout says. */
    static final long PROBE_TIMEOUT_MILLIS = 5_000;

    private final String id;
    private final PgClient client;
    private final AtomicReference<Result> last = new AtomicReference<>();
    private volatile boolean enabled = true;

    public CovetPgHealthCheck(String id, PgClient client) {
        this.id = id;
        this.client = client;
    }

    @Override
    public String getGroup() {
        return "covetpg";
    }

    @Override
    public String getId() {
        return id;
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    public Result call(Map<String, Object> options) {
        long timeout = client.settings().connectTimeout() > 0
                ? Math.min(client.settings().connectTimeout(), PROBE_TIMEOUT_MILLIS) : PROBE_TIMEOUT_MILLIS;
        var probe = client.probe(timeout).toCompletionStage().toCompletableFuture();
        if (PgClient.onEventLoop()) {
            // waiting here would stall the event loop (and the probe, which needs it): answer with
            // the previous result and let this probe's result serve the next call
            probe.whenComplete((ms, failure) -> last.set(result(ms, failure)));
            Result previous = last.get();
            return previous != null ? previous
                    : HealthCheckResultBuilder.on(this).unknown().message("First check still running").build();
        }
        Result result;
        try {
            // the probe completes within its timeout; the extra second only guards against a stuck event loop
            result = result(probe.get(timeout + 1000, TimeUnit.MILLISECONDS), null);
        } catch (ExecutionException e) {
            result = result(null, e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            result = result(null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = result(null, e);
        }
        last.set(result);
        return result;
    }

    private Result result(Long millis, Throwable failure) {
        HealthCheckResultBuilder builder = HealthCheckResultBuilder.on(this)
                .detail("target", client.settings().target());
        PoolStatistics pool = client.statistics();
        builder.detail("pool.size", pool.size()).detail("pool.in.use", pool.inUse()).detail("pool.idle", pool.idle())
                .detail("pool.waiting", pool.waiting()).detail("pool.max", pool.max())
                .detail("pool.total.timeouts", pool.totalTimeouts())
                .detail("retries.total", client.totalRetries());
        for (NodeState server : client.nodeStates()) {
            // e.g. server.db2:5432 = "replica, up, breaker closed"
            builder.detail("server." + server.server(), server.role() + ", " + (server.up() ? "up" : "down") + ", breaker " + server.breaker()
                    + (server.up() || server.lastError() == null ? "" : ": " + server.lastError()));
        }
        List<ListenerState> deaf = new java.util.ArrayList<>();
        for (ListenerState listener : client.listenerStates()) {
            // e.g. listener.orders = "listening, 0 pending, 1 reconnects"
            builder.detail("listener." + listener.channels(), listener.summary());
            if (!listener.listening()) {
                deaf.add(listener);
            }
        }
        if (failure == null && deaf.isEmpty()) {
            return builder.up().detail("response.time.ms", millis).build();
        }
        if (failure == null) {
            return builder.down().detail("response.time.ms", millis).message("Not listening on " + deaf.stream().map(ListenerState::channels).toList()
                    + " (reconnecting): notifications sent meanwhile are lost; " + deaf.get(0).lastError()).build();
        }
        builder.down().error(failure).message("No connection to " + client.settings().target() + ": " + failure.getMessage());
        if (failure instanceof CovetPgException pg && pg.getSqlState() != null) {
            builder.detail("sql.state", pg.getSqlState());
        }
        return builder.build();
    }
}
