package dev.covet.pg.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the CPU went during the measurement iterations, split into user and kernel time, for the
 * benchmark's own process (the client) and for the whole machine (client, server and the rest),
 * from Linux's /proc (clock ticks, 10 ms each: good for iterations of seconds), and the client's
 * context switches (every thread's, voluntary and not): each hand-off between threads that finds
 * its thread asleep costs one. Off Linux it says so.
 */
final class SystemCpu {

    private static final Path MACHINE = Path.of("/proc/stat");
    private static final Path PROCESS = Path.of("/proc/self/stat");
    /** USER_HZ, which Linux fixes at 100 for /proc. */
    private static final double TICK_MICROS = 10_000;

    private final long[] spent = new long[5]; // client user, client kernel, machine user, machine kernel, client switches
    private long[] since;

    synchronized void recording(boolean on) {
        long[] now = read();
        if (now == null) {
            return;
        }
        if (on && since == null) {
            since = now;
        } else if (!on && since != null) {
            for (int i = 0; i < spent.length; i++) {
                spent[i] += now[i] - since[i];
            }
            since = null;
        }
    }

    /** Microseconds of CPU per operation, for {@code operations} done while recording. */
    synchronized String summary(long operations) {
        if (!Files.isReadable(MACHINE) || operations == 0) {
            return "CPU split not available";
        }
        double per = TICK_MICROS / operations;
        return String.format("client CPU %.1f us user + %.1f us kernel, machine %.1f us user + %.1f us kernel,"
                + " %.1f client context switches per operation", spent[0] * per, spent[1] * per, spent[2] * per, spent[3] * per,
                (double) spent[4] / operations);
    }

    /** The process's context switches so far: the sum over its live threads (/proc/self/task/N/status). */
    private static long contextSwitches() throws IOException {
        long total = 0;
        try (var tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                            total += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (IOException ended) {
                    // the thread ended while we looked
                }
            }
        }
        return total;
    }

    private static long[] read() {
        try {
            if (!Files.isReadable(MACHINE)) {
                return null;
            }
            // /proc/self/stat: the command may hold spaces; the fields after its closing ')' are fixed
            String self = Files.readString(PROCESS);
            String[] p = self.substring(self.lastIndexOf(')') + 2).split(" ");
            long clientUser = Long.parseLong(p[11]);   // utime, field 14
            long clientKernel = Long.parseLong(p[12]); // stime, field 15
            String[] m = Files.readAllLines(MACHINE).get(0).trim().split("\\s+");
            long user = Long.parseLong(m[1]) + Long.parseLong(m[2]);                              // user, nice
            long kernel = Long.parseLong(m[3]) + Long.parseLong(m[6]) + Long.parseLong(m[7]);     // system, irq, softirq
            return new long[] {clientUser, clientKernel, user, kernel, contextSwitches()};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
