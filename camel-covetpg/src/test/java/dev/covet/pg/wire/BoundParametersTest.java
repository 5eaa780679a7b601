package dev.covet.pg.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What the driver gets from each getter of the parameters, without a server. */
@Tag("fast")
class BoundParametersTest {

    @Test
    void aNumberThatDoesNotFitItsDeclaredTypeFailsAndTheFailureNamesNoValue() {
        BoundParameters p = BoundParameters.of(List.of(1, 5_000_000_000L));
        assertThat(p.getInteger(0)).isEqualTo(1);
        assertThatThrownBy(() -> p.getInteger(1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(p.failure()).isEqualTo("Parameter $2: a java.lang.Long does not fit integer: out of range (-2147483648..2147483647)");
        p.reset();
        assertThat(p.failure()).isNull();
        assertThat(p.getLong(1)).isEqualTo(5_000_000_000L); // prepared anew, the statement declares bigint
    }

    @Test
    void jsonAndTextGetTheirOwnFormOfTheSameList() {
        BoundParameters p = BoundParameters.of(List.of(List.of(1, "a")));
        assertThat(p.getValue(0)).isEqualTo("[1,\"a\"]"); // what the driver binds to json and jsonb
        assertThat(p.getString(0)).isEqualTo("{\"1\",\"a\"}"); // what it binds to any type the server reads from text
        p.setValue(0, "bound");
        assertThat(p.getValue(0)).isEqualTo("bound");
    }

    @Test
    void aStringGoesToJsonAsTheJsonTextItIs() {
        assertThat(BoundParameters.of(List.of("{\"a\": 2.50}")).getValue(0)).isEqualTo("{\"a\": 2.50}");
        assertThat(BoundParameters.of(List.of(Map.of("k", 1))).getValue(0)).isEqualTo("{\"k\":1}");
    }

    @Test
    void aValueWithNoJsonFormIsNeitherAStringNorAnArrayToTheDriver() {
        BoundParameters p = BoundParameters.of(List.of((Object) new Object[] {new StringBuilder("x"), Thread.currentThread()}));
        Object asJson = p.getValue(0);
        assertThat(asJson).isNotInstanceOf(String.class).isNotInstanceOf(Object[].class);
        assertThat(p.failure()).startsWith("Parameter $1: a java.lang.Thread has no one JSON form");
        assertThat(p.getString(0)).startsWith("{\"x\",");
        p.setValue(0, p.getString(0));
        assertThat(p.failure()).isNull(); // bound as text after all: not a json parameter
    }

    @Test
    void bytesTakeByteaText() {
        BoundParameters p = BoundParameters.of(Arrays.asList("\\x00ff", new byte[] {7}, 5, null));
        assertThat(p.getBuffer(0).getBytes()).containsExactly(0, -1);
        assertThat(p.getBuffer(1).getBytes()).containsExactly(7);
        assertThatThrownBy(() -> p.getBuffer(2)).hasMessage("a java.lang.Integer does not fit bytea: give a byte[] or bytea's text");
        assertThat(p.getBuffer(3)).isNull();
    }
}
