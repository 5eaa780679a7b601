package dev.covet.pg.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The delay and the rate limit of PoolWarnings, on a clock the test moves (no server needed: nothing is sent). */
@Tag("fast")
class PoolWarningsTimingTest {

    private static final long S = TimeUnit.SECONDS.toNanos(1);

    @Test
    void warnsAfterTheDelayThenOncePerInterval() {
        AtomicReference<PoolStatistics> now = new AtomicReference<>(new PoolStatistics(2, 2, 0, 3, 2, 0, 0));
        PoolWarnings warnings = new PoolWarnings(now::get, new MonitorSettings(0, 10_000, 0.8, 60_000), "h:5432/db");
        // exhausted (3 waiting) and busy (2 of 2 in use) together: both lines come, or neither
        long t0 = 1_000 * S;
        assertThat(due(warnings, t0)).isFalse();                // condition starts
        assertThat(due(warnings, t0 + 9 * S)).isFalse();        // not yet 10 s
        assertThat(due(warnings, t0 + 10 * S)).isTrue();        // 10 s: first warning
        assertThat(due(warnings, t0 + 30 * S)).isFalse();       // within the interval
        assertThat(due(warnings, t0 + 70 * S)).isTrue();        // interval over, still exhausted
        now.set(new PoolStatistics(2, 0, 2, 0, 2, 0, 0));
        assertThat(due(warnings, t0 + 71 * S)).isFalse();       // recovered: condition resets
        now.set(new PoolStatistics(2, 2, 0, 3, 2, 0, 0));
        assertThat(due(warnings, t0 + 140 * S)).isFalse();      // back, but the delay starts again
        assertThat(due(warnings, t0 + 150 * S)).isTrue();
    }

    /** docs/monitoring.md: a condition that clears and comes back within the interval waits for the interval's end. */
    @Test
    void aConditionThatComesBackWithinTheIntervalWaitsForItsEnd() {
        PoolStatistics exhausted = new PoolStatistics(2, 2, 0, 3, 2, 0, 0);
        AtomicReference<PoolStatistics> now = new AtomicReference<>(exhausted);
        PoolWarnings warnings = new PoolWarnings(now::get, new MonitorSettings(0, 10_000, 0.8, 60_000), "h:5432/db");
        long t0 = 1_000 * S;
        assertThat(due(warnings, t0)).isFalse();
        assertThat(due(warnings, t0 + 10 * S)).isTrue();        // the first line
        now.set(new PoolStatistics(2, 0, 2, 0, 2, 0, 0));
        assertThat(due(warnings, t0 + 11 * S)).isFalse();       // cleared
        now.set(exhausted);
        assertThat(due(warnings, t0 + 12 * S)).isFalse();       // back
        assertThat(due(warnings, t0 + 22 * S)).isFalse();       // lasted the delay again, but within the interval
        assertThat(due(warnings, t0 + 69 * S)).isFalse();
        assertThat(due(warnings, t0 + 70 * S)).isTrue();        // the interval since the last line is over
    }

    @Test
    void samplesOftenEnoughForTheDelayButAtMostOnceASecond() {
        assertThat(new PoolWarnings(() -> null, new MonitorSettings(0, 10_000, 0.8, 60_000), "t").samplePeriodMillis()).isEqualTo(1000);
        assertThat(new PoolWarnings(() -> null, new MonitorSettings(0, 200, 0.8, 60_000), "t").samplePeriodMillis()).isEqualTo(50);
        assertThat(new PoolWarnings(() -> null, new MonitorSettings(0, 0, 0.8, 60_000), "t").enabled()).isFalse();
    }

    /** Whether the sample at {@code at} logs the two warnings. */
    private static boolean due(PoolWarnings warnings, long at) {
        int logged = warnings.sample(at);
        assertThat(logged).isIn(0, 2);
        return logged == 2;
    }
}
