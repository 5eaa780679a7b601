package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.client.CovetPgException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Random;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Binding agrees with the server's own parsing: a value bound to a typed parameter
 * ({@code $1::integer}) is taken exactly when the server's input function takes the value's
 * text ({@code $1::text::integer}), and then as the same value; when it is not taken, the route
 * gets a clear error that does not quote it.
 */
class BindingPropertiesTest {

    private static CamelContext context;

    @BeforeAll
    static void start() throws Exception {
        context = new DefaultCamelContext();
        context.addComponent("covetpg", CovetPgTestSupport.component(c -> { }));
        context.start();
    }

    @AfterAll
    static void stop() {
        context.stop();
    }

    /**
     * The server's answer for the value, or null when it refuses it: its input function on the
     * value's text, and for a decimal to an integer type whether the number is whole and in range.
     */
    private static Object server(String type, Object value) {
        boolean decimalToInteger = value instanceof BigDecimal && List.of("smallint", "integer", "bigint").contains(type);
        String sql = decimalToInteger
                ? "SELECT CASE WHEN n = trunc(n) THEN n::" + type + "::text END FROM (SELECT ($1::text)::numeric AS n) x"
                : "SELECT ($1::text)::" + type + "::text";
        Exchange e = CovetPgTestSupport.send(context, "covetpg:query?outputType=SelectValue&sql=" + sql,
                List.of(value instanceof BigDecimal d ? d.toPlainString() : String.valueOf(value)));
        return e.getException() == null ? e.getMessage().getBody() : null;
    }

    private static void agrees(String type, Object value) {
        Exchange bound = CovetPgTestSupport.send(context, "covetpg:query?outputType=SelectValue&sql=SELECT $1::" + type + "::text",
                List.of(value));
        Object expected = server(type, value);
        String text = String.valueOf(value).strip();
        if (expected == null) {
            assertThat(bound.getException()).as(type + " refused by the server").isInstanceOf(CovetPgException.class)
                    .hasMessageContaining("Parameter $1");
            if (text.length() >= 6) {
                // the message names the type's range, never the value
                assertThat(bound.getException().getMessage().replaceAll("\\(-?\\d+\\.\\.\\d+\\)", "")).doesNotContain(text);
            }
        } else {
            assertThat(bound.getException()).as(type + " taken by the server as " + expected).isNull();
            assertThat(bound.getMessage().getBody()).isEqualTo(expected);
        }
    }

    @Test
    void aStringBindsToAnIntegerExactlyWhenTheServerReadsIt() {
        Samples.check(150, r -> switch (r.nextInt(3)) {
            case 0 -> Samples.text(r, 22, " ", "+", "-", "0", "1", "5", "9", "\t");
            case 1 -> Long.toString(Samples.anyLong(r));
            default -> " " + Samples.between(r, -40_000, 40_000) + " ";
        }, text -> List.of("smallint", "integer", "bigint").forEach(type -> agrees(type, text)), "", " ", "+", "-0", "00032767");
    }

    @Test
    void aJavaNumberBindsToAnIntegerExactlyWhenItIsOneInRange() {
        Samples.check(150, BindingPropertiesTest::number, n -> List.of("smallint", "integer", "bigint").forEach(type -> agrees(type, n)));
    }

    @Test
    void aJavaNumberBindsToNumericAndFloat8AsItsText() {
        Samples.check(100, BindingPropertiesTest::number, n -> List.of("numeric", "double precision").forEach(type -> agrees(type, n)));
    }

    /** A Long, Integer, Short, BigDecimal of a few scales or BigInteger of up to 20 digits, often near the types' limits. */
    private static Object number(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> Samples.anyLong(r);
            case 1 -> (int) Samples.anyLong(r);
            case 2 -> (short) Samples.anyLong(r);
            case 3 -> BigDecimal.valueOf(Samples.between(r, -100_000L, 100_000L), Samples.between(r, -3, 3));
            default -> new BigInteger(Samples.between(r, 1, 66), r).subtract(BigInteger.TWO.pow(64));
        };
    }
}
