package dev.covet.pg.repository;

import dev.covet.pg.client.PgClient;
import dev.covet.pg.client.QueryResult;
import dev.covet.pg.client.StatementOptions;
import dev.covet.pg.sql.Identifiers;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.spi.Configurer;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.spi.Metadata;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Camel's {@link IdempotentRepository} in a PostgreSQL table, on a covetpg component's pool:
 * {@code idempotentConsumer(header("orderId"), repository)} lets each key through once, across
 * every route, CamelContext and JVM that uses the same table and {@code processorName}.
 *
 * <p>The table ({@code tableName}, created when missing unless {@code createTable=false}) has
 * one row per key: {@code (processor_name text, message_id text, created_at timestamptz)}, its
 * primary key {@code (processor_name, message_id)}. {@link #add} is one
 * {@code INSERT ... ON CONFLICT DO NOTHING}: of concurrent adds of one key, on any number of
 * connections, exactly one inserts the row and returns true. Each call is one statement in
 * autocommit and waits for its answer on the calling thread (refused on a Vert.x event loop).
 * Removing old keys is left to the application (e.g. {@code DELETE ... WHERE created_at < ...}).
 */
@Metadata(label = "bean", description = "Idempotent repository in a PostgreSQL table, on a covetpg component's pool.",
          annotations = {"interfaceName=org.apache.camel.spi.IdempotentRepository"})
@Configurer(metadataOnly = true)
public class CovetPgIdempotentRepository extends ServiceSupport implements IdempotentRepository, CamelContextAware {

    /** The table's default name. */
    public static final String DEFAULT_TABLE = "covetpg_message_id";

    private CamelContext camelContext;
    @Metadata(description = "The covetpg component (by name) whose pool the repository uses.", defaultValue = "covetpg")
    private String componentName = "covetpg";
    @Metadata(description = "Names the keys of this repository's users in the shared table; use one name per idempotent consumer"
                            + " that must not see another's keys.", required = true)
    private String processorName;
    @Metadata(description = "The table, optionally schema.table; checked as an identifier, never quoted.", defaultValue = DEFAULT_TABLE)
    private String tableName = DEFAULT_TABLE;
    @Metadata(description = "Create the table at start when it does not exist. With false a missing table fails the start.",
              defaultValue = "true")
    private boolean createTable = true;

    private PgClient client;
    private StatementOptions options;
    private String insert;
    private String select;
    private String delete;
    private String deleteAll;

    public CovetPgIdempotentRepository() {
    }

    public CovetPgIdempotentRepository(String processorName) {
        this.processorName = processorName;
    }

    @Override
    protected void doStart() throws Exception {
        if (processorName == null || processorName.isBlank()) {
            throw new IllegalArgumentException("CovetPgIdempotentRepository needs processorName: the name its keys are kept under in "
                    + tableName);
        }
        String table = Identifiers.table(tableName, "tableName");
        client = Repositories.client(camelContext, componentName, "the idempotent repository " + processorName);
        options = StatementOptions.resolve(client.settings(), "idempotentRepository:" + processorName, null, null, null).onPrimary();
        insert = "INSERT INTO " + table + " (processor_name, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
        select = "SELECT 1 FROM " + table + " WHERE processor_name = $1 AND message_id = $2";
        delete = "DELETE FROM " + table + " WHERE processor_name = $1 AND message_id = $2";
        deleteAll = "DELETE FROM " + table + " WHERE processor_name = $1";
        java.util.Map<String, String> ddl = java.util.Map.of(table, "CREATE TABLE " + table + " (processor_name text NOT NULL,"
                + " message_id text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (processor_name, message_id))");
        if (createTable) {
            Repositories.create(client, ddl);
        } else {
            Repositories.require(client, ddl, "the idempotent repository " + processorName);
        }
    }

    @Override
    protected void doStop() throws Exception {
        client = null;
    }

    private QueryResult run(String sql, List<?> params, String what) {
        PgClient c = client;
        if (c == null) {
            throw new IllegalStateException("CovetPgIdempotentRepository '" + processorName + "' is not started");
        }
        return c.await(c.query(sql, params, options, null), what + " the idempotent repository's table " + tableName);
    }

    /** Adds the key; true when it was not there yet (this caller is the one that goes on). */
    @Override
    public boolean add(String key) {
        return run(insert, List.of(processorName, key), "adding to").rowCount() == 1;
    }

    @Override
    public boolean contains(String key) {
        return !run(select, List.of(processorName, key), "reading").rows().isEmpty();
    }

    @Override
    public boolean remove(String key) {
        return run(delete, List.of(processorName, key), "removing from").rowCount() > 0;
    }

    /** The key is stored by {@link #add}; nothing is left to confirm. */
    @Override
    public boolean confirm(String key) {
        return true;
    }

    /** Removes every key of this {@code processorName} (the other names' keys stay). */
    @Override
    public void clear() {
        run(deleteAll, List.of(processorName), "clearing");
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

    public String getProcessorName() {
        return processorName;
    }

    /** Names this repository's keys in the shared table. */
    public void setProcessorName(String processorName) {
        this.processorName = processorName;
    }

    public String getTableName() {
        return tableName;
    }

    /** The table, optionally schema.table; default covetpg_message_id. */
    public void setTableName(String tableName) {
        this.tableName = tableName;
    }

    public boolean isCreateTable() {
        return createTable;
    }

    /** Whether a missing table is created at start (default) or fails it. */
    public void setCreateTable(boolean createTable) {
        this.createTable = createTable;
    }
}
