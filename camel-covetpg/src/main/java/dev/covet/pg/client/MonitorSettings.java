package dev.covet.pg.client;

/**
 * What the client watches and reports on its own, durations in milliseconds.
 *
 * @param slowQueryThreshold          statements slower than this are logged; 0 turns the log off
 * @param poolWarningDelay            how long the pool must stay exhausted (or busy above the ratio) before a warning; 0 turns pool warnings off
 * @param poolUtilizationWarningRatio in-use connections over maxPoolSize at or above which the pool counts as busy (0 to 1)
 * @param poolWarningInterval         at most one warning of each kind per this interval
 */
public record MonitorSettings(long slowQueryThreshold, long poolWarningDelay, double poolUtilizationWarningRatio,
                              long poolWarningInterval) {

    /** Nothing watched: for callers that build settings by hand. */
    public static final MonitorSettings OFF = new MonitorSettings(0, 0, 0.8, 60_000);

    public MonitorSettings {
        require(slowQueryThreshold >= 0, "slowQueryThreshold", slowQueryThreshold, "0 (off) or a positive duration such as 500ms");
        require(poolWarningDelay >= 0, "poolWarningDelay", poolWarningDelay, "0 (off) or a positive duration such as 10s");
        require(poolUtilizationWarningRatio > 0 && poolUtilizationWarningRatio <= 1, "poolUtilizationWarningRatio",
                poolUtilizationWarningRatio, "a ratio above 0 and at most 1, such as 0.8");
        require(poolWarningInterval >= 1000, "poolWarningInterval", poolWarningInterval,
                "at least 1s, so that a pool in trouble does not flood the log");
    }

    private static void require(boolean ok, String option, Object value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("Invalid " + option + " '" + value + "': must be " + expected);
        }
    }
}
