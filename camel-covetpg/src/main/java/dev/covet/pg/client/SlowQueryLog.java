package dev.covet.pg.client;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs, once per statement, each one that took longer than {@code slowQueryThreshold}. The line
 * holds the duration, the operation, the outcome and the statement's text with its string
 * literals blanked; parameter values are never passed in, so they cannot leak into the log. The
 * last {@value #RECENT} are also kept, for the dev console to show without a log at hand.
 */
final class SlowQueryLog {

    /** A stable logger name, so operators can route these lines to their own appender. */
    static final Logger LOG = LoggerFactory.getLogger("dev.covet.pg.SlowQuery");

    private static final int MAX_SQL_LENGTH = 500;
    /** Enough to see what was slow lately; bounded so that a slow day does not grow the heap. */
    static final int RECENT = 20;
    // a literal written into the SQL by hand may be a secret just as a parameter may
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private final long thresholdNanos;
    private final String target;
    private final ArrayDeque<SlowQuery> recent = new ArrayDeque<>(RECENT);

    SlowQueryLog(long thresholdMillis, String target) {
        this.thresholdNanos = TimeUnit.MILLISECONDS.toNanos(thresholdMillis);
        this.target = target;
    }

    void finished(String operation, String origin, String sql, long took, boolean succeeded) {
        if (thresholdNanos <= 0 || took < thresholdNanos) {
            return;
        }
        SlowQuery slow = new SlowQuery(Instant.now(), operation, origin, TimeUnit.NANOSECONDS.toMillis(took), succeeded, printable(sql));
        remember(slow);
        if (LOG.isWarnEnabled()) {
            LOG.warn("Slow covetpg {}{} on {}: {} ms (slowQueryThreshold={} ms, {}): {}", operation,
                    origin == null ? "" : " from " + origin, target,
                    slow.millis(), TimeUnit.NANOSECONDS.toMillis(thresholdNanos),
                    succeeded ? "succeeded" : "failed", slow.sql());
        }
    }

    // called on event loops too: the lock is held only to add or copy a few references
    private synchronized void remember(SlowQuery query) {
        if (recent.size() == RECENT) {
            recent.removeFirst();
        }
        recent.addLast(query);
    }

    /** The last slow statements, oldest first; empty when the log is off. */
    synchronized List<SlowQuery> recent() {
        return List.copyOf(recent);
    }

    /** The statement as it may be logged: literals blanked, whitespace folded, bounded in length. */
    static String printable(String sql) {
        String text = WHITESPACE.matcher(dev.covet.pg.sql.SqlLexer.maskLiterals(sql)).replaceAll(" ").trim();
        return text.length() > MAX_SQL_LENGTH ? text.substring(0, MAX_SQL_LENGTH) + "..." : text;
    }
}
