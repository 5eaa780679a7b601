package dev.covet.pg.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.pgclient.PgException;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;

/**
 * Properties of retry classification, the rule that keeps a retry from running a statement twice:
 * retried only when it certainly did not take effect, or could not have written anything.
 * Failures are built as they reach the client, wrapped in any number of layers.
 */
@Tag("fast")
class RetryClassificationPropertiesTest {

    /** Serialization failure, deadlock, shutdowns, and the connection exceptions class: the server did not run the statement. */
    private static final Set<String> TRANSIENT_STATES = Set.of("40001", "40P01", "57P01", "57P02", "57P03", "08000", "08001", "08003",
            "08004", "08006");

    @Property
    void aTransientServerErrorIsRetriedWhereverItIsInTheCauses(@ForAll("transientStates") String state, @ForAll("wrappers") List<UnaryOperator<Throwable>> layers,
            @ForAll boolean onReplica, @ForAll boolean repeatable) {
        Throwable failure = wrap(new PgException("made to fail", "ERROR", state, null), layers);
        assertThat(Retry.classify(failure, onReplica, repeatable)).isEqualTo(Retry.Kind.TRANSIENT);
        assertThat(Retry.reason(failure, Retry.Kind.TRANSIENT)).isEqualTo(state);
        CovetPgException translated = new CovetPgException("made to fail", failure, state, null, null, null, null, null, null);
        assertThat(Retry.classify(translated, onReplica, repeatable)).isEqualTo(Retry.Kind.TRANSIENT);
    }

    @Property
    void anyOtherServerErrorIsFinalButAReadOnlyRefusalOnAReplicaGoesToThePrimary(@ForAll("otherStates") String state,
            @ForAll("wrappers") List<UnaryOperator<Throwable>> layers, @ForAll boolean onReplica, @ForAll boolean repeatable) {
        Throwable failure = wrap(new PgException("refused", "ERROR", state, null), layers);
        Retry.Kind expected = state.equals("25006") && onReplica ? Retry.Kind.TO_PRIMARY : Retry.Kind.FINAL;
        assertThat(Retry.classify(failure, onReplica, repeatable)).isEqualTo(expected);
    }

    @Property
    void aConnectionLostAfterSendingIsRetriedOnlyWhereTheStatementCouldNotHaveWritten(@ForAll("lostConnections") IOException lost,
            @ForAll("wrappers") List<UnaryOperator<Throwable>> layers, @ForAll boolean onReplica, @ForAll boolean repeatable) {
        Throwable failure = wrap(lost, layers);
        Retry.Kind kind = Retry.classify(failure, onReplica, repeatable);
        assertThat(kind).isEqualTo(onReplica || repeatable ? Retry.Kind.TRANSIENT : Retry.Kind.LOST);
        assertThat(Retry.classify(new CovetPgConnectionException("lost", failure), onReplica, repeatable)).isEqualTo(kind);
    }

    @Property
    void aConnectionThatCouldNotBeMadeIsRetriedWhateverTheStatement(@ForAll("unreachable") IOException unreachable,
            @ForAll("wrappers") List<UnaryOperator<Throwable>> layers, @ForAll boolean onReplica, @ForAll boolean repeatable) {
        assertThat(Retry.classify(wrap(unreachable, layers), onReplica, repeatable)).isEqualTo(Retry.Kind.TRANSIENT);
        assertThat(Retry.classify(wrap(new javax.net.ssl.SSLHandshakeException("bad certificate"), layers), onReplica, repeatable))
                .as("TLS set up wrong: trying again changes nothing").isEqualTo(Retry.Kind.FINAL);
    }

    @Property
    void whatFailsBeforeAnyStatementIsSentOrAfterItsOutcomeIsUnknownIsNeverRetried(@ForAll("finalFailures") Throwable failure,
            @ForAll boolean onReplica, @ForAll boolean repeatable) {
        assertThat(Retry.classify(failure, onReplica, repeatable)).isEqualTo(Retry.Kind.FINAL);
    }

    private static Throwable wrap(Throwable failure, List<UnaryOperator<Throwable>> layers) {
        Throwable t = failure;
        for (UnaryOperator<Throwable> layer : layers) {
            t = layer.apply(t);
        }
        return t;
    }

    @Provide
    Arbitrary<String> transientStates() {
        return Arbitraries.of(List.copyOf(TRANSIENT_STATES));
    }

    @Provide
    Arbitrary<String> otherStates() {
        Arbitrary<String> any = Arbitraries.strings().withCharRange('0', '9').withCharRange('A', 'Z').ofLength(5);
        return Arbitraries.oneOf(any, Arbitraries.of("23505", "22P02", "42P01", "25006", "57014", "53300", "XX000", "0A000", "40002"))
                .filter(s -> !TRANSIENT_STATES.contains(s));
    }

    /** The layers a failure can come through: futures, plain wrappers, none. */
    @Provide
    Arbitrary<List<UnaryOperator<Throwable>>> wrappers() {
        UnaryOperator<Throwable> completion = CompletionException::new;
        UnaryOperator<Throwable> runtime = t -> new RuntimeException("while running", t);
        UnaryOperator<Throwable> io = t -> new IllegalStateException(t);
        return Arbitraries.of(completion, runtime, io).list().ofMaxSize(3);
    }

    @Provide
    Arbitrary<IOException> lostConnections() {
        Arbitrary<String> message = Arbitraries.strings().alpha().withChars(' ').ofMaxLength(20);
        return Arbitraries.oneOf(message.map(IOException::new), message.map(SocketException::new), message.map(EOFException::new),
                message.map(SocketTimeoutException::new), Arbitraries.just(new ClosedChannelException()));
    }

    @Provide
    Arbitrary<IOException> unreachable() {
        Arbitrary<String> message = Arbitraries.strings().alpha().ofMaxLength(20);
        return Arbitraries.oneOf(message.map(ConnectException::new), message.map(UnknownHostException::new));
    }

    /** An open circuit, no replica, an exhausted pool, a timeout, an unknown outcome: whatever caused them. */
    @Provide
    Arbitrary<Throwable> finalFailures() {
        Arbitrary<Throwable> cause = Arbitraries.oneOf(lostConnections().map(e -> (Throwable) e), unreachable().map(e -> (Throwable) e),
                transientStates().map(s -> (Throwable) new PgException("x", "ERROR", s, null)));
        return Arbitraries.oneOf(Arbitraries.just(new CovetPgCircuitOpenException("open")), Arbitraries.just(new CovetPgNoReplicaException("none")),
                cause.map(c -> new CovetPgPoolExhaustedException("exhausted", c)),
                cause.map(c -> new CovetPgTimeoutException("timed out", c, "57014")),
                cause.map(c -> new CovetPgUnknownOutcomeException("unknown", c)));
    }
}
