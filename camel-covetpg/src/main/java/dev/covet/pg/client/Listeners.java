package dev.covet.pg.client;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The LISTEN connections of one client that are open now, and what they all did since start:
 * the counters keep counting after a listener closes.
 */
final class Listeners {

    private final Set<ChannelListener> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong notifications = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();

    void add(ChannelListener listener) {
        open.add(listener);
    }

    void remove(ChannelListener listener) {
        open.remove(listener);
    }

    void notified() {
        notifications.incrementAndGet();
    }

    void reconnecting() {
        reconnects.incrementAndGet();
    }

    List<ListenerState> states() {
        return open.stream().map(ChannelListener::state).toList();
    }

    long notifications() {
        return notifications.get();
    }

    long reconnects() {
        return reconnects.get();
    }

    void closeAll() {
        open.forEach(ChannelListener::close);
    }
}
