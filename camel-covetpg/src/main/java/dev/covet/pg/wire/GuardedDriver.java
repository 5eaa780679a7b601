package dev.covet.pg.wire;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SSLOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.NetSocketInternal;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.impl.PgConnectionFactory;
import io.vertx.pgclient.spi.PgDriver;
import io.vertx.sqlclient.SqlConnectOptions;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.spi.ConnectionFactory;
import java.util.function.Supplier;

/**
 * vertx-pg-client's driver with an {@link AuthenticationGuard} on every socket it opens, in
 * front of the codec before the first byte is sent. Vert.x gives no hook between opening a
 * socket and starting the protocol on it, so the guard is added where the connection factory
 * asks for its socket client. Used only when {@link AuthRequirements#enforced()}: the default
 * path stays the driver's own.
 */
public final class GuardedDriver extends PgDriver {

    /** The name of Vert.x's own handler at the end of a socket's pipeline; the codec goes just before it. */
    private static final String VERTX_HANDLER = "handler";

    private final AuthRequirements requirements;

    public GuardedDriver(AuthRequirements requirements) {
        this.requirements = requirements;
    }

    @Override
    public ConnectionFactory createConnectionFactory(Vertx vertx, SqlConnectOptions database) {
        return new Factory((VertxInternal) vertx, () -> Future.succeededFuture(database));
    }

    @Override
    public ConnectionFactory createConnectionFactory(Vertx vertx, Supplier<? extends Future<? extends SqlConnectOptions>> database) {
        return new Factory((VertxInternal) vertx, database);
    }

    /**
     * A connection of its own, outside any pool, guarded the same way; its factory closes with it.
     * The connection's close handler is taken for that: {@code onClose} (null for nothing) runs
     * after it, whoever closed the connection.
     */
    public Future<SqlConnection> connect(Vertx vertx, PgConnectOptions options, Runnable onClose) {
        Factory factory = new Factory((VertxInternal) vertx, () -> Future.succeededFuture(options));
        return factory.connect(vertx.getOrCreateContext())
                .onFailure(e -> factory.close(Promise.promise()))
                .onSuccess(c -> c.closeHandler(v -> {
                    factory.close(Promise.promise());
                    if (onClose != null) {
                        onClose.run();
                    }
                }));
    }

    private final class Factory extends PgConnectionFactory {

        Factory(VertxInternal vertx, Supplier<? extends Future<? extends SqlConnectOptions>> options) {
            super(vertx, options);
        }

        @Override
        protected NetClient netClient(NetClientOptions options) {
            return new Sockets(super.netClient(options));
        }
    }

    /** The factory's socket client, with the guard added to each socket it opens. */
    private final class Sockets implements NetClient {

        private final NetClient delegate;

        Sockets(NetClient delegate) {
            this.delegate = delegate;
        }

        private Future<NetSocket> guarded(Future<NetSocket> socket) {
            return socket.map(so -> {
                var pipeline = ((NetSocketInternal) so).channelHandlerContext().pipeline();
                if (pipeline.get(VERTX_HANDLER) == null) {
                    so.close();
                    throw SocketAccess.unsupported("a new socket's pipeline has no handler named \"" + VERTX_HANDLER
                            + "\" (it has " + pipeline.names() + ")");
                }
                pipeline.addBefore(VERTX_HANDLER, AuthenticationGuard.NAME, new AuthenticationGuard(requirements));
                return so;
            });
        }

        private NetClient guarded(Future<NetSocket> socket, Handler<AsyncResult<NetSocket>> handler) {
            guarded(socket).onComplete(handler);
            return this;
        }

        @Override
        public Future<NetSocket> connect(int port, String host) {
            return guarded(delegate.connect(port, host));
        }

        @Override
        public Future<NetSocket> connect(int port, String host, String serverName) {
            return guarded(delegate.connect(port, host, serverName));
        }

        @Override
        public Future<NetSocket> connect(SocketAddress remoteAddress) {
            return guarded(delegate.connect(remoteAddress));
        }

        @Override
        public Future<NetSocket> connect(SocketAddress remoteAddress, String serverName) {
            return guarded(delegate.connect(remoteAddress, serverName));
        }

        @Override
        public NetClient connect(int port, String host, Handler<AsyncResult<NetSocket>> handler) {
            return guarded(delegate.connect(port, host), handler);
        }

        @Override
        public NetClient connect(int port, String host, String serverName, Handler<AsyncResult<NetSocket>> handler) {
            return guarded(delegate.connect(port, host, serverName), handler);
        }

        @Override
        public NetClient connect(SocketAddress remoteAddress, Handler<AsyncResult<NetSocket>> handler) {
            return guarded(delegate.connect(remoteAddress), handler);
        }

        @Override
        public NetClient connect(SocketAddress remoteAddress, String serverName, Handler<AsyncResult<NetSocket>> handler) {
            return guarded(delegate.connect(remoteAddress, serverName), handler);
        }

        @Override
        public void close(Handler<AsyncResult<Void>> handler) {
            delegate.close(handler);
        }

        @Override
        public Future<Void> close() {
            return delegate.close();
        }

        @Override
        public Future<Boolean> updateSSLOptions(SSLOptions options, boolean force) {
            return delegate.updateSSLOptions(options, force);
        }

        @Override
        public boolean isMetricsEnabled() {
            return delegate.isMetricsEnabled();
        }
    }
}
