package dev.covet.pg;

import org.apache.camel.spi.Metadata;

/** The message headers covetpg reads and writes. */
public final class CovetPgConstants {

    @Metadata(label = "producer", description = "Rows returned by a query (SelectList, SelectOne, SelectValue).", javaType = "long")
    public static final String ROW_COUNT = "CamelCovetPgRowCount";

    @Metadata(label = "producer", description = "Rows inserted, updated or deleted by a statement that changes data.", javaType = "long")
    public static final String UPDATE_COUNT = "CamelCovetPgUpdateCount";

    @Metadata(label = "producer", description = "Rows copied by covetpg:copy FROM STDIN, as the server counted them.", javaType = "long")
    public static final String COPY_COUNT = "CamelCovetPgCopyCount";

    @Metadata(label = "producer", description = "Rows an upserting batch or copy (onConflict) inserted.", javaType = "long")
    public static final String INSERTED_COUNT = "CamelCovetPgInsertedCount";

    @Metadata(label = "producer", description = "Rows an upserting batch or copy with onConflict=update updated (0 with onConflict=nothing,"
                                                + " which leaves the rows already there as they were).", javaType = "long")
    public static final String UPDATED_COUNT = "CamelCovetPgUpdatedCount";

    @Metadata(label = "producer", description = "How many times covetpg:query, batch or copy tried the operation again after a failure that allows it"
                                                + " (no connection, a closed connection, serialization failure, deadlock, server shutdown) before it succeeded;"
                                                + " set only when it did.", javaType = "int")
    public static final String RETRIES = "CamelCovetPgRetries";

    @Metadata(label = "consumer", description = "Index of the chunk this exchange carries (or comes from, with splitRows), from 0.", javaType = "long")
    public static final String CHUNK_INDEX = "CamelCovetPgChunkIndex";

    @Metadata(label = "consumer", description = "Rows routed by this poll so far, this exchange's included.", javaType = "long")
    public static final String ROWS_SO_FAR = "CamelCovetPgRowsSoFar";

    @Metadata(label = "consumer", description = "Whether this exchange carries the poll's last chunk (with splitRows: its last row).", javaType = "boolean")
    public static final String LAST_CHUNK = "CamelCovetPgLastChunk";

    @Metadata(label = "consumer", description = "covetpg:listen: the channel the notification came on, as the server names it.", javaType = "String")
    public static final String CHANNEL = "CamelCovetPgChannel";

    @Metadata(label = "consumer", description = "covetpg:listen: the process id of the server backend that sent the notification"
                                                + " (pg_backend_pid() of the notifying session).", javaType = "int")
    public static final String NOTIFIER_PID = "CamelCovetPgNotifierPid";

    @Metadata(label = "consumer", description = "covetpg:listen: true on the first notification after the listener connected again (a server"
                                                + " restart, a terminated backend); notifications sent while no connection listened are lost,"
                                                + " as PostgreSQL keeps none for a listener that is gone. Not set otherwise.", javaType = "boolean")
    public static final String NOTIFICATIONS_MISSED = "CamelCovetPgNotificationsMissed";

    @Metadata(label = "producer", description = "Positional parameters ($1..$n) for the statement, as a List or array. Takes precedence over a List/array body.",
              javaType = "java.util.List")
    public static final String PARAMETERS = "CamelCovetPgParameters";

    @Metadata(label = "producer", description = "A statement that replaces the endpoint's sql. Honoured only when the endpoint sets allowQueryFromHeader=true,"
                                                + " because a header is input and input may be hostile.",
              javaType = "String")
    public static final String QUERY = "CamelCovetPgQuery";

    private CovetPgConstants() {
    }
}
