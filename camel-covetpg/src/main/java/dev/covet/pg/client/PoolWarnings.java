package dev.covet.pg.client;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the pool from a periodic timer (never per operation, so a busy route costs nothing
 * extra) and warns when operations have waited for a connection, or the pool has stayed busy
 * above the ratio, for longer than {@code poolWarningDelay}; at most one line of each kind per
 * {@code poolWarningInterval}. A condition counts as lasting while every sample sees it, so a
 * dip between two samples can go unseen; that is acceptable for a warning.
 */
final class PoolWarnings {

    static final Logger LOG = LoggerFactory.getLogger("dev.covet.pg.PoolWarnings");

    private final Supplier<PoolStatistics> statistics;
    private final MonitorSettings settings;
    private final String target;
    private final Condition exhausted = new Condition();
    private final Condition busy = new Condition();

    PoolWarnings(Supplier<PoolStatistics> statistics, MonitorSettings settings, String target) {
        this.statistics = statistics;
        this.settings = settings;
        this.target = target;
    }

    boolean enabled() {
        return settings.poolWarningDelay() > 0;
    }

    /** How often to sample: often enough to see a condition well within the delay, at most once a second. */
    long samplePeriodMillis() {
        return Math.max(50, Math.min(1000, settings.poolWarningDelay() / 4));
    }

    /**
     * One look at the pool, at {@code now} (System.nanoTime()); cheap, runs on the timer's event
     * loop. Returns how many warnings it logged.
     */
    int sample(long now) {
        PoolStatistics s = statistics.get();
        int logged = 0;
        if (exhausted.lasted(s.waiting() > 0, now)) {
            logged++;
            LOG.warn("covetpg pool to {} exhausted: operations have waited for a connection for {} ms (pool: {}); raise maxPoolSize,"
                    + " or find what holds connections (pg_stat_activity, long transactions, slow statements)",
                    target, exhausted.millis(now), s);
        }
        double utilization = s.max() == 0 ? 0 : (double) s.inUse() / s.max();
        if (busy.lasted(utilization >= settings.poolUtilizationWarningRatio(), now)) {
            logged++;
            LOG.warn("covetpg pool to {} busy: {}% of maxPoolSize in use for {} ms (poolUtilizationWarningRatio={}; pool: {});"
                    + " the pool is close to exhausted", target, Math.round(utilization * 100), busy.millis(now),
                    settings.poolUtilizationWarningRatio(), s);
        }
        return logged;
    }

    /** One watched condition: since when it holds, and when it was last reported. */
    private final class Condition {
        private long since = -1;
        private long lastWarned = -1;

        /** Records a sample; true when a warning is due now. */
        boolean lasted(boolean holds, long now) {
            if (!holds) {
                since = -1;
                return false;
            }
            if (since < 0) {
                since = now;
            }
            boolean longEnough = now - since >= TimeUnit.MILLISECONDS.toNanos(settings.poolWarningDelay());
            boolean quietEnough = lastWarned < 0 || now - lastWarned >= TimeUnit.MILLISECONDS.toNanos(settings.poolWarningInterval());
            if (longEnough && quietEnough) {
                lastWarned = now;
                return true;
            }
            return false;
        }

        long millis(long now) {
            return TimeUnit.NANOSECONDS.toMillis(now - since);
        }
    }
}
