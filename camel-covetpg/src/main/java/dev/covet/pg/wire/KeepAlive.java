package dev.covet.pg.wire;

import io.netty.channel.Channel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.vertx.sqlclient.SqlConnection;
import java.io.IOException;
import jdk.net.ExtendedSocketOptions;

/**
 * TCP keepalive timing on a connection's socket. Vert.x applies keepalive idle, interval and
 * count only with its native epoll transport, which covetpg does not bring; with the JDK's NIO
 * transport they are the operating system's (on Linux, 2 hours before the first probe), so a
 * server that vanished without closing the socket would go unnoticed that long. This sets them
 * on the socket itself.
 */
public final class KeepAlive {

    private KeepAlive() {
    }

    /**
     * Sends the first probe after {@code idleSeconds} without traffic, then one every
     * {@code intervalSeconds}, and drops the connection after {@code count} unanswered ones.
     *
     * @throws IllegalStateException when the socket cannot be reached or does not take the options
     */
    public static void apply(SqlConnection connection, int idleSeconds, int intervalSeconds, int count) {
        Channel channel = SocketAccess.socketOf(connection).socket().channelHandlerContext().channel();
        boolean set = channel.config().setOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE), idleSeconds)
                & channel.config().setOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL), intervalSeconds)
                & channel.config().setOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT), count);
        if (!set) {
            throw new IllegalStateException("The socket of " + channel + " does not take TCP keepalive timing (tcpKeepAliveIdle)");
        }
    }

    /** The idle time before the first probe, as the socket has it now (for tests and checks). */
    public static int idleSeconds(SqlConnection connection) throws IOException {
        Channel channel = SocketAccess.socketOf(connection).socket().channelHandlerContext().channel();
        return channel.config().getOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE));
    }
}
