/**
 * The socket under a pooled Vert.x connection: the package that knows Vert.x's internals (the
 * {@code copy} package gets the socket through it and uses only members checked here). It is written against
 * vertx-pg-client 4.5.28; {@link dev.covet.pg.wire.SocketAccess#check} verifies on the first
 * connection of every pool that what it relies on is still there.
 *
 * <ul>
 *   <li>{@link dev.covet.pg.wire.TypeDescriptions} rewrites the server's type descriptions so
 *       that the driver binds and reads every value exactly (see there why);</li>
 *   <li>{@link dev.covet.pg.wire.BoundParameters} gives the driver each parameter in the form
 *       its declared type needs, converting by {@link dev.covet.pg.types} and never narrowing;</li>
 *   <li>{@link dev.covet.pg.wire.StatementCache} forgets a cached statement whose types went stale;</li>
 *   <li>{@link dev.covet.pg.wire.FlushCoalescing} and {@link dev.covet.pg.wire.KeepAlive} set up
 *       the socket itself;</li>
 *   <li>{@link dev.covet.pg.wire.GuardedDriver} puts an {@link dev.covet.pg.wire.AuthenticationGuard}
 *       on each new socket, which refuses what {@link dev.covet.pg.wire.AuthRequirements} does not
 *       allow before the driver answers the server.</li>
 * </ul>
 */
package dev.covet.pg.wire;
