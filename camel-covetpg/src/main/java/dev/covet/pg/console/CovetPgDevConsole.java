package dev.covet.pg.console;

import dev.covet.pg.CovetPgComponent;
import dev.covet.pg.client.ListenerState;
import dev.covet.pg.client.NodeState;
import dev.covet.pg.client.PoolStatistics;
import dev.covet.pg.client.SlowQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.Component;
import org.apache.camel.spi.annotations.DevConsole;
import org.apache.camel.support.console.AbstractDevConsole;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;

/**
 * The {@code covetpg} dev console: for every covetpg component of the context (a second
 * database's component too), the pool's statistics and the statements the slow-query log reported
 * lately. Everything it shows is a snapshot of counters and a copied list, so a call neither
 * touches the database nor waits.
 */
@DevConsole(name = "covetpg", displayName = "covetpg", description = "covetpg PostgreSQL pools, servers and recent slow statements")
public class CovetPgDevConsole extends AbstractDevConsole {

    public CovetPgDevConsole() {
        super("camel", "covetpg", "covetpg", "covetpg PostgreSQL pools, servers and recent slow statements");
    }

    @Override
    protected String doCallText(Map<String, Object> options) {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, CovetPgComponent> entry : components().entrySet()) {
            CovetPgComponent component = entry.getValue();
            PoolStatistics pool = component.getPoolStatistics();
            text.append(entry.getKey()).append(" (").append(component.getTarget()).append(")\n");
            text.append("    Pool: ").append(pool).append('\n');
            text.append("    Acquired since start: ").append(pool.totalAcquired())
                    .append(", timeouts: ").append(pool.totalTimeouts()).append(", retries: ").append(component.getTotalRetries()).append('\n');
            for (NodeState server : component.getServerStates()) {
                text.append("    Server ").append(server.server()).append(": ").append(server.role()).append(", ").append(server.up() ? "up" : "down")
                        .append(", breaker ").append(server.breaker())
                        .append(server.lastError() == null ? "" : " (last failure: " + server.lastError() + ")").append('\n');
            }
            for (ListenerState l : component.getListenerStates()) {
                text.append("    Listener on ").append(l.channels()).append(": ").append(l.summary()).append('\n');
            }
            List<SlowQuery> slow = component.getRecentSlowQueries();
            if (component.getSlowQueryThreshold() <= 0) {
                text.append("    Slow-query log: off (slowQueryThreshold=0)\n");
            } else {
                text.append("    Recent slow statements (slowQueryThreshold=").append(component.getSlowQueryThreshold())
                        .append(" ms, newest first): ").append(slow.isEmpty() ? "none" : "").append('\n');
                for (int i = slow.size() - 1; i >= 0; i--) {
                    SlowQuery q = slow.get(i);
                    text.append("        ").append(q.at()).append("  ").append(q.operation()).append(q.origin() == null ? "" : " from " + q.origin()).append("  ").append(q.millis())
                            .append(" ms  ").append(q.succeeded() ? "succeeded" : "failed").append("  ").append(q.sql()).append('\n');
                }
            }
            text.append('\n');
        }
        return text.toString();
    }

    @Override
    protected Map<String, Object> doCallJson(Map<String, Object> options) {
        JsonArray list = new JsonArray();
        for (Map.Entry<String, CovetPgComponent> entry : components().entrySet()) {
            CovetPgComponent component = entry.getValue();
            PoolStatistics pool = component.getPoolStatistics();
            JsonObject stats = new JsonObject();
            stats.put("size", pool.size());
            stats.put("inUse", pool.inUse());
            stats.put("idle", pool.idle());
            stats.put("waiting", pool.waiting());
            stats.put("max", pool.max());
            stats.put("totalAcquired", pool.totalAcquired());
            stats.put("totalTimeouts", pool.totalTimeouts());
            JsonArray servers = new JsonArray();
            for (NodeState server : component.getServerStates()) {
                JsonObject one = new JsonObject();
                one.put("server", server.server());
                one.put("role", server.role());
                one.put("up", server.up());
                one.put("breaker", server.breaker());
                one.put("lastError", server.lastError());
                servers.add(one);
            }
            JsonArray listeners = new JsonArray();
            for (ListenerState l : component.getListenerStates()) {
                JsonObject one = new JsonObject();
                one.put("channels", l.channels());
                one.put("listening", l.listening());
                one.put("pending", l.pending());
                one.put("reconnects", l.reconnects());
                one.put("lastError", l.lastError());
                listeners.add(one);
            }
            JsonArray slow = new JsonArray();
            List<SlowQuery> recent = new ArrayList<>(component.getRecentSlowQueries());
            java.util.Collections.reverse(recent); // newest first, as in the text
            for (SlowQuery q : recent) {
                JsonObject one = new JsonObject();
                one.put("at", q.at().toString());
                one.put("operation", q.operation());
                one.put("origin", q.origin());
                one.put("millis", q.millis());
                one.put("succeeded", q.succeeded());
                one.put("sql", q.sql());
                slow.add(one);
            }
            JsonObject json = new JsonObject();
            json.put("name", entry.getKey());
            json.put("target", component.getTarget());
            json.put("pool", stats);
            json.put("totalRetries", component.getTotalRetries());
            json.put("servers", servers);
            json.put("listeners", listeners);
            json.put("slowQueryThreshold", component.getSlowQueryThreshold());
            json.put("recentSlowQueries", slow);
            list.add(json);
        }
        JsonObject root = new JsonObject();
        root.put("components", list);
        return root;
    }

    /** The context's covetpg components by the name they are registered under, in name order. */
    private Map<String, CovetPgComponent> components() {
        Map<String, CovetPgComponent> found = new java.util.TreeMap<>();
        for (String name : getCamelContext().getComponentNames()) {
            Component component = getCamelContext().hasComponent(name);
            if (component instanceof CovetPgComponent covetpg) {
                found.put(name, covetpg);
            }
        }
        return found;
    }
}
