package dev.covet.pg;

import dev.covet.pg.client.ChannelListener;
import dev.covet.pg.client.Notification;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.Suspendable;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.util.URISupport;
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
 * received, for at most the context's shutdown await time. Suspended, it stops routing and goes
 * on listening: notifications wait in the bounded queue, then in the server's.
 */
public class CovetPgListenConsumer extends DefaultConsumer implements Suspendable {

    private static final Logger LOG = LoggerFactory.getLogger(CovetPgListenConsumer.class);

    /** How long the routing thread waits for a notification before it looks whether it should stop. */
    private static final long POLL_MILLIS = 100;

    /** The options that mean something to covetpg:listen; any other fails the start rather than being ignored. */
    private static final Set<String> OPTIONS = Set.of("channel", "maxPendingNotifications", "heartbeatInterval", "bridgeErrorHandler",
            "exceptionHandler", "exchangePattern");

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
        String uri = e.getEndpointUri();
        if (uri.indexOf('?') > 0) {
            for (String option : URISupport.parseQuery(uri.substring(uri.indexOf('?') + 1)).keySet()) {
                if (!OPTIONS.contains(option)) {
                    throw new IllegalArgumentException("covetpg:listen does nothing with " + option + ": its options are " + new java.util.TreeSet<>(OPTIONS)
                            + (option.equals("delay") || option.equals("sql") ? "; to poll a query when a notification comes, use covetpg:query"
                                    + "?sql=...&wakeOn=" + e.getChannel() : ""));
                }
            }
        }
        stopping = false;
        ChannelListener started = e.listen(e.getChannel(), "channel", () -> { });
        listener = started;
        routing = getEndpoint().getCamelContext().getExecutorServiceManager().newSingleThreadExecutor(this, "CovetPgListen" + started.channels());
        routing.execute(() -> routeNotifications(started));
    }

    /** The routing thread: until the consumer stops and what was received is routed; nothing a route step does ends it. */
    private void routeNotifications(ChannelListener from) {
        Notification held = null; // taken just as the consumer was suspended: routed first after the resume
        while (true) {
            Notification next;
            try {
                if (isSuspendingOrSuspended() && !stopping) {
                    Thread.sleep(POLL_MILLIS); // still listening: notifications wait in the queue, then in the server's
                    continue;
                }
                next = held != null ? held : from.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                held = null;
                if (next != null && isSuspendingOrSuspended() && !stopping) {
                    held = next;
                    continue;
                }
            } catch (InterruptedException e) {
                if (stopping) {
                    Thread.currentThread().interrupt();
                    return; // shutdownNow: the stop's time is up
                }
                // a route step left the interrupt flag set (Thread.interrupted() has now cleared it): not a reason to stop routing
                LOG.debug("covetpg listen on {}: the routing thread was interrupted by a route step; routing on", from.channels());
                continue;
            }
            if (next == null) {
                if (stopping) {
                    return; // the listener is closed and everything it received is routed
                }
                continue;
            }
            try {
                route(next);
            } catch (RuntimeException | Error unexpected) {
                getExceptionHandler().handleException("covetpg listen: routing a notification of channel " + next.channel() + " failed", unexpected);
            }
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
