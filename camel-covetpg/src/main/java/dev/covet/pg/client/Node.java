package dev.covet.pg.client;

import io.vertx.sqlclient.Pool;

/** One server of the cluster: its pool, its role as last seen, its health and its circuit breaker. */
final class Node {

    enum Role { PRIMARY, REPLICA, UNKNOWN }

    final HostPort address;
    /** The client's settings with this server's host and port, for its connections and messages. */
    final ClientSettings settings;
    final Pool pool;
    final CircuitBreaker breaker;
    volatile Role role = Role.UNKNOWN;
    volatile boolean healthy = true;
    /** Why the last check failed; null when it succeeded. */
    volatile String lastError;

    Node(HostPort address, ClientSettings settings, Pool pool, CircuitBreaker breaker) {
        this.address = address;
        this.settings = settings;
        this.pool = pool;
        this.breaker = breaker;
    }

    /** Whether reads may be sent here as to a replica. */
    boolean servesReads() {
        return role == Role.REPLICA && healthy && !breaker.isOpen();
    }

    NodeState state() {
        return new NodeState(address.toString(), role.name().toLowerCase(java.util.Locale.ROOT), healthy && !breaker.isOpen(),
                breaker.state(), lastError != null ? lastError : breaker.lastFailure());
    }

    @Override
    public String toString() {
        return address + " (" + role.name().toLowerCase(java.util.Locale.ROOT) + (healthy ? "" : ", unhealthy") + ")";
    }
}
