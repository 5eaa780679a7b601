package dev.covet.pg.client;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** Turns what the driver reports into the component's exceptions, with messages that say what to do. */
final class PgErrors {

    /** Vert.x 4.5's words when a parameter's Java type does not fit the statement's parameter type. */
    private static final java.util.regex.Pattern COERCION = java.util.regex.Pattern.compile(
            "Parameter at position\\[(\\d+)\\] with class = \\[([^\\]]*)\\] and value = \\[(.*)\\] can not be coerced to the expected class(?: =)? \\[([^\\]]*)\\]",
            java.util.regex.Pattern.DOTALL);

    private PgErrors() {
    }

    /** A failure while running {@code what} (a statement, or "connecting"). */
    static CovetPgException translate(Throwable failure, ClientSettings settings, String what) {
        if (failure instanceof CovetPgException e) {
            return e;
        }
        if (failure instanceof PgException pg) {
            return fromServer(pg, settings, what);
        }
        Throwable root = rootCause(failure);
        if (root instanceof PgException pg) {
            return fromServer(pg, settings, what);
        }
        String target = settings.user() + "@" + settings.target();
        if (failure instanceof ClosedConnectionException) {
            return new CovetPgConnectionException("The connection to " + target + " was closed while " + what
                    + "; the server may have restarted or terminated the session", failure);
        }
        if (root instanceof ConnectException || root instanceof UnknownHostException) {
            return new CovetPgConnectionException("Could not connect to " + target + ": " + root.getMessage()
                    + "; check that the server runs and that host and port are right", failure);
        }
        if (root instanceof IllegalArgumentException && (settings.password() == null || settings.password().isEmpty())
                && String.valueOf(root.getMessage()).contains("password")) {
            // the SCRAM client refuses an empty password before anything is sent to the server
            return new CovetPgConnectionException("PostgreSQL at " + settings.target() + " asked user '" + settings.user()
                    + "' for a password and none is set; set the password option or give it in the url", failure);
        }
        if (root instanceof SSLException) {
            return new CovetPgConnectionException("TLS with " + target + " failed (sslMode=" + settings.sslMode() + "): "
                    + root.getMessage(), failure);
        }
        String message = String.valueOf(failure.getMessage());
        java.util.regex.Matcher coercion = COERCION.matcher(message);
        if (coercion.find()) {
            // the driver types each parameter from the prepared statement and converts nothing itself
            int position = Integer.parseInt(coercion.group(1)) + 1;
            // no cause and no value: the driver's message holds the parameter's value, which may be secret
            return new CovetPgException("Parameter $" + position + " is a " + coercion.group(2) + " but the statement needs a "
                    + coercion.group(4) + " there, while " + what + ": convert the value before this step (e.g. convertHeaderTo),"
                    + " or cast it through text in the SQL (e.g. $" + position + "::text::integer)", null);
        }
        if (isAcquireTimeout(failure)) {
            return poolExhausted(settings, null);
        }
        if (message.contains("wait queue is full") || message.contains("max wait queue")) {
            return new CovetPgPoolExhaustedException("The queue of operations waiting for a connection to " + settings.target()
                    + " is full (maxWaitQueueSize=" + settings.maxWaitQueueSize() + ")", failure);
        }
        String rootMessage = String.valueOf(root.getMessage());
        if (settings.sslMode() != SslMode.DISABLE && rootMessage.toLowerCase(java.util.Locale.ROOT).contains("ssl")) {
            // Vert.x 4.5 reports a refused TLS request as a plain Exception, and a failed handshake
            // without its reason (bad chain or wrong host name alike): say what to check
            return new CovetPgConnectionException("TLS with " + target + " failed (sslMode=" + settings.sslMode() + "): "
                    + rootMessage + tlsHint(settings, rootMessage), failure);
        }
        return new CovetPgException("Failed while " + what + " on " + target + ": " + failure, failure);
    }

    /** No connection became free within acquireTimeout; {@code pool} (may be null) says how the pool looked. */
    static CovetPgPoolExhaustedException poolExhausted(ClientSettings settings, PoolStatistics pool) {
        return new CovetPgPoolExhaustedException("No connection to " + settings.target() + " became free within acquireTimeout="
                + settings.acquireTimeout() + "ms (maxPoolSize=" + settings.maxPoolSize() + (pool == null ? "" : "; pool: " + pool)
                + "); raise maxPoolSize or acquireTimeout, or shorten what holds connections", null);
    }

    private static String tlsHint(ClientSettings settings, String message) {
        if (message.contains("does not handle SSL")) {
            return "; the server does not offer TLS: turn ssl on there, or use an sslMode that allows plain text"
                    + " (prefer, allow or disable)";
        }
        if (settings.sslRootCert() != null) {
            return "; check that the server's certificate chains to sslRootCert=" + settings.sslRootCert()
                    + (settings.sslMode() == SslMode.VERIFY_FULL ? " and names host '" + settings.host() + "'" : "");
        }
        return "";
    }

    private static boolean isAcquireTimeout(Throwable failure) {
        return failure instanceof TimeoutException
                || failure.getClass().getSimpleName().contains("Timeout")
                || "Timeout".equals(failure.getMessage())
                || String.valueOf(failure.getMessage()).startsWith("Timeout waiting for connection");
    }

    private static CovetPgException fromServer(PgException pg, ClientSettings settings, String what) {
        String state = pg.getSqlState();
        StringBuilder m = new StringBuilder();
        m.append(pg.getErrorMessage()).append(" (SQLSTATE ").append(state).append(')');
        if (pg.getDetail() != null) {
            m.append("; detail: ").append(pg.getDetail());
        }
        if (pg.getHint() != null) {
            m.append("; hint: ").append(pg.getHint());
        }
        if (pg.getWhere() != null) {
            m.append("; where: ").append(pg.getWhere()); // e.g. "COPY orders, line 1235, column total"
        }
        if (pg.getPosition() != null) {
            m.append("; at character ").append(pg.getPosition());
        }
        if (state != null && state.startsWith("28")) {
            return new CovetPgConnectionException("PostgreSQL at " + settings.target() + " refused user '" + settings.user()
                    + "': " + m + "; check user and password", pg, state);
        }
        if (state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                || state.equals("57P03") || state.equals("3D000"))) {
            return new CovetPgConnectionException("PostgreSQL at " + settings.target() + " could not serve the connection: "
                    + m, pg, state);
        }
        if ("57014".equals(state)) {
            String why = settings.queryTimeout() > 0 || what.contains("queryTimeout")
                    ? "the statement ran longer than its queryTimeout and the server cancelled it"
                    : "the statement was cancelled";
            return new CovetPgTimeoutException(why + ": " + m + " while " + what, pg, state);
        }
        return new CovetPgException(m + " while " + what, pg, state, pg.getDetail(), pg.getHint(),
                pg.getConstraint(), pg.getSchema(), pg.getTable(), pg.getColumn());
    }

    private static Throwable rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
