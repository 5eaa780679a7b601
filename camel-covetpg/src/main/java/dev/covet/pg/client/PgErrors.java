package dev.covet.pg.client;

import dev.covet.pg.wire.AuthenticationGuard;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** Turns what the driver reports into the component's exceptions, with messages that say what to do. */
final class PgErrors {

    /** The server's context for an error in a bound parameter's input: "unnamed portal parameter $2" (then " = 'value'" when logged). */
    private static final java.util.regex.Pattern PARAMETER_CONTEXT = java.util.regex.Pattern.compile("portal parameter \\$(\\d+)");

    private PgErrors() {
    }

    /** A failure while running {@code what} (a statement, or "connecting"). */
    static CovetPgException translate(Throwable failure, ClientSettings settings, String what) {
        if (failure instanceof CovetPgException e) {
            return e;
        }
        if (failure instanceof Statements.ParameterException p) {
            return BatchLoader.badValue(p.getMessage() + " while " + what);
        }
        if (failure instanceof PgException pg) {
            return fromServer(pg, settings, what);
        }
        Throwable root = rootCause(failure);
        if (root instanceof PgException pg) {
            return fromServer(pg, settings, what);
        }
        String target = settings.user() + "@" + settings.target();
        if (root instanceof AuthenticationGuard.RefusedException refused) {
            return new CovetPgConnectionException(refused.getMessage() + " (" + target + ")", failure);
        }
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
        if (message.contains("can not be coerced to the expected class")) {
            // the driver's words for a parameter it would not take; they quote the value, which may be secret
            return new CovetPgException("A parameter could not be bound while " + what, null);
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
        java.util.regex.Matcher parameter = pg.getWhere() == null ? null : PARAMETER_CONTEXT.matcher(pg.getWhere());
        if (parameter != null && parameter.find()) {
            // the server could not read a bound parameter as its type: its message quotes the value
            return new CovetPgException("Parameter $" + parameter.group(1) + " is not valid input for its type: "
                    + withoutQuotes(pg.getErrorMessage()) + " (SQLSTATE " + state + ") while " + what,
                    null, state, null, null, null, null, null, null);
        }
        // One rule for every message: no row values. DETAIL ("Key (id)=(7) already exists", "Failing
        // row contains (...)") stays out, and is there for code in getDetail(); a data exception's
        // text quotes the value it refused, and a COPY's context the field: those quotes are blanked.
        boolean dataException = state != null && state.startsWith("22");
        StringBuilder m = new StringBuilder();
        m.append(dataException ? withoutQuotes(pg.getErrorMessage()) : pg.getErrorMessage()).append(" (SQLSTATE ").append(state).append(')');
        if (pg.getHint() != null) {
            m.append("; hint: ").append(pg.getHint());
        }
        if (pg.getWhere() != null) {
            // e.g. COPY orders, line 1235, column total: "…"; a JSON error's context quotes the document unquoted
            String where = withoutQuotes(pg.getWhere()).replaceAll("(JSON data, line \\d+):[^\\n]*", "$1");
            m.append("; where: ").append(where);
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
            // the server says which: "canceling statement due to statement timeout" or "... due to user request"
            String why = String.valueOf(pg.getErrorMessage()).contains("statement timeout")
                    ? "the statement ran longer than its queryTimeout and the server cancelled it"
                    : "the statement was cancelled";
            return new CovetPgTimeoutException(why + ": " + m + " while " + what, pg, state);
        }
        // the driver's exception repeats the server's text: not kept as the cause where that quotes a value
        return new CovetPgException(m + " while " + what, dataException ? null : pg, state, pg.getDetail(), pg.getHint(),
                pg.getConstraint(), pg.getSchema(), pg.getTable(), pg.getColumn());
    }

    /** The text with every double-quoted part blanked: in these texts they are values. A scanner: values may be long. */
    static String withoutQuotes(String text) {
        if (text == null || text.indexOf('"') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '"') {
                out.append(c);
                i++;
                continue;
            }
            int end = i + 1;
            while (end < text.length() && !(text.charAt(end) == '"' && (end + 1 >= text.length() || text.charAt(end + 1) != '"'))) {
                end += text.charAt(end) == '"' ? 2 : 1;
            }
            out.append("\"…\"");
            i = end + 1;
        }
        return out.toString();
    }

    private static Throwable rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
