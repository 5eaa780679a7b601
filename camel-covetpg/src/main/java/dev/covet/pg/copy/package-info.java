/**
 * PostgreSQL COPY FROM STDIN and COPY TO STDOUT over a pooled Vert.x {@code SqlConnection}.
 *
 * <p>vertx-pg-client has no COPY API and its decoder does not know the COPY messages, so this
 * package extends the protocol from outside: for the length of one COPY a Netty handler sits in
 * front of the Vert.x handler named {@code "codec"}, takes the COPY messages (CopyInResponse,
 * CopyOutResponse, CopyData, CopyDone) and writes CopyData, CopyDone or CopyFail itself. The
 * statement itself is sent with the ordinary {@code connection.query(sql).execute()}, so Vert.x
 * still parses CommandComplete (the row count) and ErrorResponse (a {@code PgException}), and
 * the connection goes back to normal work at ReadyForQuery.
 *
 * <p>Vert.x internals: the connection's socket comes from
 * {@link dev.covet.pg.wire.SocketAccess#socketOf}, and {@code CopySession} uses
 * that internal {@code SocketConnectionBase} itself (its channel, its event-loop context, its count
 * of commands in flight, the suspension of its command pipeline). Those members, and the
 * {@code "codec"} handler, are among what {@link dev.covet.pg.wire.SocketAccess#check} verifies on
 * the first connection of every pool (written against vertx-pg-client 4.5.28). Of Netty, only its
 * public API is used.
 *
 * <p>Threading: {@link dev.covet.pg.copy.CopyIn#start} and {@link dev.covet.pg.copy.CopyOut#start}
 * and the streams they return block their caller and refuse to run on an event loop. Each stream
 * is for one thread at a time.
 *
 * <p>A COPY needs its connection to itself. Starting one on a connection that has commands in
 * flight is refused with IllegalStateException, not waited for: the caller owns those commands
 * and can await them. Commands issued on the connection while the COPY runs are queued by Vert.x
 * and run after it. Always end a stream (finish, abort, read to -1, or close): until then the
 * connection belongs to the COPY.
 *
 * <p>Known limits: COPY BOTH
 * (replication) is refused; a statement must be a single COPY. Closing a copy-out before its end
 * cancels it; when the COPY ended on its own before the cancel took effect, the connection is
 * closed (the pool opens another), because the cancel request still on its way would hit the next
 * statement, as it can with libpq or pgjdbc.
 */
package dev.covet.pg.copy;
