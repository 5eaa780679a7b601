package dev.covet.pg.wire;

import io.netty.channel.ChannelPipeline;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.impl.Connection;
import io.vertx.sqlclient.impl.SocketConnectionBase;
import io.vertx.sqlclient.impl.SqlConnectionInternal;
import java.util.ArrayList;
import java.util.List;

/**
 * The way from a pooled Vert.x connection to its socket, and the check that the Vert.x
 * internals this package relies on are where it expects them. {@link #check} runs on the first
 * connection of every pool: a Vert.x upgrade that moves them then fails at start-up, loudly,
 * instead of in the middle of a load.
 */
public final class SocketAccess {

    /** The Vert.x version this package is written and tested against. */
    public static final String VERTX_VERSION_ASSUMED = "4.5.28";

    /** The name vertx-pg-client gives its protocol handler in the channel pipeline. */
    public static final String CODEC_HANDLER = "codec";

    /**
     * The internal members used, by name. Checked by name first so that a missing one is reported
     * as such rather than as a bare NoClassDefFoundError out of this package's classes.
     */
    private static final String[][] REQUIRED = {
            {"io.vertx.sqlclient.impl.SqlConnectionInternal", "unwrap"},
            {"io.vertx.sqlclient.impl.Connection", "unwrap"},
            {"io.vertx.sqlclient.impl.SocketConnectionBase", "socket", "context", "inflight", "isValid",
                    "suspendPipeline", "resumePipeline"},
            {"io.vertx.core.net.impl.NetSocketInternal", "channelHandlerContext"},
            {"io.vertx.pgclient.PgConnection", "cancelRequest"},
            {"io.vertx.sqlclient.impl.TupleInternal", "setValue", "getValueInternal"},
            {"io.vertx.sqlclient.impl.codec.InvalidCachedStatementEvent", "sql"},
    };

    private SocketAccess() {
    }

    /**
     * Verifies that this package can work on the connection: the internal classes and methods
     * exist, the connection unwraps to a socket connection, and its pipeline has the
     * {@code "codec"} handler.
     *
     * @throws IllegalStateException naming what is missing and the Vert.x version assumed
     */
    public static void check(SqlConnection connection) {
        List<String> missing = missingMembers();
        if (!missing.isEmpty()) {
            throw unsupported("missing " + String.join(", ", missing));
        }
        try {
            ChannelPipeline pipeline = pipeline(connection);
            if (pipeline.get(CODEC_HANDLER) == null) {
                throw unsupported("the channel pipeline has no handler named \"" + CODEC_HANDLER + "\" (it has "
                        + pipeline.names() + ")");
            }
            if (!(connection instanceof PgConnection)) {
                throw unsupported("a pooled connection is a " + connection.getClass().getName()
                        + ", not a PgConnection, so a statement cannot be cancelled");
            }
        } catch (LinkageError e) {
            throw unsupported(e.toString());
        }
    }

    /** The socket-level connection under a pooled or plain {@code SqlConnection}. */
    public static SocketConnectionBase socketOf(SqlConnection connection) {
        if (!(connection instanceof SqlConnectionInternal internal)) {
            throw unsupported("a connection is a " + connection.getClass().getName() + ", not a SqlConnectionInternal");
        }
        // a pooled connection wraps the socket connection once more than a plain one does
        Connection conn = internal.unwrap();
        for (int i = 0; i < 3 && !(conn instanceof SocketConnectionBase); i++) {
            conn = conn.unwrap();
        }
        if (conn instanceof SocketConnectionBase socket) {
            return socket;
        }
        throw unsupported("the connection unwraps to a " + conn.getClass().getName() + ", not a SocketConnectionBase");
    }

    /** The Netty pipeline of the connection's socket. */
    public static ChannelPipeline pipeline(SqlConnection connection) {
        return socketOf(connection).socket().channelHandlerContext().pipeline();
    }

    private static List<String> missingMembers() {
        List<String> missing = new ArrayList<>();
        ClassLoader loader = SocketAccess.class.getClassLoader();
        for (String[] entry : REQUIRED) {
            Class<?> type;
            try {
                type = Class.forName(entry[0], false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                missing.add(entry[0]);
                continue;
            }
            for (int i = 1; i < entry.length; i++) {
                if (!hasPublicMethod(type, entry[i])) {
                    missing.add(entry[0] + "." + entry[i] + "()");
                }
            }
        }
        return missing;
    }

    private static boolean hasPublicMethod(Class<?> type, String name) {
        for (var m : type.getMethods()) {
            if (m.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }

    public static IllegalStateException unsupported(String what) {
        String found = PgConnection.class.getPackage() == null ? null
                : PgConnection.class.getPackage().getImplementationVersion();
        return new IllegalStateException("covetpg cannot run on this Vert.x: " + what
                + ". It extends vertx-pg-client's protocol through internals of version " + VERTX_VERSION_ASSUMED
                + " (found " + (found == null ? "an unknown version" : found)
                + "); use vertx-pg-client " + VERTX_VERSION_ASSUMED + " or update package dev.covet.pg.wire");
    }
}
