package dev.covet.pg.jmh;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A closed-loop load: {@code concurrency} requests always in flight, each answered one followed at
 * once by the next, until the trial ends. It counts the answers, records their latencies, and lets
 * a JMH invocation wait until a number of answers have come; the first failure ends the trial.
 * Subclasses start the requests and report each one's {@link #outcome}; each of their
 * {@code concurrency} request chains counts {@link #stopped} down once it has ended
 * ({@link #startThreads} does that for chains that run on threads of their own).
 */
abstract class ClosedLoop {

    final String contender;
    final AtomicLong completed = new AtomicLong();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    final CountDownLatch stopped;
    private final int concurrency;
    private final Latencies latencies;
    private long target;
    private volatile boolean stopping;
    private volatile long waitingFor = Long.MAX_VALUE;
    private volatile Thread waiter;

    ClosedLoop(String contender, int concurrency, Latencies latencies) {
        this.contender = contender;
        this.concurrency = concurrency;
        this.stopped = new CountDownLatch(concurrency);
        this.latencies = latencies;
    }

    abstract void start();

    /** One request chain on a thread of its own: requests back to back until {@link #ended()}. */
    interface Chain {
        void run() throws Exception;
    }

    /** Starts {@code concurrency} daemon threads, each running {@code chain}; a chain that throws is the trial's failure. */
    void startThreads(String name, Chain chain) {
        for (int i = 0; i < concurrency; i++) {
            Thread t = new Thread(() -> {
                try {
                    chain.run();
                } catch (Throwable e) {
                    failed(e);
                } finally {
                    stopped.countDown();
                }
            }, name + i);
            t.setDaemon(true);
            t.start();
        }
    }

    /** Waits for {@code ops} answers more than the previous call waited for: one JMH invocation's worth. */
    long awaitMore(long ops) {
        target += ops;
        return awaitCompleted(target);
    }

    /** True once the trial ends or a request failed: no new request is started. */
    boolean ended() {
        return stopping || failure.get() != null;
    }

    /** One request's outcome: its latency when it succeeded, else the trial's failure. */
    void outcome(long startNanos, Throwable t) {
        if (t != null) {
            failed(t);
        } else {
            answered(startNanos);
        }
    }

    void answered(long startNanos) {
        latencies.record(System.nanoTime() - startNanos);
        if (completed.incrementAndGet() >= waitingFor) {
            LockSupport.unpark(waiter);
        }
    }

    void failed(Throwable t) {
        failure.compareAndSet(null, t);
        LockSupport.unpark(waiter);
    }

    /** Waits until {@code count} answers have come since the start; fails on the trial's failure or after 60 s without them. */
    long awaitCompleted(long count) {
        waiter = Thread.currentThread();
        waitingFor = count;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long done;
        while ((done = completed.get()) < count) {
            Throwable t = failure.get();
            if (t != null) {
                throw new IllegalStateException(contender + " failed: " + t.getMessage(), t);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(contender + ": no progress for 60 s (" + done + " of " + count + " answered)");
            }
            LockSupport.parkNanos(10_000_000);
        }
        return done;
    }

    /** Ends the load: no new request, and waits for those in flight. */
    void stop() throws InterruptedException {
        stopping = true;
        if (!stopped.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(contender + ": requests still in flight 60 s after the end");
        }
        Throwable t = failure.get();
        if (t != null) {
            throw new IllegalStateException(contender + " failed: " + t.getMessage(), t);
        }
    }
}
