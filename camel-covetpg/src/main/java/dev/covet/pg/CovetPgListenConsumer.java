package dev.covet.pg;

import dev.covet.pg.client.ChannelListener;
import dev.covet.pg.client.Notification;
import dev.covet.pg.client.PgClient;
import dev.covet.pg.sql.Identifiers;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code from("covetpg:listen?channel=orders")}: one exchange per PostgreSQL notification, its
 * payload as the body, routed one at a time and in the order they arrived, on a thread of the
 * consumer's own (never the event loop that received them). See {@link ChannelListener} for the
 * connection, the bounded queue and the reconnects.
 *
 * <p>A failed exchange is handed to the consumer's exception handler and the next notification
 * is routed: a notification cannot be asked for again, so redelivery is the route's error
 * handler's job. On stop the consumer stops listening first, then routes what it had already
 * received, for at most the context's shutdown await time.
 */
public class CovetPgListenConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(CovetPgListenConsumer.class);

    /** How long the routing thread waits for a notification before it looks whether it should stop. */
    private static final long POLL_MILLIS = 100;

    private ChannelListener listener;
    private ExecutorService routing;
    private volatile boolean stopping;

    public CovetPgListenConsumer(CovetPgEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
    }

    @Override
    public CovetPgEndpoint getEndpoint() {
        return (CovetPgEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        CovetPgEndpoint e = getEndpoint();
        if (e.getChannel() == null || e.getChannel().isBlank()) {
            throw new IllegalArgumentException("from(\"covetpg:listen\") needs the channel option, e.g. covetpg:listen?channel=orders");
        }
        if (e.getSql() != null) {
            throw new IllegalArgumentException("covetpg:listen takes no sql: it routes the notifications of its channels as they come;"
                    + " to wake a query consumer on a notification, use covetpg:query?sql=...&wakeOn=" + e.getChannel());
        }
        if (e.getWakeOn() != null) {
            throw new IllegalArgumentException("wakeOn is an option of the covetpg:query consumer; covetpg:listen routes its channels' notifications");
        }
        List<String> channels = Identifiers.names(e.getChannel(), "channel");
        PgClient client = e.getComponent().client();
        stopping = false;
        listener = client.listener(channels, e.checkedMaxPendingNotifications(), () -> { });
        client.await(listener.start(), "starting to listen on " + channels);
        routing = getEndpoint().getCamelContext().getExecutorServiceManager().newSingleThreadExecutor(this, "CovetPgListen" + channels);
        routing.execute(this::routeNotifications);
    }

    private void routeNotifications() {
        while (true) {
            Notification next;
            try {
                next = listener.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (next == null) {
                if (stopping) {
                    return; // the listener is closed and everything it received is routed
                }
                continue;
            }
            route(next);
        }
    }

    private void route(Notification n) {
        Exchange exchange = createExchange(false);
        try {
            Message message = exchange.getMessage();
            message.setBody(n.payload());
            message.setHeader(CovetPgConstants.CHANNEL, n.channel());
            message.setHeader(CovetPgConstants.NOTIFIER_PID, n.processId());
            if (n.mayHaveMissed()) {
                message.setHeader(CovetPgConstants.NOTIFICATIONS_MISSED, true);
            }
            try {
                getProcessor().process(exchange);
            } catch (Exception ex) {
                exchange.setException(ex);
            }
            if (exchange.getException() != null) {
                // the payload stays out of the message: it is data, and may be anyone's
                getExceptionHandler().handleException("covetpg listen: the route failed on a notification of channel " + n.channel()
                        + "; the next one is routed", exchange, exchange.getException());
            }
        } finally {
            releaseExchange(exchange, false);
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (listener != null) {
            listener.close(); // nothing more comes in; what came is routed below
        }
        stopping = true;
        if (routing != null) {
            var executors = getEndpoint().getCamelContext().getExecutorServiceManager();
            if (!executors.awaitTermination(shutDown(routing), executors.getShutdownAwaitTermination())) {
                LOG.warn("covetpg listen on {}: stopped with {} notifications received and not routed (the route took longer than"
                        + " shutdownAwaitTermination={}ms to route them)", listener.channels(), listener.drain(),
                        executors.getShutdownAwaitTermination());
                executors.shutdownNow(routing);
            }
            routing = null;
        }
        listener = null;
        super.doStop();
    }

    private static ExecutorService shutDown(ExecutorService executor) {
        executor.shutdown();
        return executor;
    }

    /** Notifications received and not yet routed (0 when not started). */
    public int getPendingNotifications() {
        ChannelListener l = listener;
        return l == null ? 0 : l.pending();
    }
}
