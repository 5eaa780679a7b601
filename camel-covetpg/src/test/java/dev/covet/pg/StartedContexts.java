package dev.covet.pg;

import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelContext;

/** The CamelContexts a test created, stopped after it, so that no pool outlives its test. */
final class StartedContexts {

    private final List<CamelContext> contexts = new ArrayList<>();

    CamelContext track(CamelContext context) {
        contexts.add(context);
        return context;
    }

    void stopAll() {
        for (CamelContext c : contexts) {
            try {
                c.stop();
            } catch (RuntimeException e) {
                // a context that failed to start may fail to stop as well
            }
        }
        contexts.clear();
    }
}
