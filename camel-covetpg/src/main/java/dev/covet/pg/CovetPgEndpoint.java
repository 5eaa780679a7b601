package dev.covet.pg;

import dev.covet.pg.client.ReadFrom;
import dev.covet.pg.client.StatementOptions;
import dev.covet.pg.copy.CopyFormat;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import java.util.HashMap;
import java.util.Map;
import org.apache.camel.support.ScheduledPollEndpoint;

/** Query, batch and COPY operations on PostgreSQL, on the component's pooled reactive client. */
@UriEndpoint(firstVersion = "0.1.0", scheme = "covetpg", title = "CovetPg", syntax = "covetpg:operation",
             category = { Category.DATABASE }, headersClass = CovetPgConstants.class)
public class CovetPgEndpoint extends ScheduledPollEndpoint {

    @UriPath(description = "The operation: query runs one statement per exchange; batch runs a statement for every row of the body;"
                           + " copy loads the body with COPY FROM STDIN, or reads a COPY TO STDOUT into the body;"
                           + " listen (consumer only) routes the notifications of PostgreSQL channels.")
    @Metadata(required = true)
    private CovetPgOperation operation;

    @UriParam(label = "producer", description = "The statement to run. Parameters are bound, never written into the text: positional $1..$n from a List or array body"
                                                + " (or the CamelCovetPgParameters header), or named :#name from a Map body, then headers, then exchange variables.")
    private String sql;
    @UriParam(label = "producer", defaultValue = "false", description = "Take the statement from the message body (a String) instead of the sql option.")
    private boolean useMessageBodyForSql;
    @UriParam(label = "producer,security", defaultValue = "false",
              description = "Let the CamelCovetPgQuery header replace the statement. Off by default: a header is input, and input may be hostile.")
    private boolean allowQueryFromHeader;
    @UriParam(label = "producer", defaultValue = "SelectList",
              description = "The body after a query: SelectList (List of Map rows), SelectOne (one Map or null), SelectValue (first column of the first row or null),"
                            + " StreamList (an Iterator of Map rows fetched lazily through a cursor, for split().streaming()).")
    private CovetPgOutputType outputType = CovetPgOutputType.SelectList;
    @UriParam(label = "producer", description = "Fully qualified class to map each row to instead of a Map; columns bind to properties by name (snake_case columns to camelCase properties).")
    private String outputClass;
    @UriParam(label = "producer", defaultValue = "1000", description = "Rows fetched per round trip by StreamList.")
    private int fetchSize = 1000;
    @UriParam(label = "producer", javaType = "java.time.Duration",
              description = "Overrides the component's queryTimeout for this endpoint's statements (enforced by the server; 0 means no limit).")
    private Long queryTimeout;
    @UriParam(label = "producer", javaType = "java.time.Duration",
              description = "Overrides the component's commandTimeout for this endpoint (0 means no limit).")
    private Long commandTimeout;

    @UriParam(label = "producer", description = "batch and copy: the table to write the body's rows into (with columns, instead of sql); schema.table allowed."
                                                + " Checked as an identifier, never quoted by covetpg.")
    private String table;
    @UriParam(label = "producer", description = "batch and copy: comma-separated columns of table that each row's values go to, in order (or by name from Map and bean rows)."
                                                + " copy without columns takes all of the table's columns.")
    private String columns;
    @UriParam(label = "producer", description = "batch and copy with table: the columns of the unique key (primary key or unique constraint) that makes"
                                                + " a loaded row one already in the table; with onConflict, the load upserts. Checked as identifiers.")
    private String conflictColumns;
    @UriParam(label = "producer", enums = "nothing,update",
              description = "batch and copy with table: what a row whose key is already in the table does: nothing keeps the row there (with or without"
                            + " conflictColumns), update sets the loaded columns that are not conflictColumns. Unset: a plain insert, which fails on a duplicate key.")
    private String onConflict;
    @UriParam(label = "producer", defaultValue = "1000", description = "batch: parameter sets sent per round trip.")
    private int batchSize = 1000;
    @UriParam(label = "producer", defaultValue = "true",
              description = "batch: run the whole body in one transaction, so a failure leaves nothing behind. false commits each chunk of batchSize on its own.")
    private boolean transacted = true;
    @UriParam(label = "producer,advanced", defaultValue = "false",
              description = "query: the thread that sends the exchange waits for the statement's answer and continues the route itself, instead of"
                            + " handing it to a completion thread: one thread hand-off less per statement for callers that wait anyway (a ProducerTemplate"
                            + " request, a consumer that routes one exchange at a time). A caller that keeps many exchanges in flight from few threads"
                            + " then has one per thread. Not on a completion thread nor on a Vert.x event loop, where the step stays asynchronous. A transacted"
                            + " exchange always waits; batch and copy always feed the connection from the sending thread.")
    private boolean synchronous;

    @UriParam(label = "producer", defaultValue = "text", enums = "text,csv,binary",
              description = "copy: the COPY data format. Rows in the body are encoded in it; bytes in the body (InputStream, byte[], String, File, Path) must already be in it."
                            + " binary needs table (it encodes by column type).")
    private CopyFormat format = CopyFormat.text;
    @UriParam(label = "producer", defaultValue = "in", enums = "in,out",
              description = "copy: in loads the body into the table (COPY FROM STDIN); out reads the table into the body as an InputStream (COPY TO STDOUT)."
                            + " With sql the statement says which.")
    private String direction;

    @UriParam(label = "common", enums = "primary,replica,replicaPreferred",
              description = "Where this endpoint's reads go, instead of the component's readFrom: query statements, StreamList, the consumer's cursor and"
                            + " copy out. Writes (batch, copy in, skipLocked claims, onConsume statements) and everything in a route transaction always go to"
                            + " the primary. A statement a replica refuses as a write (SQLSTATE 25006) runs on the primary instead, with a warning logged once.")
    private String readFrom;

    @UriParam(label = "consumer", defaultValue = "1000", description = "Rows fetched per round trip, and carried per exchange, by the consumer.")
    private int chunkSize = 1000;
    @UriParam(label = "consumer", defaultValue = "false", description = "Route one exchange per row (still fetched chunkSize at a time) instead of one per chunk.")
    private boolean splitRows;
    @UriParam(label = "consumer", defaultValue = "1",
              description = "Chunks the consumer reads ahead of the one being routed (1 to 16). More overlaps fetching with routing, at the cost of memory.")
    private int maxInflightChunks = 1;
    @UriParam(label = "consumer", defaultValue = "false", description = "Route one exchange with an empty list when the query returns no row.")
    private boolean routeEmptyResultSet;
    @UriParam(label = "consumer", description = "Statement run for every row the route processed, with :#column parameters from the row (e.g. UPDATE jobs SET done = true WHERE id = :#id).")
    private String onConsume;
    @UriParam(label = "consumer", description = "Statement run for every row whose exchange failed, with :#column parameters from the row.")
    private String onConsumeFailed;
    @UriParam(label = "consumer", description = "Statement run once after a poll routed all its rows without failure.")
    private String onConsumeBatchComplete;
    @UriParam(label = "consumer", prefix = "parameters.", multiValue = true,
              description = "Values for the consumer query's :#name parameters, e.g. parameters.since=2024-01-01. They are Strings: cast through text in the SQL where another type is needed (:#since::text::date).")
    private Map<String, Object> parameters = new HashMap<>();
    @UriParam(label = "consumer", defaultValue = "false",
              description = "Share the work among several consumers: each chunk is claimed with LIMIT chunkSize FOR UPDATE SKIP LOCKED in its own transaction, which onConsume joins;"
                            + " it commits when the exchange completes and rolls back when it fails. The sql must then be a plain SELECT without LIMIT or FOR.")
    private boolean skipLocked;

    @UriParam(label = "consumer", description = "listen: the channels to LISTEN on, comma-separated, each checked as an identifier"
                                                + " (unquoted names fold to lower case, as in SQL; NOTIFY and pg_notify must name the channel so)."
                                                + " Each notification becomes one exchange: the payload as the body, the channel and the"
                                                + " notifying backend's process id in headers.")
    private String channel;
    @UriParam(label = "consumer", defaultValue = "1000",
              description = "listen and wakeOn: notifications held for the route before covetpg stops reading the connection (1 to 1000000);"
                            + " the server then holds the rest in its notification queue, so a slow route slows the reading instead of"
                            + " growing memory.")
    private int maxPendingNotifications = DEFAULT_MAX_PENDING_NOTIFICATIONS;
    @UriParam(label = "consumer", defaultValue = "30000",
              description = "listen and wakeOn: milliseconds between the SELECT 1 sent on the LISTEN connection; one still unanswered at the"
                            + " next closes the connection and a new one LISTENs (a peer gone without closing the connection is noticed"
                            + " so). 0 sends none (TCP keepalive is then the only check).")
    private long heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
    @UriParam(label = "consumer", description = "query consumer: channels (comma-separated, checked as identifiers) whose notifications start a"
                                                + " poll at once, besides the one every delay; a burst of them starts one poll. The poll on delay"
                                                + " stays the safety net: it finds what was written while no connection listened.")
    private String wakeOn;

    /** The defaults of maxPendingNotifications and heartbeatInterval (the annotations say them too). */
    static final int DEFAULT_MAX_PENDING_NOTIFICATIONS = 1000;
    static final long DEFAULT_HEARTBEAT_INTERVAL = 30_000;

    public CovetPgEndpoint(String uri, CovetPgComponent component, CovetPgOperation operation) {
        super(uri, component);
        this.operation = operation;
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        // a wrong value fails the route's start, naming the allowed ones
        ReadFrom reads = readFrom();
        if (reads != null && reads != ReadFrom.PRIMARY && !getComponent().hasReplicas()) {
            throw new IllegalArgumentException("Invalid readFrom '" + readFrom + "' on " + describe() + ": the component has no replicas"
                    + " (give them in its replicas option or as more hosts in its url); use readFrom=primary or leave it out");
        }
    }

    /** Where this endpoint's reads go; null for the component's readFrom. */
    ReadFrom readFrom() {
        return readFrom == null || readFrom.isBlank() ? null : ReadFrom.parse(readFrom, "readFrom");
    }

    /**
     * Names the endpoint in the slow-query log: the operation and its target, not the whole URI,
     * whose sql (literals included) the log prints separately, masked.
     */
    String describe() {
        String uri = getEndpointUri();
        String scheme = uri.indexOf(':') > 0 ? uri.substring(0, uri.indexOf(':')) : "covetpg"; // covetpg2 for a second component
        return scheme + ":" + operation + (table != null ? "?table=" + table : "");
    }

    @Override
    public CovetPgComponent getComponent() {
        return (CovetPgComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() throws Exception {
        if (operation != CovetPgOperation.listen) {
            String listening = listeningOption();
            if (listening != null) {
                throw new IllegalArgumentException(listening + " is a consumer option (of from(\"covetpg:listen\") and from(\"covetpg:query\")"
                        + " with wakeOn); a producer would ignore it");
            }
        }
        return switch (operation) {
            case query -> new CovetPgQueryProducer(this);
            case batch -> new CovetPgBatchProducer(this);
            case copy -> new CovetPgCopyProducer(this);
            case listen -> throw new IllegalArgumentException("to(\"covetpg:listen\") is not possible: covetpg:listen only consumes;"
                    + " send a notification with covetpg:query?sql=SELECT pg_notify(:#channel, :#payload)");
        };
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        if (operation == CovetPgOperation.listen) {
            CovetPgListenConsumer consumer = new CovetPgListenConsumer(this, processor);
            configureConsumer(consumer);
            return consumer;
        }
        if (operation != CovetPgOperation.query) {
            throw new IllegalArgumentException("from(\"covetpg:" + operation + "\") is not possible: only covetpg:query and covetpg:listen consume");
        }
        CovetPgConsumer consumer = new CovetPgConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    public String getChannel() { return channel; }
    /** listen: the channels. */
    public void setChannel(String channel) { this.channel = channel; }
    public int getMaxPendingNotifications() { return maxPendingNotifications; }
    /** listen and wakeOn: notifications held before reading stops. */
    public void setMaxPendingNotifications(int maxPendingNotifications) { this.maxPendingNotifications = maxPendingNotifications; }
    public String getWakeOn() { return wakeOn; }
    /** query consumer: channels that start a poll. */
    public void setWakeOn(String wakeOn) { this.wakeOn = wakeOn; }

    public long getHeartbeatInterval() { return heartbeatInterval; }
    /** listen and wakeOn: milliseconds between heartbeats on the LISTEN connection; 0 for none. */
    public void setHeartbeatInterval(long heartbeatInterval) { this.heartbeatInterval = heartbeatInterval; }

    /** The first option of listening (channel, wakeOn, maxPendingNotifications, heartbeatInterval) set on this endpoint; null when none is. */
    String listeningOption() {
        if (channel != null) {
            return "channel";
        }
        if (wakeOn != null) {
            return "wakeOn";
        }
        if (maxPendingNotifications != DEFAULT_MAX_PENDING_NOTIFICATIONS) {
            return "maxPendingNotifications";
        }
        return heartbeatInterval != DEFAULT_HEARTBEAT_INTERVAL ? "heartbeatInterval" : null;
    }

    /**
     * A listener on the channels that {@code option} (channel or wakeOn) names, connected and
     * LISTENing, with this endpoint's queue bound and heartbeat; fails as a start-up does.
     */
    dev.covet.pg.client.ChannelListener listen(String channels, String option, Runnable onListeningAgain) {
        java.util.List<String> names = dev.covet.pg.sql.Identifiers.names(channels, option);
        dev.covet.pg.client.PgClient client = getComponent().client();
        dev.covet.pg.client.ChannelListener listener = client.listener(names, checkedMaxPendingNotifications(), checkedHeartbeatInterval(),
                onListeningAgain);
        client.await(listener.start(), "starting to listen on " + names + " (" + option + ")");
        return listener;
    }

    /** heartbeatInterval, failing with the allowed values when it is out of range. */
    long checkedHeartbeatInterval() {
        if (heartbeatInterval < 0) {
            throw new IllegalArgumentException("Invalid heartbeatInterval '" + heartbeatInterval + "': must be 0 (none) or a number of milliseconds");
        }
        return heartbeatInterval;
    }

    /** maxPendingNotifications, failing with the allowed values when it is out of range. */
    int checkedMaxPendingNotifications() {
        if (maxPendingNotifications < 1 || maxPendingNotifications > 1_000_000) {
            throw new IllegalArgumentException("Invalid maxPendingNotifications '" + maxPendingNotifications + "': must be between 1 and 1000000");
        }
        return maxPendingNotifications;
    }

    public int getChunkSize() { return chunkSize; }
    public String getReadFrom() { return readFrom; }
    /** Where this endpoint's reads go. */
    public void setReadFrom(String readFrom) { this.readFrom = readFrom; }
    /** consumer: rows per chunk. */
    public void setChunkSize(int chunkSize) { this.chunkSize = chunkSize; }
    public boolean isSplitRows() { return splitRows; }
    /** consumer: one exchange per row. */
    public void setSplitRows(boolean splitRows) { this.splitRows = splitRows; }
    public int getMaxInflightChunks() { return maxInflightChunks; }
    /** consumer: chunks read ahead. */
    public void setMaxInflightChunks(int maxInflightChunks) { this.maxInflightChunks = maxInflightChunks; }
    public boolean isRouteEmptyResultSet() { return routeEmptyResultSet; }
    /** consumer: route an empty result. */
    public void setRouteEmptyResultSet(boolean routeEmptyResultSet) { this.routeEmptyResultSet = routeEmptyResultSet; }
    public String getOnConsume() { return onConsume; }
    /** consumer: statement per processed row. */
    public void setOnConsume(String onConsume) { this.onConsume = onConsume; }
    public String getOnConsumeFailed() { return onConsumeFailed; }
    /** consumer: statement per failed row. */
    public void setOnConsumeFailed(String onConsumeFailed) { this.onConsumeFailed = onConsumeFailed; }
    public String getOnConsumeBatchComplete() { return onConsumeBatchComplete; }
    /** consumer: statement after a complete poll. */
    public void setOnConsumeBatchComplete(String onConsumeBatchComplete) { this.onConsumeBatchComplete = onConsumeBatchComplete; }
    public Map<String, Object> getParameters() { return parameters; }
    /** consumer: values of the query's named parameters. */
    public void setParameters(Map<String, Object> parameters) { this.parameters = parameters; }
    public boolean isSkipLocked() { return skipLocked; }
    /** consumer: claim chunks with FOR UPDATE SKIP LOCKED. */
    public void setSkipLocked(boolean skipLocked) { this.skipLocked = skipLocked; }
    public CopyFormat getFormat() { return format; }
    /** copy: the COPY data format. */
    public void setFormat(CopyFormat format) { this.format = format; }
    public String getDirection() { return direction; }
    /** copy: in (COPY FROM STDIN) or out (COPY TO STDOUT). */
    public void setDirection(String direction) { this.direction = direction; }
    public String getTable() { return table; }
    /** batch: the table to insert into. */
    public void setTable(String table) { this.table = table; }
    public String getConflictColumns() { return conflictColumns; }
    /** batch and copy: the unique key's columns for an upsert. */
    public void setConflictColumns(String conflictColumns) { this.conflictColumns = conflictColumns; }
    public String getOnConflict() { return onConflict; }
    /** batch and copy: nothing or update on a duplicate key. */
    public void setOnConflict(String onConflict) { this.onConflict = onConflict; }
    public String getColumns() { return columns; }
    /** batch: the columns of table. */
    public void setColumns(String columns) { this.columns = columns; }
    public int getBatchSize() { return batchSize; }
    /** batch: parameter sets per round trip. */
    public void setBatchSize(int batchSize) { this.batchSize = batchSize; }
    public boolean isTransacted() { return transacted; }
    public boolean isSynchronous() { return synchronous; }
    /** query: wait for the answer on the sending thread. */
    public void setSynchronous(boolean synchronous) { this.synchronous = synchronous; }
    /** batch: one transaction for the whole body. */
    public void setTransacted(boolean transacted) { this.transacted = transacted; }
    public CovetPgOperation getOperation() { return operation; }
    /** The operation: query runs one statement per exchange. */
    public void setOperation(CovetPgOperation operation) { this.operation = operation; }
    public String getSql() { return sql; }
    /** The statement to run; parameters are bound, never written into the text. */
    public void setSql(String sql) { this.sql = sql; }
    public boolean isUseMessageBodyForSql() { return useMessageBodyForSql; }
    /** Take the statement from the message body. */
    public void setUseMessageBodyForSql(boolean useMessageBodyForSql) { this.useMessageBodyForSql = useMessageBodyForSql; }
    public boolean isAllowQueryFromHeader() { return allowQueryFromHeader; }
    /** Let the CamelCovetPgQuery header replace the statement. */
    public void setAllowQueryFromHeader(boolean allowQueryFromHeader) { this.allowQueryFromHeader = allowQueryFromHeader; }
    public CovetPgOutputType getOutputType() { return outputType; }
    /** The body after a query. */
    public void setOutputType(CovetPgOutputType outputType) { this.outputType = outputType; }
    public String getOutputClass() { return outputClass; }
    /** Class to map each row to. */
    public void setOutputClass(String outputClass) { this.outputClass = outputClass; }
    public int getFetchSize() { return fetchSize; }
    /** Rows fetched per round trip by StreamList. */
    public void setFetchSize(int fetchSize) { this.fetchSize = fetchSize; }
    public Long getQueryTimeout() { return queryTimeout; }
    /** Overrides the component's queryTimeout. */
    public void setQueryTimeout(Long queryTimeout) { this.queryTimeout = queryTimeout; }
    public Long getCommandTimeout() { return commandTimeout; }
    /** Overrides the component's commandTimeout. */
    public void setCommandTimeout(Long commandTimeout) { this.commandTimeout = commandTimeout; }

    /**
     * Starts {@code producer} unless it runs: a producer first asked for while the context stops
     * (a toD step, or a ProducerTemplate, of an exchange still in flight) is only initialized by
     * Camel, its start deferred to a context start that never comes, so the exchange a graceful
     * stop waits for would fail. {@code start()} holds the producer's lock: an exchange that meets
     * a start under way in another thread waits for it, and one that meets a start that failed
     * tries it again and fails with its error (never running on what it had set before it threw).
     */
    static void startUnlessStarted(org.apache.camel.support.service.BaseService producer) {
        if (!producer.isStarted()) {
            producer.start();
            if (!producer.isStarted()) {
                throw new IllegalStateException("A covetpg producer could not be started (it is " + producer.getStatus() + ")");
            }
        }
    }

    /**
     * How this endpoint's statements run, resolved against the started component's settings: its
     * producer or consumer calls this once when it starts and keeps the value.
     */
    StatementOptions statementOptions() {
        return StatementOptions.resolve(getComponent().client().settings(), describe(), readFrom(), commandTimeout, queryTimeout);
    }
}
