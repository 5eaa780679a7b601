package dev.covet.pg.repository;

import dev.covet.pg.client.PgClient;
import dev.covet.pg.client.QueryResult;
import dev.covet.pg.client.StatementOptions;
import dev.covet.pg.sql.Identifiers;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.spi.Configurer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.OptimisticLockingAggregationRepository;
import org.apache.camel.spi.RecoverableAggregationRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Camel's aggregation repository in two PostgreSQL tables, on a covetpg component's pool: the
 * exchanges being aggregated, one row per correlation key, and the completed ones until the route
 * that got them confirms them. Several CamelContexts and JVMs can share one repository: with the
 * aggregator's {@code optimisticLocking()} each update checks the row's version, so two of them
 * aggregating the same key never lose an update (the loser gets an
 * {@link OptimisticLockingException} and the aggregator tries again). With {@code useRecovery}
 * (the default), a completed exchange whose route failed (or whose JVM died) is sent again by the
 * aggregator after {@code recoveryInterval}, at most {@code maximumRedeliveries} times, then to
 * {@code deadLetterUri}. A completed exchange belongs to the instance that completed it for
 * {@code recoveryLease}: only that instance recovers it meanwhile (another one would send again
 * what this one is still routing), and any instance once the lease ran out without it being
 * renewed (its JVM is gone).
 *
 * <p>Tables ({@code repositoryName} and {@code repositoryName_completed}, created when missing
 * unless {@code createTable=false}): {@code (key text PRIMARY KEY, exchange bytea, version bigint,
 * updated_at timestamptz)} and {@code (exchange_id text PRIMARY KEY, key text, exchange bytea,
 * completed_at timestamptz, instance_id text, lease_until timestamptz)}. An exchange is Camel's {@code DefaultExchangeHolder} in Java
 * serialisation, read back only through the {@code deserializationFilter} allow-list. Every
 * change is one statement in autocommit (completing is a delete and an insert in one statement),
 * waited for on the calling thread (refused on a Vert.x event loop).
 */
@Metadata(label = "bean", description = "Aggregation repository in PostgreSQL tables, on a covetpg component's pool: recoverable, with optimistic locking.",
          annotations = {"interfaceName=org.apache.camel.spi.AggregationRepository"})
@Configurer(metadataOnly = true)
public class CovetPgAggregationRepository extends ServiceSupport
        implements RecoverableAggregationRepository, OptimisticLockingAggregationRepository, CamelContextAware {

    /** The exchange property that carries the version of the row an exchange was read from. */
    public static final String VERSION_PROPERTY = "CamelCovetPgAggregationVersion";

    private CamelContext camelContext;
    @Metadata(description = "The covetpg component (by name) whose pool the repository uses.", defaultValue = "covetpg")
    private String componentName = "covetpg";
    @Metadata(description = "The table of the exchanges being aggregated, optionally schema.table; the completed ones are in"
                            + " repositoryName_completed. Checked as an identifier, never quoted.", required = true)
    private String repositoryName;
    @Metadata(description = "Create the two tables at start when they do not exist. With false a missing table fails the start.",
              defaultValue = "true")
    private boolean createTable = true;
    @Metadata(description = "Keep completed exchanges until they are confirmed, and let the aggregator send again the ones that"
                            + " were not (their route failed, or their JVM stopped).", defaultValue = "true")
    private boolean useRecovery = true;
    @Metadata(description = "Milliseconds between the aggregator's looks for completed exchanges to send again.", defaultValue = "5000")
    private long recoveryInterval = 5000;
    @Metadata(description = "Times a completed exchange is sent again before it goes to deadLetterUri; 0 sends it again for ever."
                            + " Requires deadLetterUri when above 0.", defaultValue = "0")
    private int maximumRedeliveries;
    @Metadata(description = "Where a completed exchange goes after maximumRedeliveries failed recoveries.")
    private String deadLetterUri;
    @Metadata(description = "Milliseconds a completed exchange belongs to the instance (repository in a CamelContext) that completed it:"
                            + " meanwhile only that instance recovers it, and it renews the lease at each recovery interval; once the lease"
                            + " ran out (the instance is gone) any instance sharing the tables may. Longer than the route after the"
                            + " aggregator takes, and than recoveryInterval.", defaultValue = "60000")
    private long recoveryLease = 60_000;
    @Metadata(description = "Also store headers and properties of types other than Camel's simple ones (String, numbers, dates),"
                            + " when they are Serializable; reading them back needs their classes in deserializationFilter.",
              defaultValue = "false")
    private boolean allowSerializedHeaders;
    @Metadata(description = "The classes an exchange read back may contain, in the syntax of jdk.serialFilter ending in !*;"
                            + " by default Camel's holder, Strings, numbers, dates and times, byte[] and the JDK's collections."
                            + " Add your body classes in front, e.g. com.example.Order;<the default>.",
              defaultValue = ExchangeCodec.DEFAULT_FILTER)
    private String deserializationFilter = ExchangeCodec.DEFAULT_FILTER;

    private PgClient client;
    private StatementOptions options;
    private ExchangeCodec codec;
    private String table;
    private String completed;
    private String upsert;
    private String insertFirst;
    private String updateVersion;
    private String select;
    private String complete;
    private String completeVersion;
    private String delete;
    private String deleteVersion;
    private String claim;
    /** This instance, in the completed table's rows it owns: a new one each start. */
    private String instanceId;

    public CovetPgAggregationRepository() {
    }

    public CovetPgAggregationRepository(String repositoryName) {
        this.repositoryName = repositoryName;
    }

    @Override
    protected void doStart() throws Exception {
        if (repositoryName == null || repositoryName.isBlank()) {
            throw new IllegalArgumentException("CovetPgAggregationRepository needs repositoryName: the table its exchanges are kept in");
        }
        if (maximumRedeliveries < 0) {
            throw new IllegalArgumentException("Invalid maximumRedeliveries '" + maximumRedeliveries + "': must be 0 (no limit) or more");
        }
        if (useRecovery && maximumRedeliveries > 0 && (deadLetterUri == null || deadLetterUri.isBlank())) {
            throw new IllegalArgumentException("The aggregation repository " + repositoryName + " has maximumRedeliveries="
                    + maximumRedeliveries + " but no deadLetterUri: set deadLetterUri, where exchanges go after the last recovery");
        }
        if (recoveryInterval < 1) {
            throw new IllegalArgumentException("Invalid recoveryInterval '" + recoveryInterval + "': must be 1 ms or more");
        }
        if (recoveryLease <= recoveryInterval) {
            throw new IllegalArgumentException("Invalid recoveryLease '" + recoveryLease + "': must be longer than recoveryInterval ("
                    + recoveryInterval + " ms), at which the instance that owns a completed exchange renews it");
        }
        instanceId = java.util.UUID.randomUUID().toString();
        table = Identifiers.table(repositoryName, "repositoryName");
        completed = Identifiers.table(completedName(repositoryName), "repositoryName");
        client = Repositories.client(camelContext, componentName, "the aggregation repository " + repositoryName);
        options = StatementOptions.resolve(client.settings(), "aggregationRepository:" + repositoryName, null, null, null).onPrimary();
        codec = new ExchangeCodec(deserializationFilter, allowSerializedHeaders, repositoryName, VERSION_PROPERTY);
        upsert = "INSERT INTO " + table + " AS t (key, exchange, version) VALUES ($1, $2, 1) ON CONFLICT (key) DO UPDATE"
                + " SET exchange = EXCLUDED.exchange, version = t.version + 1, updated_at = now() RETURNING version";
        insertFirst = "INSERT INTO " + table + " (key, exchange, version) VALUES ($1, $2, 1) ON CONFLICT (key) DO NOTHING RETURNING version";
        updateVersion = "UPDATE " + table + " SET exchange = $2, version = version + 1, updated_at = now() WHERE key = $1 AND version = $3"
                + " RETURNING version";
        select = "SELECT exchange, version FROM " + table + " WHERE key = $1";
        // one statement, so the key's row leaves and the completed exchange arrives together, or neither
        String owned = ", instance_id, lease_until) ";
        String lease = "$4::text, clock_timestamp() + $5::bigint * interval '1 millisecond'";
        complete = "WITH gone AS (DELETE FROM " + table + " WHERE key = $1) INSERT INTO " + completed
                + " (exchange_id, key, exchange" + owned + "VALUES ($2, $1, $3, " + lease + ")";
        completeVersion = "WITH gone AS (DELETE FROM " + table + " WHERE key = $1 AND version = $6 RETURNING key) INSERT INTO " + completed
                + " (exchange_id, key, exchange" + owned + "SELECT $2::text, key, $3::bytea, " + lease + " FROM gone";
        // its own rows, renewed, and those whose owner let the lease run out, taken over; row locks make two takers take turns
        claim = "UPDATE " + completed + " SET instance_id = $1, lease_until = clock_timestamp() + $2::bigint * interval '1 millisecond'"
                + " WHERE instance_id = $1 OR lease_until < clock_timestamp() RETURNING exchange_id";
        delete = "DELETE FROM " + table + " WHERE key = $1";
        deleteVersion = "DELETE FROM " + table + " WHERE key = $1 AND version = $2";
        Map<String, String> ddl = new java.util.LinkedHashMap<>();
        ddl.put(table, "CREATE TABLE " + table + " (key text PRIMARY KEY, exchange bytea NOT NULL, version bigint NOT NULL,"
                + " updated_at timestamptz NOT NULL DEFAULT now())");
        ddl.put(completed, "CREATE TABLE " + completed + " (exchange_id text PRIMARY KEY, key text NOT NULL, exchange bytea NOT NULL,"
                + " completed_at timestamptz NOT NULL DEFAULT now(), instance_id text NOT NULL, lease_until timestamptz NOT NULL)");
        if (createTable) {
            Repositories.create(client, ddl);
        } else {
            Repositories.require(client, ddl, "the aggregation repository " + repositoryName);
        }
    }

    /** The completed table's name: {@code name_completed}, inside the quotes of a quoted name. */
    static String completedName(String name) {
        String trimmed = name.trim();
        return trimmed.endsWith("\"") ? trimmed.substring(0, trimmed.length() - 1) + "_completed\"" : trimmed + "_completed";
    }

    @Override
    protected void doStop() throws Exception {
        client = null;
    }

    private QueryResult run(String sql, List<?> params, String what) {
        PgClient c = client;
        if (c == null) {
            throw new IllegalStateException("CovetPgAggregationRepository '" + repositoryName + "' is not started");
        }
        return c.await(c.query(sql, params, options, null), what + " the aggregation repository's table " + repositoryName);
    }

    /** Stores the exchange under the key, whatever was there; returns null (the old exchange is not read back). */
    @Override
    public Exchange add(CamelContext context, String key, Exchange exchange) {
        QueryResult r = run(upsert, List.of(key, codec.encode(exchange)), "writing to");
        exchange.setProperty(VERSION_PROPERTY, version(r));
        return null;
    }

    /**
     * Stores {@code newExchange} under the key if the row is still the one {@code oldExchange} was
     * read from (or, with no old exchange, if there is no row yet); otherwise throws
     * {@link OptimisticLockingException}, and the aggregator reads the key again and retries.
     */
    @Override
    public Exchange add(CamelContext context, String key, Exchange oldExchange, Exchange newExchange) throws OptimisticLockingException {
        byte[] bytes = codec.encode(newExchange);
        QueryResult r;
        if (oldExchange == null) {
            r = run(insertFirst, List.of(key, bytes), "writing to");
        } else {
            Long version = oldExchange.getProperty(VERSION_PROPERTY, Long.class);
            if (version == null) {
                throw new OptimisticLockingException(); // not read from this repository: read it again
            }
            r = run(updateVersion, List.of(key, bytes, version), "writing to");
        }
        if (r.rowCount() == 0) {
            throw new OptimisticLockingException();
        }
        newExchange.setProperty(VERSION_PROPERTY, version(r));
        return null;
    }

    private static long version(QueryResult r) {
        return ((Number) r.rows().get(0).get("version")).longValue();
    }

    @Override
    public Exchange get(CamelContext context, String key) {
        List<Map<String, Object>> rows = run(select, List.of(key), "reading").rows();
        if (rows.isEmpty()) {
            return null;
        }
        Exchange exchange = codec.decode(context, (byte[]) rows.get(0).get("exchange"), "the exchange of a key");
        exchange.setProperty(VERSION_PROPERTY, ((Number) rows.get(0).get("version")).longValue());
        return exchange;
    }

    /**
     * The key's aggregation is complete: its row goes and, with {@code useRecovery}, the exchange is
     * kept as completed until {@link #confirm}. With a version (the exchange was read from here), the
     * row must still be that one, else {@link OptimisticLockingException}.
     */
    @Override
    public void remove(CamelContext context, String key, Exchange exchange) throws OptimisticLockingException {
        Long version = exchange.getProperty(VERSION_PROPERTY, Long.class);
        long changed;
        if (useRecovery) {
            byte[] bytes = codec.encode(exchange);
            changed = version == null ? run(complete, List.of(key, exchange.getExchangeId(), bytes, instanceId, recoveryLease), "completing in").rowCount()
                    : run(completeVersion, List.of(key, exchange.getExchangeId(), bytes, instanceId, recoveryLease, version), "completing in").rowCount();
        } else {
            changed = version == null ? run(delete, List.of(key), "completing in").rowCount()
                    : run(deleteVersion, List.of(key, version), "completing in").rowCount();
        }
        if (version != null && changed == 0) {
            throw new OptimisticLockingException();
        }
    }

    /** The route finished with the completed exchange: it is forgotten. */
    @Override
    public void confirm(CamelContext context, String exchangeId) {
        confirmWithResult(context, exchangeId);
    }

    @Override
    public boolean confirmWithResult(CamelContext context, String exchangeId) {
        return run("DELETE FROM " + completed + " WHERE exchange_id = $1", List.of(exchangeId), "confirming in").rowCount() > 0;
    }

    @Override
    public Set<String> getKeys() {
        return column("SELECT key FROM " + table, List.of(), "key");
    }

    /**
     * The completed exchanges not confirmed yet that this instance may send again: its own (their
     * lease renewed), and those whose owner let the lease run out (now this instance's). Not those
     * another live instance completed: it may still be routing them.
     */
    @Override
    public Set<String> scan(CamelContext context) {
        return useRecovery ? column(claim, List.of(instanceId, recoveryLease), "exchange_id") : Set.of();
    }

    @Override
    public Exchange recover(CamelContext context, String exchangeId) {
        List<Map<String, Object>> rows = run("SELECT exchange FROM " + completed + " WHERE exchange_id = $1", List.of(exchangeId),
                "recovering from").rows();
        return rows.isEmpty() ? null : codec.decode(context, (byte[]) rows.get(0).get("exchange"), "completed exchange " + exchangeId);
    }

    private Set<String> column(String sql, List<?> params, String column) {
        Set<String> values = new LinkedHashSet<>();
        for (Map<String, Object> row : run(sql, params, "reading").rows()) {
            values.add((String) row.get(column));
        }
        return values;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    public String getComponentName() {
        return componentName;
    }

    /** The covetpg component (by name) whose pool the repository uses; default covetpg. */
    public void setComponentName(String componentName) {
        this.componentName = componentName;
    }

    public String getRepositoryName() {
        return repositoryName;
    }

    /** The table of the exchanges being aggregated; the completed ones are in repositoryName_completed. */
    public void setRepositoryName(String repositoryName) {
        this.repositoryName = repositoryName;
    }

    public boolean isCreateTable() {
        return createTable;
    }

    /** Whether missing tables are created at start (default) or fail it. */
    public void setCreateTable(boolean createTable) {
        this.createTable = createTable;
    }

    public long getRecoveryLease() {
        return recoveryLease;
    }

    /** Milliseconds a completed exchange belongs to the instance that completed it; default 60000. */
    public void setRecoveryLease(long recoveryLease) {
        this.recoveryLease = recoveryLease;
    }

    @Override
    public boolean isUseRecovery() {
        return useRecovery;
    }

    @Override
    public void setUseRecovery(boolean useRecovery) {
        this.useRecovery = useRecovery;
    }

    @Override
    public long getRecoveryInterval() {
        return recoveryInterval;
    }

    @Override
    public void setRecoveryInterval(long interval, TimeUnit timeUnit) {
        this.recoveryInterval = timeUnit.toMillis(interval);
    }

    @Override
    public void setRecoveryInterval(long interval) {
        this.recoveryInterval = interval;
    }

    @Override
    public int getMaximumRedeliveries() {
        return maximumRedeliveries;
    }

    @Override
    public void setMaximumRedeliveries(int maximumRedeliveries) {
        this.maximumRedeliveries = maximumRedeliveries;
    }

    @Override
    public String getDeadLetterUri() {
        return deadLetterUri;
    }

    @Override
    public void setDeadLetterUri(String deadLetterUri) {
        this.deadLetterUri = deadLetterUri;
    }

    public boolean isAllowSerializedHeaders() {
        return allowSerializedHeaders;
    }

    /** Whether Serializable headers and properties of other types than Camel's simple ones are stored too. */
    public void setAllowSerializedHeaders(boolean allowSerializedHeaders) {
        this.allowSerializedHeaders = allowSerializedHeaders;
    }

    public String getDeserializationFilter() {
        return deserializationFilter;
    }

    /** The classes an exchange read back may contain (jdk.serialFilter syntax, ending in !*). */
    public void setDeserializationFilter(String deserializationFilter) {
        this.deserializationFilter = deserializationFilter;
    }
}
