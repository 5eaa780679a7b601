package dev.covet.pg;

import dev.covet.pg.client.BatchLoader;
import dev.covet.pg.client.PerSetStatement;
import dev.covet.pg.client.PgSession;
import dev.covet.pg.client.OnConflict;
import dev.covet.pg.client.UnnestInsert;
import dev.covet.pg.sql.Identifiers;
import dev.covet.pg.sql.NamedParameters;
import dev.covet.pg.sql.ParsedSql;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.support.PluginHelper;

/**
 * {@code covetpg:batch}: one statement for every parameter set in the body, {@code batchSize}
 * sets per round trip, all-or-nothing unless {@code transacted=false}. With {@code table} and
 * {@code columns} the insert is built here, as one {@code unnest} statement per chunk.
 *
 * <p>The body is read on the calling route thread, which waits for each chunk: that is the
 * back-pressure that keeps a body of any size in bounded memory. Called on an event loop, the
 * work moves to the component's executor first.
 */
public class CovetPgBatchProducer extends BulkProducer {

    private ParsedSql statement;
    private String table;
    private List<String> columns;
    private RowValues rows;
    /** The upsert of a table load; null for a plain insert. */
    private OnConflict conflict;

    public CovetPgBatchProducer(CovetPgEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        CovetPgEndpoint e = getEndpoint();
        boolean hasSql = targetIsSql("either sql, or table (and optionally columns)");
        if (e.getBatchSize() < 1) {
            throw new IllegalArgumentException("Invalid batchSize '" + e.getBatchSize() + "': must be 1 or more");
        }
        conflict = OnConflict.of(e.getConflictColumns(), e.getOnConflict());
        if (hasSql) {
            if (conflict != null) {
                throw new IllegalArgumentException("conflictColumns and onConflict upsert into a table: covetpg:batch with sql says its own"
                        + " ON CONFLICT, or use table and columns");
            }
            statement = NamedParameters.parse(e.getSql());
        } else {
            table = Identifiers.table(e.getTable(), "table");
            columns = e.getColumns() == null || e.getColumns().isBlank() ? null : Identifiers.columns(e.getColumns(), "columns");
        }
        rows = new RowValues(PluginHelper.getBeanIntrospection(e.getCamelContext()));
    }

    @Override
    protected boolean ownTransaction() {
        return getEndpoint().isTransacted();
    }

    @Override
    protected void run(Exchange exchange) throws Exception {
        CovetPgEndpoint e = getEndpoint();
        Iterator<?> items = BodyItems.of(exchange.getMessage().getBody());
        long count = 0;
        UnnestInsert upsert = null;
        if (items.hasNext()) {
            PgSession transaction = transaction(exchange);
            PgSession session = transaction != null ? transaction : openSession(false);
            session.limitStatements(options.ownQueryTimeout());
            try {
                BatchLoader.ChunkStatement chunkStatement;
                Iterator<List<Object>> sets;
                if (statement != null) {
                    chunkStatement = new PerSetStatement(statement.sql());
                    sets = map(items, (item, index) -> statementSet(item, index));
                } else {
                    TableColumns target = TableColumns.resolve(session, table, columns);
                    upsert = new UnnestInsert(table, target.columns(), target.names(), target.types(), conflict);
                    chunkStatement = upsert;
                    sets = map(items, (item, index) -> rows.read(item, index, target.names()));
                }
                BatchLoader.Mode mode = transaction != null ? BatchLoader.Mode.JOINED
                        : e.isTransacted() ? BatchLoader.Mode.WHOLE_BODY : BatchLoader.Mode.PER_CHUNK;
                count = new BatchLoader(session, chunkStatement, e.getBatchSize(), mode).load(sets);
            } finally {
                if (transaction == null) {
                    session.close();
                } else {
                    session.unlimitStatements();
                }
            }
        }
        exchange.getMessage().setHeader(CovetPgConstants.UPDATE_COUNT, count);
        if (conflict != null) {
            exchange.getMessage().setHeader(CovetPgConstants.INSERTED_COUNT, upsert == null ? 0L : upsert.inserted());
            exchange.getMessage().setHeader(CovetPgConstants.UPDATED_COUNT, upsert == null ? 0L : upsert.updated());
        }
    }

    private List<Object> statementSet(Object item, long index) {
        if (!statement.hasNamedParameters()) {
            List<Object> set = statement.positionalCount() == 1 && !(item instanceof List<?>) && !(item instanceof Object[])
                    ? java.util.Collections.singletonList(item) : BodyItems.positional(item, index);
            if (set.size() != statement.positionalCount()) {
                throw new IllegalArgumentException("Row " + index + " of the body has " + set.size() + " value(s) but the statement expects "
                        + statement.positionalCount());
            }
            return set;
        }
        List<Object> set = new ArrayList<>(statement.names().size());
        for (String name : statement.names()) {
            set.add(rows.value(item, name, index));
        }
        return set;
    }

    private interface SetMapper {
        List<Object> apply(Object item, long index);
    }

    private static Iterator<List<Object>> map(Iterator<?> items, SetMapper mapper) {
        return new Iterator<>() {
            private long index;

            @Override
            public boolean hasNext() {
                return items.hasNext();
            }

            @Override
            public List<Object> next() {
                return mapper.apply(items.next(), index++);
            }
        };
    }
}
