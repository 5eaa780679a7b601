package dev.covet.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.covet.pg.client.CovetPgException;
import java.math.BigDecimal;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Binding agrees with the server's own parsing: a value bound to a typed parameter
 * ({@code $1::integer}) is taken exactly when the server's input function takes the value's
 * text ({@code $1::text::integer}), and then as the same value; when it is not taken, the route
 * gets a clear error that does not quote it.
 */
class BindingPropertiesTest {

    private static CamelContext context;

    @BeforeContainer
    static void start() throws Exception {
        context = new DefaultCamelContext();
        context.addComponent("covetpg", CovetPgTestSupport.component(c -> { }));
        context.start();
    }

    @AfterContainer
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
                assertThat(bound.getException()).hasMessageNotContaining(text);
            }
        } else {
            assertThat(bound.getException()).as(type + " taken by the server as " + expected).isNull();
            assertThat(bound.getMessage().getBody()).isEqualTo(expected);
        }
    }

    @Property(tries = 150)
    void aStringBindsToAnIntegerExactlyWhenTheServerReadsIt(@ForAll("integerText") String text) {
        agrees("smallint", text);
        agrees("integer", text);
        agrees("bigint", text);
    }

    @Property(tries = 150)
    void aJavaNumberBindsToAnIntegerExactlyWhenItIsOneInRange(@ForAll("numbers") Object number) {
        agrees("smallint", number);
        agrees("integer", number);
        agrees("bigint", number);
    }

    @Property(tries = 100)
    void aJavaNumberBindsToNumericAndFloat8AsItsText(@ForAll("numbers") Object number) {
        agrees("numeric", number);
        agrees("double precision", number);
    }

    @Provide
    static Arbitrary<String> integerText() {
        return Arbitraries.oneOf(Arbitraries.strings().withChars(" +-0123456789\t").ofMinLength(1).ofMaxLength(22),
                Arbitraries.longs().map(Object::toString), Arbitraries.integers().between(-40_000, 40_000).map(i -> " " + i + " "));
    }

    @Provide
    static Arbitrary<Object> numbers() {
        return Arbitraries.oneOf(Arbitraries.longs().map(Object.class::cast), Arbitraries.integers().map(Object.class::cast),
                Arbitraries.shorts().map(Object.class::cast),
                Arbitraries.longs().between(-100_000, 100_000).flatMap(u -> Arbitraries.integers().between(-3, 3)
                        .map(scale -> (Object) BigDecimal.valueOf(u, scale))),
                Arbitraries.bigIntegers().between(new java.math.BigInteger("-99999999999999999999"), new java.math.BigInteger("99999999999999999999"))
                        .map(Object.class::cast));
    }
}
