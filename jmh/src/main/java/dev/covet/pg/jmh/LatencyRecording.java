package dev.covet.pg.jmh;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * A benchmark whose requests' latencies and CPU (see {@link Latencies}) are recorded over its
 * measurement iterations only, not over the warm-up.
 */
@State(Scope.Benchmark)
public abstract class LatencyRecording {

    final Latencies latencies = new Latencies();

    @Setup(Level.Iteration)
    public void iteration(IterationParams params) {
        latencies.recording(params.getType() == IterationType.MEASUREMENT);
    }

    @TearDown(Level.Iteration)
    public void iterationEnd() {
        latencies.recording(false);
    }
}
