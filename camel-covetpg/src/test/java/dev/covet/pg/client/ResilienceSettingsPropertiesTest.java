package dev.covet.pg.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.covet.pg.Samples;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Properties of the retry settings: the wait before each retry, and the refusal of settings that make no sense. */
@Tag("fast")
class ResilienceSettingsPropertiesTest {

    private static final int TRIES = 300;

    private static final long DAY = 86_400_000L;

    /** A first backoff of 0 to a day, a longest wait up to a day longer, and a retry of 1 to 100. */
    record Wait(long backoff, long extra, int retry) {
    }

    @Test
    void theWaitDoublesFromTheFirstBackoffUpToTheLongestWithAtMostAQuarterOfJitter() {
        Samples.check(TRIES, r -> new Wait(Samples.between(r, 0, DAY), Samples.between(r, 0, DAY), Samples.between(r, 1, 100)), w -> {
            long longest = w.backoff() + w.extra();
            ResilienceSettings settings = new ResilienceSettings(List.of(), ReadFrom.PRIMARY, 5_000, 3, w.backoff(), longest, 0, 1_000);

            long wait = settings.backoff(w.retry());

            // backoff * 2^(retry - 1), without overflow, capped at the longest wait
            long doubled = BigInteger.valueOf(w.backoff()).shiftLeft(Math.min(20, w.retry() - 1)).min(BigInteger.valueOf(longest)).longValueExact();
            assertThat(wait).isBetween(doubled - doubled / 4, doubled);
        }, new Wait(0, 0, 1), new Wait(0, DAY, 100), new Wait(1, 0, 1), new Wait(1, DAY, 100), new Wait(DAY, 0, 1), new Wait(DAY, DAY, 100),
                new Wait(1, DAY, 1), new Wait(100, DAY, 3), new Wait(1, DAY, 21), new Wait(1, DAY, 64));
    }

    /** A negative count, an interval shorter than 100ms, and a first backoff of 1ms to a day. */
    record Senseless(int negative, long tooShort, long backoff) {
    }

    @Test
    void settingsThatMakeNoSenseAreRefusedNamingTheOption() {
        Samples.check(TRIES, r -> new Senseless((int) Samples.between(r, (long) Integer.MIN_VALUE, -1L), Samples.between(r, 0, 99L),
                Samples.between(r, 1, DAY)), s -> {
                    int negative = s.negative();
                    long tooShort = s.tooShort();
                    long backoff = s.backoff();
                    assertThatThrownBy(() -> new ResilienceSettings(List.of(), ReadFrom.PRIMARY, 5_000, negative, 100, 2_000, 0, 1_000))
                            .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("Invalid maxRetries '" + negative + "'");
                    assertThatThrownBy(() -> new ResilienceSettings(List.of(), ReadFrom.PRIMARY, tooShort, 0, 100, 2_000, 0, 1_000))
                            .hasMessageStartingWith("Invalid replicaCheckInterval '" + tooShort + "'").hasMessageContaining("at least 100ms");
                    assertThatThrownBy(() -> new ResilienceSettings(List.of(), ReadFrom.PRIMARY, 5_000, 0, backoff, backoff - 1, 0, 1_000))
                            .hasMessageStartingWith("Invalid retryMaxBackoff '" + (backoff - 1) + "'").hasMessageContaining("at least retryBackoff");
                    assertThatThrownBy(() -> new ResilienceSettings(List.of(), ReadFrom.PRIMARY, 5_000, 0, 100, 2_000, negative, 1_000))
                            .hasMessageStartingWith("Invalid circuitBreakerThreshold '" + negative + "'");
                    assertThatThrownBy(() -> new ResilienceSettings(List.of(), ReadFrom.PRIMARY, 5_000, 0, 100, 2_000, 0, tooShort))
                            .hasMessageStartingWith("Invalid circuitBreakerProbeInterval '" + tooShort + "'");
                }, new Senseless(Integer.MIN_VALUE, 0, 1), new Senseless(-1, 99, DAY), new Senseless(-1, 0, 1));
    }

    /** Every value of ReadFrom, each once: there are few. */
    @Test
    void readingFromReplicasNeedsReplicas() {
        Samples.check(0, r -> ReadFrom.PRIMARY, readFrom -> {
            if (readFrom == ReadFrom.PRIMARY) {
                assertThat(new ResilienceSettings(List.of(), readFrom, 5_000, 0, 100, 2_000, 0, 1_000).readFrom()).isEqualTo(readFrom);
            } else {
                assertThatThrownBy(() -> new ResilienceSettings(List.of(), readFrom, 5_000, 0, 100, 2_000, 0, 1_000))
                        .hasMessageStartingWith("Invalid readFrom").hasMessageContaining("replicas");
                assertThat(new ResilienceSettings(List.of(new HostPort("replica", 5432)), readFrom, 5_000, 0, 100, 2_000, 0, 1_000).readFrom())
                        .isEqualTo(readFrom);
            }
        }, ReadFrom.values());
    }
}
