package dev.covet.pg.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Tag;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Properties of the retry settings: the wait before each retry, and the refusal of settings that make no sense. */
@Tag("fast")
class ResilienceSettingsPropertiesTest {

    private static final long DAY = 86_400_000L;

    @Property
    void theWaitDoublesFromTheFirstBackoffUpToTheLongestWithAtMostAQuarterOfJitter(@ForAll @LongRange(min = 0, max = DAY) long backoff,
            @ForAll @LongRange(min = 0, max = DAY) long extra, @ForAll @IntRange(min = 1, max = 100) int retry) {
        long longest = backoff + extra;
        ResilienceSettings settings = new ResilienceSettings(List.of(), ReadFrom.PRIMARY, 5_000, 3, backoff, longest, 0, 1_000);

        long wait = settings.backoff(retry);

        // backoff * 2^(retry - 1), without overflow, capped at the longest wait
        long doubled = BigInteger.valueOf(backoff).shiftLeft(Math.min(20, retry - 1)).min(BigInteger.valueOf(longest)).longValueExact();
        assertThat(wait).isBetween(doubled - doubled / 4, doubled);
    }

    @Property
    void settingsThatMakeNoSenseAreRefusedNamingTheOption(@ForAll @IntRange(min = Integer.MIN_VALUE, max = -1) int negative,
            @ForAll @LongRange(min = 0, max = 99) long tooShort, @ForAll @LongRange(min = 1, max = DAY) long backoff) {
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
    }

    @Property
    void readingFromReplicasNeedsReplicas(@ForAll ReadFrom readFrom) {
        if (readFrom == ReadFrom.PRIMARY) {
            assertThat(new ResilienceSettings(List.of(), readFrom, 5_000, 0, 100, 2_000, 0, 1_000).readFrom()).isEqualTo(readFrom);
        } else {
            assertThatThrownBy(() -> new ResilienceSettings(List.of(), readFrom, 5_000, 0, 100, 2_000, 0, 1_000))
                    .hasMessageStartingWith("Invalid readFrom").hasMessageContaining("replicas");
            assertThat(new ResilienceSettings(List.of(new HostPort("replica", 5432)), readFrom, 5_000, 0, 100, 2_000, 0, 1_000).readFrom())
                    .isEqualTo(readFrom);
        }
    }
}
