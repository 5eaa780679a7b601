package dev.covet.pg.client;

import dev.covet.pg.wire.SocketAccess;
import io.netty.channel.Channel;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgNotification;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code LISTEN} on channels, on a connection of its own to the primary (outside the pool: a
 * listening connection is held for as long as it listens). Notifications arrive on the event
 * loop and wait in a queue that a route thread takes them from with {@link #poll}.
 *
 * <p>The queue is bounded by back-pressure, not by dropping: when it holds
 * {@code maxPending} notifications the socket is no longer read (the server then keeps the
 * rest in its own notification queue, and a NOTIFY fails only when that is full), and reading
 * resumes when it is half empty. What one socket read already brought in (at most 64 KiB) still
 * joins the queue, so it can hold that much more than {@code maxPending}.
 *
 * <p>When the connection is lost (a server restart, a terminated backend) the listener connects
 * again, with the client's retry backoff (at least {@value #MIN_RETRY_MILLIS} ms: a listener
 * retries for ever) and for as long as it is open, and LISTENs again. A connection only reads, so
 * a peer that vanished without closing it would go unnoticed: every {@code heartbeatMillis} it
 * sends {@code SELECT 1}, and one still unanswered at the next beat closes the connection (not
 * while reading is paused, when no answer could be read). PostgreSQL does not keep notifications
 * for a listener that is gone, so the first notification after a reconnect says that some may
 * have been missed.
 */
public final class ChannelListener {

    private static final Logger LOG = LoggerFactory.getLogger("dev.covet.pg.Listener");
    /** The shortest wait before a reconnect, whatever retryBackoff says: 0 would be a connection storm against a server that is down. */
    static final long MIN_RETRY_MILLIS = 100;

    private final PgClient client;
    /** Checked identifiers, as SQL text. */
    private final List<String> channels;
    private final String listen;
    private final int maxPending;
    private final Runnable onListeningAgain;
    private final long heartbeatMillis;
    private final LinkedBlockingQueue<Notification> queue = new LinkedBlockingQueue<>();
    private final AtomicLong reconnects = new AtomicLong();

    /** The connection listening now; null while there is none. */
    private volatile SqlConnection connection;
    private volatile boolean closed;
    /** Whether reading the socket is stopped because the queue is full; changed on the connection's event loop only. */
    private volatile boolean paused;
    /** Whether the next notification is the first since a reconnect. */
    private volatile boolean reconnected;
    private volatile String lastError;
    /** Reconnect attempts since the connection was lost; changed by one timer callback at a time. */
    private int attempts;
    private volatile long retryTimer = -1;
    /** The heartbeat of the connection listening now; -1 without one. Changed on its event loop. */
    private long heartbeatTimer = -1;
    /** Whether the last heartbeat is still unanswered. Changed on the connection's event loop only. */
    private boolean beatUnanswered;

    /**
     * @param channels    checked identifiers (see {@code Identifiers.names}), written into LISTEN as they are
     * @param onListeningAgain runs on an event loop each time LISTEN succeeded after a reconnect; it must not block
     */
    ChannelListener(PgClient client, List<String> channels, int maxPending, long heartbeatMillis, Runnable onListeningAgain) {
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be 1 or more");
        }
        this.client = client;
        this.channels = List.copyOf(channels);
        this.listen = String.join("; ", channels.stream().map(c -> "LISTEN " + c).toList());
        this.maxPending = maxPending;
        this.heartbeatMillis = heartbeatMillis;
        this.onListeningAgain = onListeningAgain;
    }

    /** Connects and LISTENs; fails (and stays closed) when the first attempt fails. */
    public Future<Void> start() {
        return listen(false).onSuccess(v -> LOG.debug("Listening on {}", channels)).onFailure(e -> close());
    }

    /**
     * One attempt: a connection, LISTEN on every channel, within connectTimeout (10 s when that
     * is 0: an attempt must end, or a lost listener would never come back).
     */
    private Future<Void> listen(boolean again) {
        long limit = client.settings().connectTimeout() > 0 ? client.settings().connectTimeout() : 10_000;
        Promise<Void> done = Promise.promise();
        AtomicReference<SqlConnection> opened = new AtomicReference<>();
        long timer = client.vertx().setTimer(limit, id -> done.tryFail(new CovetPgTimeoutException("No connection listening on "
                + channels + " within " + limit + " ms (connectTimeout)", null, null)));
        client.connectToPrimary(() -> lost(opened.get()))
                .compose(c -> {
                    opened.set(c);
                    if (!(c instanceof PgConnection pg)) {
                        return Future.failedFuture(new IllegalStateException("A connection is a " + c.getClass().getName()
                                + ", not a PgConnection, so it cannot receive notifications"));
                    }
                    pg.notificationHandler(this::received);
                    return c.query(listen).execute().map(rows -> c);
                })
                .onComplete(ar -> {
                    client.vertx().cancelTimer(timer);
                    SqlConnection c = ar.succeeded() ? ar.result() : opened.get();
                    if (ar.succeeded() && !closed && done.tryComplete()) {
                        listening(c, again);
                        return;
                    }
                    if (c != null) {
                        c.close(); // late, failed, or closed meanwhile: not ours to keep
                    }
                    done.tryFail(ar.failed() ? PgErrors.translate(ar.cause(), client.settings(), "listening on " + channels)
                            : new CovetPgConnectionException("The listener on " + channels + " was closed", null));
                });
        return done.future();
    }

    /**
     * On the new connection's event loop, before any notification it brings: it is the one now;
     * the queue may still be full from before.
     */
    private void listening(SqlConnection c, boolean again) {
        connection = c;
        if (!register()) {
            connection = null; // closed meanwhile: close() may have looked before connection was set
            c.close();
            return;
        }
        reconnected = again;
        lastError = null;
        attempts = 0;
        paused = false;
        beatUnanswered = false;
        if (queue.size() >= maxPending) {
            pause(c);
        }
        if (heartbeatMillis > 0) {
            heartbeatTimer = client.vertx().setPeriodic(heartbeatMillis, id -> beat(c, id));
        }
        if (again) {
            onListeningAgain.run();
        }
    }

    /** One of the client's listeners from now on, unless closed: with close(), one of them at a time, so none is left behind. */
    private synchronized boolean register() {
        if (closed) {
            return false;
        }
        client.listeners().add(this);
        return true;
    }

    /** On the event loop of {@code c}: the heartbeat; the previous one unanswered means the peer is gone. */
    private void beat(SqlConnection c, long timer) {
        if (c != connection || closed) {
            client.vertx().cancelTimer(timer);
            return;
        }
        if (paused) {
            return; // the socket is not read: no answer could arrive
        }
        if (beatUnanswered) {
            LOG.warn("The connection listening on {} did not answer a SELECT 1 within {} ms (heartbeatInterval); closing it"
                    + " and connecting again", channels, heartbeatMillis);
            lastError = "no answer to the heartbeat within " + heartbeatMillis + " ms";
            client.vertx().cancelTimer(timer);
            lost(c);
            // not close(): its goodbye to a peer that does not read would wait for as long as the socket does
            SocketAccess.pipeline(c).channel().close();
            return;
        }
        beatUnanswered = true;
        c.query("SELECT 1").execute().onSuccess(rows -> beatUnanswered = false);
    }

    /** On the event loop of the connection. */
    private void received(PgNotification n) {
        if (closed) {
            return; // it came after the UNLISTEN that close() is: the route has stopped taking them
        }
        boolean first = reconnected;
        reconnected = false;
        queue.add(new Notification(n.getChannel(), n.getPayload(), n.getProcessId(), first));
        client.listeners().notified();
        SqlConnection c = connection;
        if (!paused && c != null && queue.size() >= maxPending) {
            pause(c);
        }
    }

    private void pause(SqlConnection c) {
        paused = true;
        beatUnanswered = false; // its answer cannot be read while paused: the first beat after the resume asks again
        SocketAccess.pipeline(c).channel().config().setAutoRead(false);
    }

    /**
     * The next notification, waiting at most {@code timeout}; null when none came. From a route
     * thread, never an event loop.
     */
    public Notification poll(long timeout, TimeUnit unit) throws InterruptedException {
        Notification next = queue.poll(timeout, unit);
        SqlConnection c = connection;
        if (paused && c != null && queue.size() <= maxPending / 2) {
            Channel channel = SocketAccess.pipeline(c).channel();
            // on the event loop, where received() pauses: a resume from here could cross a pause there and undo it
            channel.eventLoop().execute(() -> {
                if (paused && c == connection && queue.size() <= maxPending / 2) {
                    paused = false;
                    channel.config().setAutoRead(true);
                }
            });
        }
        return next;
    }

    /** Takes every notification waiting now without waiting for more; how many there were. */
    public int drain() {
        int n = 0;
        while (queue.poll() != null) {
            n++;
        }
        return n;
    }

    /** The connection {@code c} closed: if it was the listening one, connect again until it works or this is closed. */
    private void lost(SqlConnection c) {
        if (c == null || c != connection || closed) {
            return;
        }
        if (lastError == null) {
            lastError = "the connection was lost";
        }
        connection = null;
        cancelHeartbeat();
        LOG.warn("The connection listening on {} was lost; connecting again", channels);
        retry();
    }

    private void retry() {
        if (closed) {
            return;
        }
        attempts++;
        reconnects.incrementAndGet();
        client.listeners().reconnecting();
        retryTimer = client.vertx().setTimer(Math.max(MIN_RETRY_MILLIS, client.settings().resilience().backoff(attempts)), id -> listen(true)
                .onSuccess(v -> {
                    LOG.info("Listening on {} again; notifications sent while no connection listened are lost", channels);
                })
                .onFailure(e -> {
                    if (closed) {
                        return;
                    }
                    lastError = e.getMessage();
                    if (attempts == 1) {
                        LOG.warn("Could not listen on {} again, trying on: {}", channels, lastError);
                    }
                    retry();
                }));
    }

    /** Whether a connection listens now. */
    public boolean isListening() {
        return connection != null;
    }

    /** Notifications received and not yet taken. */
    public int pending() {
        return queue.size();
    }

    /** The channels, as checked identifiers. */
    public List<String> channels() {
        return channels;
    }

    /** This listener as seen now, for health checks, metrics and the console. */
    public ListenerState state() {
        return new ListenerState(String.join(",", channels), isListening(), queue.size(), reconnects.get(), isListening() ? null : lastError);
    }

    /**
     * Stops listening: the connection closes (which ends its LISTENs) and no reconnect is tried.
     * Notifications already received stay in the queue for {@link #poll}.
     */
    public void close() {
        synchronized (this) {
            closed = true;
            client.listeners().remove(this);
        }
        long timer = retryTimer;
        if (timer >= 0) {
            client.vertx().cancelTimer(timer);
        }
        SqlConnection c = connection;
        connection = null;
        if (c != null) {
            c.close();
        }
    }

    private void cancelHeartbeat() {
        long timer = heartbeatTimer;
        if (timer >= 0) {
            client.vertx().cancelTimer(timer);
            heartbeatTimer = -1;
        }
    }
}
