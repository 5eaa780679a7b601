package dev.covet.pg.wire;

import io.netty.channel.ChannelHandlerContext;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.impl.codec.InvalidCachedStatementEvent;

/**
 * Makes the driver forget one cached prepared statement on one connection, so that its next use
 * prepares it anew and learns the types the server has now. The driver does this itself only for
 * a cached plan whose result type changed (SQLSTATE 0A000); a parameter's type goes stale without
 * an error (after {@code ALTER ... TYPE} a cached statement still declares the old type).
 *
 * <p>The same event the driver's codec sends for 0A000 is sent from the codec's place in the
 * pipeline. The server-side statement is left to end with the connection, as the driver does.
 */
public final class StatementCache {

    private StatementCache() {
    }

    /** Evicts {@code sql}; on the connection's event loop at once when called there (so the next statement sees it), else soon. */
    public static void evict(SqlConnection connection, String sql) {
        ChannelHandlerContext codec = SocketAccess.pipeline(connection).context(SocketAccess.CODEC_HANDLER);
        if (codec == null) {
            return; // the connection is closed: nothing of it is cached any longer
        }
        if (codec.executor().inEventLoop()) {
            codec.fireChannelRead(new InvalidCachedStatementEvent(sql));
        } else {
            codec.executor().execute(() -> codec.fireChannelRead(new InvalidCachedStatementEvent(sql)));
        }
    }
}
