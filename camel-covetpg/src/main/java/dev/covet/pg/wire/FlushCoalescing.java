package dev.covet.pg.wire;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.sqlclient.SqlConnection;

/**
 * One socket write for many statements. vertx-pg-client flushes the socket after every statement
 * sent from outside its event loop (each arrives as a task of its own), so with many statements
 * pipelined on a connection every one costs a {@code write} system call here and a {@code read}
 * on the server. Netty's {@link FlushConsolidationHandler} in front of the codec turns the flushes
 * of the statements queued on the event loop into one flush when the queue is drained, and the
 * flushes made while a read is in progress into one at its end. A lone statement is flushed at
 * once, one event-loop task later; nothing waits on a timer.
 */
public final class FlushCoalescing {

    static final String NAME = "covetpg-flush";

    /** Flushes let through unmerged at most: bounds what a long queue of statements holds back. */
    private static final int MAX_MERGED = 256;

    private FlushCoalescing() {
    }

    /** Puts the handler in front of the connection's codec (once; a second call does nothing). */
    public static void apply(SqlConnection connection) {
        ChannelPipeline pipeline = SocketAccess.pipeline(connection);
        if (pipeline.get(NAME) == null) {
            pipeline.addBefore(SocketAccess.CODEC_HANDLER, NAME, new FlushConsolidationHandler(MAX_MERGED, true));
        }
    }

    /** Whether the connection's socket has the handler (for tests and checks). */
    public static boolean isApplied(SqlConnection connection) {
        return SocketAccess.pipeline(connection).get(NAME) != null;
    }
}
