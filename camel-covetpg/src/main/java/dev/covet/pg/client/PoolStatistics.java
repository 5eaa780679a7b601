package dev.covet.pg.client;

/**
 * A snapshot of the connection pool.
 *
 * @param size          connections open now (in use and idle)
 * @param inUse         connections lent to an operation now
 * @param idle          open connections nobody holds
 * @param waiting       operations waiting for a connection now
 * @param max           maxPoolSize
 * @param totalAcquired connections lent since start
 * @param totalTimeouts waits for a connection that ended without one (acquireTimeout, full wait queue)
 */
public record PoolStatistics(int size, int inUse, int idle, int waiting, int max, long totalAcquired, long totalTimeouts) {

    @Override
    public String toString() {
        return "size " + size + " of max " + max + ", " + inUse + " in use, " + idle + " idle, " + waiting + " waiting";
    }
}
