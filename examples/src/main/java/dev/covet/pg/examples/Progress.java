package dev.covet.pg.examples;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Prints a progress line every {@link EtlExample#PROGRESS_EVERY_MILLIS} while a stage runs:
 * its name, the time so far and what the stage says about itself.
 */
final class Progress implements AutoCloseable {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "etl-progress");
        t.setDaemon(true);
        return t;
    });

    /** Starts the progress lines of one stage; closing the ticket stops them. */
    Ticket start(String stage, Supplier<String> detail) {
        long start = System.nanoTime();
        long every = EtlExample.PROGRESS_EVERY_MILLIS;
        ScheduledFuture<?> task = timer.scheduleAtFixedRate(() -> {
            String more = "";
            try {
                more = detail == null ? "" : detail.get();
            } catch (RuntimeException e) {
                // progress is a courtesy; the stage reports its own failure
            }
            System.out.printf("  ... %s: %.0f s%s%n", stage, (System.nanoTime() - start) / 1e9, more.isEmpty() ? "" : ", " + more);
        }, every, every, TimeUnit.MILLISECONDS);
        return () -> task.cancel(false);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    interface Ticket extends AutoCloseable {
        @Override
        void close();
    }
}
