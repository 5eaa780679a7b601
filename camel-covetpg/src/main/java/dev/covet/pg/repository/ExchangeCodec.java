package dev.covet.pg.repository;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.DefaultExchangeHolder;

/**
 * An exchange as bytes and back: Camel's {@link DefaultExchangeHolder} (id, body, headers,
 * properties, variables) in Java serialisation. Reading goes through an allow-list
 * ({@link ObjectInputFilter}): a class the list does not name is refused before any of its code
 * runs, so bytes written by someone else into the table cannot run code here.
 */
final class ExchangeCodec {

    /**
     * What an aggregated exchange usually holds: Camel's holder, Strings, numbers, dates and times,
     * arrays of them (an array is checked by its element type; byte[] passes as a primitive one), and the JDK's
     * collections of them. Anything else must be named.
     */
    static final String DEFAULT_FILTER = "org.apache.camel.support.DefaultExchangeHolder;java.lang.String;java.lang.Number;"
            + "java.lang.Integer;java.lang.Long;java.lang.Short;java.lang.Byte;java.lang.Double;java.lang.Float;java.lang.Boolean;"
            + "java.lang.Character;java.lang.Enum;java.math.BigDecimal;java.math.BigInteger;java.util.*;java.time.*;java.sql.Timestamp;"
            + "java.sql.Date;java.sql.Time;java.lang.Object;maxdepth=32;!*";

    private final ObjectInputFilter filter;
    private final boolean allowSerializedHeaders;
    private final String repository;

    ExchangeCodec(String deserializationFilter, boolean allowSerializedHeaders, String repository) {
        try {
            this.filter = ObjectInputFilter.Config.createFilter(deserializationFilter);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid deserializationFilter of the aggregation repository " + repository + ": "
                    + e.getMessage() + " (the syntax of jdk.serialFilter, e.g. com.example.Order;" + DEFAULT_FILTER + ")", e);
        }
        this.allowSerializedHeaders = allowSerializedHeaders;
        this.repository = repository;
    }

    byte[] encode(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (body != null && !(body instanceof Serializable)) {
            // Camel's holder would leave it out with a log line, and the aggregation would lose it
            throw new IllegalArgumentException("The aggregation repository " + repository + " cannot store a body of type "
                    + body.getClass().getName() + ": it is not Serializable (convert it to a String or byte[] before aggregating)");
        }
        exchange.getMessage().getHeaders().forEach((name, value) -> {
            if (value != null && !Kept.header(name, value, allowSerializedHeaders)) {
                throw notKept("header " + name, value);
            }
        });
        exchange.getProperties().forEach((name, value) -> {
            if (value != null && !Kept.property(name, value, allowSerializedHeaders)) {
                throw notKept("exchange property " + name, value);
            }
        });
        DefaultExchangeHolder holder = DefaultExchangeHolder.marshal(exchange, true, allowSerializedHeaders);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(holder);
        } catch (IOException e) {
            throw new IllegalArgumentException("The aggregation repository " + repository + " could not serialise exchange "
                    + exchange.getExchangeId() + ": " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    /** Camel's holder would leave the value out (with a log line), and the aggregation would lose it: refused instead, without the value. */
    private IllegalArgumentException notKept(String what, Object value) {
        return new IllegalArgumentException("The aggregation repository " + repository + " cannot store the " + what + " of type "
                + value.getClass().getName() + (value instanceof Serializable
                        ? ": only Camel's simple types (String, numbers, Date) are stored unless allowSerializedHeaders=true"
                        : ": it is not Serializable; remove it before the aggregation (removeHeader) or convert it to a String"));
    }

    /** What Camel's holder keeps, asked of the holder itself (its checks are protected). */
    private static final class Kept extends DefaultExchangeHolder {
        private static final long serialVersionUID = 1L;

        static boolean header(String name, Object value, boolean allowSerialized) {
            return getValidHeaderValue(name, value, allowSerialized) != null;
        }

        static boolean property(String name, Object value, boolean allowSerialized) {
            return getValidExchangePropertyValue(name, value, allowSerialized) != null;
        }
    }

    Exchange decode(CamelContext context, byte[] bytes, String what) {
        Object read;
        java.util.concurrent.atomic.AtomicReference<String> rejected = new java.util.concurrent.atomic.AtomicReference<>();
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            in.setObjectInputFilter(info -> {
                ObjectInputFilter.Status status = filter.checkInput(info);
                if (status == ObjectInputFilter.Status.REJECTED && rejected.get() == null) {
                    rejected.set(info.serialClass() != null ? "the class " + info.serialClass().getName() : "a limit (depth, size)");
                }
                return status;
            });
            read = in.readObject();
        } catch (InvalidClassException refused) {
            throw new IllegalStateException("The aggregation repository " + repository + " refused to read " + what + ": "
                    + refused.getMessage() + " by " + rejected.get() + "; name the classes of your bodies and headers in deserializationFilter",
                    refused);
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("The aggregation repository " + repository + " could not read " + what + ": " + e.getMessage(), e);
        }
        if (!(read instanceof DefaultExchangeHolder holder)) {
            throw new IllegalStateException("The aggregation repository " + repository + " found no exchange in " + what);
        }
        Exchange exchange = new DefaultExchange(context);
        DefaultExchangeHolder.unmarshal(exchange, holder);
        return exchange;
    }
}
