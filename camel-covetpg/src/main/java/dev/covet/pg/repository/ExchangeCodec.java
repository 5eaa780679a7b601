package dev.covet.pg.repository;

import dev.covet.pg.tx.RouteTransaction;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.DefaultExchangeHolder;

/**
 * An exchange as bytes and back: Camel's {@link DefaultExchangeHolder} (id, body, headers,
 * properties, variables) in Java serialisation. Reading goes through an allow-list
 * ({@link ObjectInputFilter}): a class the list does not name is refused before any of its code
 * runs, so bytes written by someone else into the table cannot run code here. Writing reads the
 * bytes back through the same list, so nothing is stored that could not be read.
 */
final class ExchangeCodec {

    /**
     * What an aggregated exchange usually holds: Camel's holder, Strings, numbers, dates and times,
     * arrays of them (an array is checked by its element type; byte[] passes as a primitive one), the
     * JDK's collections of them, and the list Camel's grouped aggregation strategies keep (an
     * ArrayList). Anything else must be named.
     */
    static final String DEFAULT_FILTER = "org.apache.camel.support.DefaultExchangeHolder;java.lang.String;java.lang.Number;"
            + "java.lang.Integer;java.lang.Long;java.lang.Short;java.lang.Byte;java.lang.Double;java.lang.Float;java.lang.Boolean;"
            + "java.lang.Character;java.lang.Enum;java.math.BigDecimal;java.math.BigInteger;java.util.*;java.time.*;java.sql.Timestamp;"
            + "java.sql.Date;java.sql.Time;java.lang.Object;"
            + "org.apache.camel.processor.aggregate.AbstractListAggregationStrategy$GroupedExchangeList;maxdepth=20;!*";

    private final ObjectInputFilter filter;
    private final boolean allowSerializedHeaders;
    private final String repository;
    /** The repository's own bookkeeping property, which is not the exchange's data. */
    private final String versionProperty;

    ExchangeCodec(String deserializationFilter, boolean allowSerializedHeaders, String repository, String versionProperty) {
        try {
            this.filter = ObjectInputFilter.Config.createFilter(deserializationFilter);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid deserializationFilter of the aggregation repository " + repository + ": "
                    + e.getMessage() + " (the syntax of jdk.serialFilter, e.g. com.example.Order;" + DEFAULT_FILTER + ")", e);
        }
        this.allowSerializedHeaders = allowSerializedHeaders;
        this.repository = repository;
        this.versionProperty = versionProperty;
    }

    /**
     * The exchange as bytes, without what is not its data: the component's route transaction, the
     * repository's version, an exception a doCatch handled. Refuses (naming the value's place and
     * type, never the value) what Camel's holder would leave out and what could not be read back.
     */
    byte[] encode(Exchange exchange) {
        Exchange copy = org.apache.camel.support.ExchangeHelper.createCopy(exchange, true); // the same id: confirm and recover go by it
        copy.removeProperty(versionProperty);
        copy.removeProperties(RouteTransaction.PROPERTY_PREFIX + "*");
        copy.removeProperty(ExchangePropertyKey.EXCEPTION_CAUGHT);
        check(copy.getIn(), "");
        if (copy.hasOut()) {
            check(copy.getOut(), "out ");
        }
        copy.getAllProperties().forEach((name, value) -> {
            if (value != null && !Kept.property(name, value, allowSerializedHeaders)) {
                throw notKept("exchange property " + name, value, "removeProperty");
            }
        });
        for (Map.Entry<String, Object> variable : copy.getVariables().entrySet()) {
            if (variable.getValue() != null && !Kept.property(variable.getKey(), variable.getValue(), allowSerializedHeaders)) {
                throw notKept("variable " + variable.getKey(), variable.getValue(), "removeVariable");
            }
        }
        DefaultExchangeHolder holder = DefaultExchangeHolder.marshal(copy, true, allowSerializedHeaders);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(holder);
        } catch (IOException e) {
            throw new IllegalArgumentException("The aggregation repository " + repository + " could not serialise exchange "
                    + exchange.getExchangeId() + ": " + e.getMessage(), e);
        }
        byte[] written = bytes.toByteArray();
        String refused = read(written).refused;
        if (refused != null) {
            // stored, it would fail every later read of its key, the aggregator's timers and the route's start
            throw new IllegalArgumentException("The aggregation repository " + repository + " cannot store exchange " + exchange.getExchangeId()
                    + ": it holds " + refused + ", which deserializationFilter does not allow; name the class there (in front of the default)");
        }
        return written;
    }

    private void check(Message message, String which) {
        Object body = message.getBody();
        if (body != null && !(body instanceof Serializable)) {
            throw new IllegalArgumentException("The aggregation repository " + repository + " cannot store " + (which.isEmpty() ? "a" : "an " + which)
                    + " body of type " + body.getClass().getName() + ": it is not Serializable (convert it to a String or byte[] before aggregating)");
        }
        message.getHeaders().forEach((name, value) -> {
            if (value != null && !Kept.header(name, value, allowSerializedHeaders)) {
                throw notKept(which + "header " + name, value, "removeHeader");
            }
        });
    }

    /** Camel's holder would leave the value out (with a log line), and the aggregation would lose it: refused instead, without the value. */
    private IllegalArgumentException notKept(String what, Object value, String remove) {
        return new IllegalArgumentException("The aggregation repository " + repository + " cannot store the " + what + " of type "
                + value.getClass().getName() + (value instanceof Serializable
                        ? ": only Camel's simple types (String, numbers, Date) are stored unless allowSerializedHeaders=true"
                        : ": it is not Serializable; remove it before the aggregation (" + remove + ") or convert it to a String"));
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
        Read read = read(bytes);
        if (read.refused != null) {
            throw new IllegalStateException("The aggregation repository " + repository + " refused to read " + what + ": it holds "
                    + read.refused + ", which deserializationFilter does not allow", read.failure);
        }
        if (read.failure != null || !(read.value instanceof DefaultExchangeHolder holder)) {
            // the stream's own message may quote the bytes: they are data
            throw new IllegalStateException("The aggregation repository " + repository + " could not read " + what
                    + ": the bytes are not an exchange this repository wrote (" + (read.failure == null ? "another object"
                            : read.failure.getClass().getSimpleName()) + ")");
        }
        Exchange exchange = new DefaultExchange(context);
        DefaultExchangeHolder.unmarshal(exchange, holder);
        return exchange;
    }

    /** What reading the bytes gave: the object, or the failure and, when the filter refused, what it refused. */
    private record Read(Object value, Exception failure, String refused) {
    }

    /**
     * Reads through the filter, which is made strict: what it does not name is refused (a list
     * without a final !* would otherwise let everything else in), and no array may be longer, nor
     * hold more references, than the bytes could describe (a few crafted bytes could otherwise ask
     * for gigabytes).
     */
    private Read read(byte[] bytes) {
        AtomicReference<String> rejected = new AtomicReference<>();
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            in.setObjectInputFilter(info -> {
                if (info.arrayLength() > bytes.length || info.references() > bytes.length) {
                    rejected.compareAndSet(null, "more than the bytes could describe (an array of " + info.arrayLength() + " elements, "
                            + info.references() + " references, in " + bytes.length + " bytes)");
                    return ObjectInputFilter.Status.REJECTED;
                }
                ObjectInputFilter.Status status = filter.checkInput(info);
                if (status == ObjectInputFilter.Status.UNDECIDED && info.serialClass() != null && !primitiveArray(info.serialClass())) {
                    status = ObjectInputFilter.Status.REJECTED;
                }
                if (status == ObjectInputFilter.Status.REJECTED) {
                    rejected.compareAndSet(null, info.serialClass() != null ? "the class " + info.serialClass().getName()
                            : "more than deserializationFilter's limits (depth " + info.depth() + ")");
                }
                return status;
            });
            return new Read(in.readObject(), null, null);
        } catch (InvalidClassException refused) {
            return new Read(null, refused, rejected.get() != null ? rejected.get() : "a class it refused");
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            return new Read(null, e, rejected.get());
        }
    }

    private static boolean primitiveArray(Class<?> type) {
        Class<?> element = type;
        while (element.isArray()) {
            element = element.getComponentType();
        }
        return type.isArray() && element.isPrimitive();
    }
}
