package dev.covet.pg.client;

import dev.covet.pg.wire.AuthRequirements;
import dev.covet.pg.wire.GuardedDriver;
import dev.covet.pg.wire.SocketAccess;
import dev.covet.pg.wire.TypeDescriptions;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.spi.PgDriver;
import io.vertx.sqlclient.ClientBuilder;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers one client talks to, each with a pool of its own, and which of them is the
 * primary. With a single server it is the primary and nothing is checked. With several, each is
 * asked {@code pg_is_in_recovery()} every {@code replicaCheckInterval} (and at once when a
 * connection to the primary fails), so a promoted standby becomes the writer and an unhealthy
 * replica leaves the rotation until it answers again.
 */
final class Cluster {

    private static final Logger LOG = LoggerFactory.getLogger("dev.covet.pg.Cluster");

    private final Vertx vertx;
    private final ClientSettings settings;
    /** The driver's own, or one that checks each server's authentication requests first. */
    private final PgDriver driver;
    private final List<Node> nodes = new ArrayList<>();
    private final AtomicInteger nextReplica = new AtomicInteger();
    private final AtomicBoolean checking = new AtomicBoolean();
    private long checkTimer = -1;

    /** @param onConnect runs on every new connection before the pool lends it (socket options); null for nothing */
    Cluster(Vertx vertx, ClientSettings settings, String name, java.util.function.Consumer<io.vertx.sqlclient.SqlConnection> onConnect) {
        this.vertx = vertx;
        this.settings = settings;
        this.driver = settings.auth().enforced() ? new GuardedDriver(settings.auth()) : PgDriver.INSTANCE;
        ResilienceSettings r = settings.resilience();
        for (HostPort address : settings.hosts()) {
            ClientSettings own = settings.forHost(address);
            String poolName = nodes.isEmpty() ? name : name + "-" + address;
            var builder = ClientBuilder.pool(driver)
                    .with(PgOptionsFactory.poolOptions(own, poolName))
                    .connectingTo(PgOptionsFactory.connectOptions(own))
                    .using(vertx);
            builder.withConnectHandler(connection -> {
                try {
                    // without it values would be bound and read inexactly: a connection it cannot go on is not lent
                    TypeDescriptions.apply(connection);
                } catch (RuntimeException e) {
                    LOG.error("A new connection to {} cannot be used: {}", address, e.getMessage());
                    SocketAccess.pipeline(connection).channel().close();
                    connection.close();
                    return;
                }
                try {
                    if (onConnect != null) {
                        onConnect.accept(connection);
                    }
                } catch (RuntimeException e) {
                    LOG.warn("Could not set up a new connection to {}: {}", address, e.getMessage());
                } finally {
                    connection.close(); // hands it to the pool
                }
            });
            var pool = builder.build();
            CircuitBreaker breaker = new CircuitBreaker(vertx, address.toString(), r.circuitBreakerThreshold(),
                    r.circuitBreakerProbeInterval(), () -> ask(own, "SELECT 1"));
            nodes.add(new Node(address, own, pool, breaker));
        }
        if (nodes.size() == 1) {
            nodes.get(0).role = Node.Role.PRIMARY;
        }
    }

    boolean single() {
        return nodes.size() == 1;
    }

    List<Node> nodes() {
        return nodes;
    }

    /** With several servers: learns every role before the first operation, then keeps checking. */
    Future<Void> start() {
        if (single()) {
            return Future.succeededFuture();
        }
        return checkAll().onComplete(ar -> checkTimer = vertx.setPeriodic(settings.resilience().replicaCheckInterval(), id -> refresh()));
    }

    /** Checks every server again now, unless a check is already running. */
    void refresh() {
        if (!single() && checking.compareAndSet(false, true)) {
            checkAll().onComplete(ar -> checking.set(false));
        }
    }

    private Future<Void> checkAll() {
        List<Future<Void>> checks = new ArrayList<>();
        for (Node node : nodes) {
            checks.add(check(node));
        }
        return Future.join(checks).<Void>mapEmpty().otherwiseEmpty();
    }

    private Future<Void> check(Node node) {
        return ask(node.settings, "SELECT pg_is_in_recovery()").transform(ar -> {
            Node.Role before = node.role;
            boolean wasHealthy = node.healthy;
            if (ar.succeeded()) {
                node.role = Boolean.TRUE.equals(ar.result()) ? Node.Role.REPLICA : Node.Role.PRIMARY;
                node.healthy = true;
                node.lastError = null;
                node.breaker.succeeded();
                if (before != node.role) {
                    LOG.info("{} is {}", node.address, node.role == Node.Role.PRIMARY ? "the primary" : "a replica");
                } else if (!wasHealthy) {
                    LOG.info("{} answers again and is back in rotation as {}", node.address, node.role.name().toLowerCase(java.util.Locale.ROOT));
                }
            } else {
                node.healthy = false;
                node.lastError = String.valueOf(ar.cause().getMessage());
                if (wasHealthy) {
                    LOG.warn("{} is out of rotation: {}", node.address, node.lastError);
                }
            }
            return Future.<Void>succeededFuture();
        });
    }

    /**
     * Opens a connection of its own to one server (not one of the pool's, so a busy pool does not
     * read as a server that is down), runs {@code sql} and returns the first column of its first
     * row, within connectTimeout (10 s when that is 0: a check must end).
     */
    Future<Object> ask(ClientSettings server, String sql) {
        return ask(server, sql, server.connectTimeout() > 0 ? server.connectTimeout() : 10_000, "checking the server");
    }

    /** As above, within {@code limit} ms; {@code what} is said in messages. */
    Future<Object> ask(ClientSettings server, String sql, long limit, String what) {
        Promise<Object> result = Promise.promise();
        long timer = vertx.setTimer(limit, id -> result.tryFail(new CovetPgTimeoutException("No answer from " + server.target()
                + " within " + limit + " ms while " + what, null, null)));
        connect(server)
                // closed even when the answer comes after the timeout, so a late connection does not leak
                .compose(c -> c.query(sql).execute().eventually(v -> c.close()))
                .onComplete(ar -> {
                    vertx.cancelTimer(timer);
                    if (ar.succeeded()) {
                        var it = ar.result().iterator();
                        result.tryComplete(it.hasNext() ? it.next().getValue(0) : null);
                    } else {
                        result.tryFail(PgErrors.translate(ar.cause(), server, what));
                    }
                });
        return result.future();
    }

    /** A connection of its own to one server, checked against the settings' {@link AuthRequirements} as the pool's are. */
    private Future<SqlConnection> connect(ClientSettings server) {
        return connect(server, null);
    }

    /** As above; {@code onClose} (null for nothing) runs when the connection closes, whoever closed it. */
    Future<SqlConnection> connect(ClientSettings server, Runnable onClose) {
        PgConnectOptions options = PgOptionsFactory.connectOptions(server);
        if (driver instanceof GuardedDriver guarded) {
            return guarded.connect(vertx, options, onClose);
        }
        return PgConnection.connect(vertx, options).map(c -> {
            if (onClose != null) {
                c.closeHandler(v -> onClose.run());
            }
            return c;
        });
    }

    /** The server that takes writes now; fails when none is known (during a failover, say). */
    Node primary() {
        for (Node node : nodes) {
            // with several servers an open breaker means "look elsewhere": a failover may be under way,
            // and "no primary" is retried; with one, the breaker's own error fails the operation at once
            if (node.role == Node.Role.PRIMARY && node.healthy && (single() || !node.breaker.isOpen())) {
                return node;
            }
        }
        refresh();
        throw new CovetPgConnectionException("No primary among " + describe() + "; writes wait for the primary to come back or"
                + " a standby to be promoted (servers are checked every replicaCheckInterval="
                + settings.resilience().replicaCheckInterval() + "ms)", null);
    }

    /** Where a read goes under {@code readFrom}. */
    Node reader(ReadFrom readFrom) {
        if (readFrom == ReadFrom.PRIMARY) {
            return primary();
        }
        List<Node> replicas = new ArrayList<>(nodes.size());
        for (Node node : nodes) {
            if (node.servesReads()) {
                replicas.add(node);
            }
        }
        if (!replicas.isEmpty()) {
            return replicas.get(Math.floorMod(nextReplica.getAndIncrement(), replicas.size()));
        }
        if (readFrom == ReadFrom.REPLICA_PREFERRED) {
            return primary();
        }
        throw new CovetPgNoReplicaException("No healthy replica for readFrom=replica among " + describe()
                + "; use readFrom=replicaPreferred to read from the primary meanwhile");
    }

    private String describe() {
        return nodes.stream().map(n -> n.address + " (" + n.role.name().toLowerCase(java.util.Locale.ROOT)
                + (n.healthy ? "" : ", down: " + n.lastError) + ")").collect(Collectors.joining(", "));
    }

    List<NodeState> states() {
        return nodes.stream().map(Node::state).toList();
    }

    Future<Void> close() {
        if (checkTimer >= 0) {
            vertx.cancelTimer(checkTimer);
            checkTimer = -1;
        }
        List<Future<Void>> closing = new ArrayList<>();
        for (Node node : nodes) {
            node.breaker.stop();
            closing.add(node.pool.close());
        }
        return Future.join(closing).mapEmpty();
    }
}
