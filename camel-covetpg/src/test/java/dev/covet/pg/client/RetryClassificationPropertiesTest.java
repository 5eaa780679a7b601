package dev.covet.pg.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.Samples;
import io.vertx.pgclient.PgException;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Properties of retry classification, the rule that keeps a retry from running a statement twice:
 * retried only when it certainly did not take effect, or could not have written anything.
 * Failures are built as they reach the client, wrapped in any number of layers.
 */
@Tag("fast")
class RetryClassificationPropertiesTest {

    /** Serialization failure, deadlock, shutdowns, and the connection exceptions class: the server did not run the statement. */
    private static final int TRIES = 300;

    private static final Set<String> TRANSIENT_STATES = Set.of("40001", "40P01", "57P01", "57P02", "57P03", "08000", "08001", "08003",
            "08004", "08006");

    /** The same, in a fixed order, so that a seed draws the same states in every run. */
    private static final String[] TRANSIENT = TRANSIENT_STATES.stream().sorted().toArray(String[]::new);

    /** A failure as it is made, the layers it comes through, and where and what the statement was. */
    record Case<T>(T failure, List<Layer> layers, boolean onReplica, boolean repeatable) {
        Throwable wrapped() {
            return wrap((Throwable) failure, layers);
        }
    }

    private static <T> Samples.Gen<Case<T>> cases(Samples.Gen<T> failure) {
        return r -> new Case<>(failure.apply(r), layers(r), r.nextBoolean(), r.nextBoolean());
    }

    /** The given failures, through no layer and through all three, on a primary and a replica, repeatable or not. */
    @SafeVarargs
    private static <T> Case<T>[] edges(T... failures) {
        List<Case<T>> cases = new ArrayList<>();
        for (T failure : failures) {
            for (List<Layer> layers : List.of(List.<Layer>of(), List.of(Layer.values()))) {
                for (boolean onReplica : new boolean[] {false, true}) {
                    for (boolean repeatable : new boolean[] {false, true}) {
                        cases.add(new Case<>(failure, layers, onReplica, repeatable));
                    }
                }
            }
        }
        @SuppressWarnings("unchecked")
        Case<T>[] array = cases.toArray(Case[]::new);
        return array;
    }

    @Test
    void aTransientServerErrorIsRetriedWhereverItIsInTheCauses() {
        Samples.check(TRIES, cases(r -> Samples.pick(r, TRANSIENT)), c -> {
            String state = c.failure();
            Throwable failure = wrap(new PgException("made to fail", "ERROR", state, null), c.layers());
            assertThat(Retry.classify(failure, c.onReplica(), c.repeatable())).isEqualTo(Retry.Kind.TRANSIENT);
            assertThat(Retry.reason(failure, Retry.Kind.TRANSIENT)).isEqualTo(state);
            CovetPgException translated = new CovetPgException("made to fail", failure, state, null, null, null, null, null, null);
            assertThat(Retry.classify(translated, c.onReplica(), c.repeatable())).isEqualTo(Retry.Kind.TRANSIENT);
        }, edges(TRANSIENT));
    }

    @Test
    void anyOtherServerErrorIsFinalButAReadOnlyRefusalOnAReplicaGoesToThePrimary() {
        Samples.check(TRIES, cases(RetryClassificationPropertiesTest::otherState), c -> {
            String state = c.failure();
            Throwable failure = wrap(new PgException("refused", "ERROR", state, null), c.layers());
            Retry.Kind expected = state.equals("25006") && c.onReplica() ? Retry.Kind.TO_PRIMARY : Retry.Kind.FINAL;
            assertThat(Retry.classify(failure, c.onReplica(), c.repeatable())).isEqualTo(expected);
        }, edges(OTHER_STATES));
    }

    @Test
    void aConnectionLostAfterSendingIsRetriedOnlyWhereTheStatementCouldNotHaveWritten() {
        Samples.check(TRIES, cases(RetryClassificationPropertiesTest::lostConnection), c -> {
            Throwable failure = c.wrapped();
            Retry.Kind kind = Retry.classify(failure, c.onReplica(), c.repeatable());
            assertThat(kind).isEqualTo(c.onReplica() || c.repeatable() ? Retry.Kind.TRANSIENT : Retry.Kind.LOST);
            assertThat(Retry.classify(new CovetPgConnectionException("lost", failure), c.onReplica(), c.repeatable())).isEqualTo(kind);
        }, edges(new IOException(""), new SocketException("reset"), new EOFException(), new SocketTimeoutException("read"), new ClosedChannelException()));
    }

    @Test
    void aConnectionThatCouldNotBeMadeIsRetriedWhateverTheStatement() {
        Samples.check(TRIES, cases(RetryClassificationPropertiesTest::unreachable), c -> {
            assertThat(Retry.classify(c.wrapped(), c.onReplica(), c.repeatable())).isEqualTo(Retry.Kind.TRANSIENT);
            assertThat(Retry.classify(wrap(new javax.net.ssl.SSLHandshakeException("bad certificate"), c.layers()), c.onReplica(), c.repeatable()))
                    .as("TLS set up wrong: trying again changes nothing").isEqualTo(Retry.Kind.FINAL);
        }, edges(new ConnectException(), new UnknownHostException("")));
    }

    @Test
    void whatFailsBeforeAnyStatementIsSentOrAfterItsOutcomeIsUnknownIsNeverRetried() {
        Samples.check(TRIES, cases(RetryClassificationPropertiesTest::finalFailure),
                c -> assertThat(Retry.classify(c.failure(), c.onReplica(), c.repeatable())).isEqualTo(Retry.Kind.FINAL),
                edges(new CovetPgCircuitOpenException("open"), new CovetPgNoReplicaException("none"),
                        new CovetPgPoolExhaustedException("exhausted", new PgException("x", "ERROR", "40001", null)),
                        new CovetPgTimeoutException("timed out", new SocketTimeoutException("read"), "57014"),
                        new CovetPgUnknownOutcomeException("unknown", new IOException("reset"))));
    }

    private static Throwable wrap(Throwable failure, List<Layer> layers) {
        Throwable t = failure;
        for (Layer layer : layers) {
            t = layer.apply(t);
        }
        return t;
    }

    // generators

    private static final String[] OTHER_STATES = {"23505", "22P02", "42P01", "25006", "57014", "53300", "XX000", "0A000", "40002"};

    private static final String[] STATE_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".split("");

    static String otherState(Random r) {
        return Samples.suchThat(r, g -> g.nextBoolean() ? Samples.pick(g, OTHER_STATES) : String.join("", List.of(Samples.pick(g, STATE_CHARS),
                Samples.pick(g, STATE_CHARS), Samples.pick(g, STATE_CHARS), Samples.pick(g, STATE_CHARS), Samples.pick(g, STATE_CHARS))),
                s -> !TRANSIENT_STATES.contains(s));
    }

    /** The layers a failure can come through: futures, plain wrappers. */
    enum Layer implements UnaryOperator<Throwable> {
        COMPLETION(CompletionException::new), RUNTIME(t -> new RuntimeException("while running", t)), ILLEGAL_STATE(IllegalStateException::new);

        private final Function<Throwable, Throwable> wrapper;

        Layer(Function<Throwable, Throwable> wrapper) {
            this.wrapper = wrapper;
        }

        @Override
        public Throwable apply(Throwable t) {
            return wrapper.apply(t);
        }
    }

    /** None to three layers. */
    static List<Layer> layers(Random r) {
        List<Layer> layers = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            layers.add(Samples.pick(r, Layer.values()));
        }
        return layers;
    }

    private static final String[] ALPHA = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".split("");

    static IOException lostConnection(Random r) {
        String message = Samples.text(r, 20, (String.join("", ALPHA) + " ").split(""));
        return switch (r.nextInt(5)) {
            case 0 -> new IOException(message);
            case 1 -> new SocketException(message);
            case 2 -> new EOFException(message);
            case 3 -> new SocketTimeoutException(message);
            default -> new ClosedChannelException();
        };
    }

    static IOException unreachable(Random r) {
        String message = Samples.text(r, 20, ALPHA);
        return r.nextBoolean() ? new ConnectException(message) : new UnknownHostException(message);
    }

    /** An open circuit, no replica, an exhausted pool, a timeout, an unknown outcome: whatever caused them. */
    static Throwable finalFailure(Random r) {
        Throwable cause = switch (r.nextInt(3)) {
            case 0 -> lostConnection(r);
            case 1 -> unreachable(r);
            default -> new PgException("x", "ERROR", Samples.pick(r, TRANSIENT), null);
        };
        return switch (r.nextInt(5)) {
            case 0 -> new CovetPgCircuitOpenException("open");
            case 1 -> new CovetPgNoReplicaException("none");
            case 2 -> new CovetPgPoolExhaustedException("exhausted", cause);
            case 3 -> new CovetPgTimeoutException("timed out", cause, "57014");
            default -> new CovetPgUnknownOutcomeException("unknown", cause);
        };
    }
}
