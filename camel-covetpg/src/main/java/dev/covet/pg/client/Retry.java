package dev.covet.pg.client;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/**
 * Which failures may be retried, and how. The rule that matters: a statement is retried only
 * when it certainly did not take effect (never sent, or refused or rolled back by the server),
 * or when it could not have written anything (it ran on a replica, or in a transaction that
 * never committed).
 */
final class Retry {

    enum Kind {
        /** The statement never left: the borrowed connection was already closed. Replaced at once. */
        NOT_SENT,
        /** Did not take effect and may work later: no connection, serialization failure, deadlock, shutdown. Retried after a backoff. */
        TRANSIENT,
        /** A replica refused a write (25006): run it on the primary. */
        TO_PRIMARY,
        /** The connection died after the statement was sent: it may have taken effect. */
        LOST,
        /** Anything else: the statement's own error, a timeout, an exhausted pool, an open circuit breaker. */
        FINAL
    }

    private Retry() {
    }

    /**
     * @param onReplica  whether it was sent to a replica (which can write nothing)
     * @param repeatable whether running it again is harmless even if it ran (a read-only
     *                   transaction, a transaction that never committed)
     */
    static Kind classify(Throwable failure, boolean onReplica, boolean repeatable) {
        if (failure instanceof CovetPgCircuitOpenException || failure instanceof CovetPgNoReplicaException
                || failure instanceof CovetPgPoolExhaustedException
                || failure instanceof CovetPgTimeoutException || failure instanceof CovetPgUnknownOutcomeException) {
            return Kind.FINAL;
        }
        String state = sqlState(failure);
        if (state != null) {
            return switch (state) {
                case "40001", "40P01", "57P01", "57P02", "57P03", "08000", "08001", "08003", "08004", "08006" -> Kind.TRANSIENT;
                case "25006" -> onReplica ? Kind.TO_PRIMARY : Kind.FINAL;
                default -> Kind.FINAL;
            };
        }
        // the driver's own failure, whether it reached us raw or translated
        Throwable raw = failure instanceof CovetPgException && failure.getCause() != null ? failure.getCause() : failure;
        String message = String.valueOf(raw.getMessage());
        // Vert.x's words for commands it failed without writing them (SocketConnectionBase)
        if (message.startsWith("Connection is not active now") || message.startsWith("Pending requests failed to be sent")) {
            return Kind.NOT_SENT;
        }
        Throwable io = ioCause(raw);
        if (io instanceof java.net.ConnectException || io instanceof java.net.UnknownHostException) {
            return Kind.TRANSIENT; // could not connect: nothing was sent
        }
        if (io instanceof javax.net.ssl.SSLException || refusedAuthentication(raw)) {
            return Kind.FINAL; // TLS set up wrong, or a server that asks for what requireAuth refuses: trying again changes nothing
        }
        if (io != null) {
            // the connection died with the statement sent (or being sent)
            return onReplica || repeatable ? Kind.TRANSIENT : Kind.LOST;
        }
        if (failure instanceof CovetPgConnectionException) {
            return Kind.TRANSIENT; // no connection could be had (no primary, say): nothing was sent
        }
        return Kind.FINAL;
    }

    /** The first I/O failure (or closed connection) in the cause chain; null when there is none. */
    private static Throwable ioCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.io.IOException || c instanceof ClosedConnectionException) {
                return c;
            }
        }
        return null;
    }

    private static boolean refusedAuthentication(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof dev.covet.pg.wire.AuthenticationGuard.RefusedException) {
                return true;
            }
        }
        return false;
    }

    /** The SQLSTATE of a server error, translated or not; null for other failures. */
    static String sqlState(Throwable failure) {
        if (failure instanceof CovetPgException e) {
            return e.getSqlState();
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg) {
                return pg.getSqlState();
            }
        }
        return null;
    }

    /** The reason tag of a retry for metrics and logs: the SQLSTATE, else what happened to the connection. */
    static String reason(Throwable failure, Kind kind) {
        String state = sqlState(failure);
        if (state != null) {
            return state;
        }
        return kind == Kind.NOT_SENT ? "closed-connection" : "no-connection";
    }
}
