package dev.covet.pg.wire;

import dev.covet.pg.types.ExactNumbers;
import dev.covet.pg.types.JsonText;
import dev.covet.pg.types.PgText;
import dev.covet.pg.types.PgTypes;
import dev.covet.pg.types.Utf8;
import dev.covet.pg.types.ValueException;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.impl.TupleInternal;
import java.util.List;
import java.util.function.Supplier;

/**
 * A statement's parameters as the route gave them, handed to the driver in the form the
 * statement's declared types need. The driver asks for each through the getter of its declared
 * type, after {@link TypeDescriptions} has reduced those types to the few it binds exactly:
 *
 * <ul>
 *   <li>smallint, integer, bigint ({@link #getShort}, {@link #getInteger}, {@link #getLong}) and
 *       real, double precision ({@link #getFloat}, {@link #getDouble}): converted by
 *       {@link ExactNumbers}, so a value that does not fit fails instead of wrapping;</li>
 *   <li>bytea ({@link #getBuffer}): bytes, or bytea's text form;</li>
 *   <li>the text types, and every type the server parses from text ({@link #getString}): the
 *       value's {@link PgText} form;</li>
 *   <li>json and jsonb, which the driver takes as the String {@link #getValue} returns: the
 *       value's {@link JsonText}.</li>
 * </ul>
 *
 * <p>The driver swallows a getter's exception into a message of its own that quotes the value;
 * {@link #failure()} keeps this class's message, which names the parameter, its Java type and the
 * declared type, never the value. Conversions always start from the given values, so the same
 * parameters can be bound again after the statement is prepared anew ({@link #reset()}).
 */
public final class BoundParameters extends TupleInternal {

    /** What {@link #getValue} returns for a value with no JSON form. */
    private static final Object NO_JSON = new Object();

    private final Object[] given;
    private final Object[] bound;
    private final boolean[] isBound;
    private final String[] jsonFailure;
    /** A scalar's PostgreSQL text, once made. */
    private final String[] text;
    private volatile String failure;

    private BoundParameters(Object[] given) {
        this.given = given;
        this.bound = new Object[given.length];
        this.isBound = new boolean[given.length];
        this.jsonFailure = new String[given.length];
        this.text = new String[given.length];
    }

    public static BoundParameters of(List<?> values) {
        return new BoundParameters(values.toArray());
    }

    /** Why a parameter could not be bound as its declared type, or null. */
    public String failure() {
        String f = failure;
        if (f != null) {
            return f;
        }
        for (int i = 0; i < jsonFailure.length; i++) {
            if (jsonFailure[i] != null && !isBound[i]) {
                return jsonFailure[i];
            }
        }
        return null;
    }

    /** Forgets how the parameters were bound, to bind them again for a statement prepared anew. */
    public void reset() {
        java.util.Arrays.fill(bound, null);
        java.util.Arrays.fill(isBound, false);
        java.util.Arrays.fill(jsonFailure, null);
        java.util.Arrays.fill(text, null);
        failure = null;
    }

    @Override
    public Short getShort(int pos) {
        return given[pos] == null ? null : convert(pos, () -> (short) ExactNumbers.integer(given[pos], PgTypes.INT2));
    }

    @Override
    public Integer getInteger(int pos) {
        return given[pos] == null ? null : convert(pos, () -> (int) ExactNumbers.integer(given[pos], PgTypes.INT4));
    }

    @Override
    public Long getLong(int pos) {
        return given[pos] == null ? null : convert(pos, () -> ExactNumbers.integer(given[pos], PgTypes.INT8));
    }

    @Override
    public Float getFloat(int pos) {
        return given[pos] == null ? null : convert(pos, () -> ExactNumbers.float4(given[pos]));
    }

    @Override
    public Double getDouble(int pos) {
        return given[pos] == null ? null : convert(pos, () -> ExactNumbers.float8(given[pos]));
    }

    @Override
    public Buffer getBuffer(int pos) {
        Object v = given[pos];
        if (v == null) {
            return null;
        }
        return convert(pos, () -> {
            if (v instanceof byte[] b) {
                return Buffer.buffer(b);
            }
            if (v instanceof java.nio.ByteBuffer b) {
                byte[] copy = new byte[b.remaining()];
                b.duplicate().get(copy);
                return Buffer.buffer(copy);
            }
            if (v instanceof Buffer b) {
                return b;
            }
            if (v instanceof String s) {
                return Buffer.buffer(PgText.bytea(s));
            }
            throw new ValueException(ValueException.javaType(v) + " does not fit bytea: give a byte[] or bytea's text");
        });
    }

    @Override
    public String getString(int pos) {
        if (given[pos] == null) {
            return null;
        }
        String text = this.text[pos];
        return text != null ? text : convert(pos, () -> Utf8.checked(PgText.format(given[pos])));
    }

    /**
     * The value bound once the driver has asked for it; before that, the JSON text the driver
     * takes for a json or jsonb parameter (for every other type it goes on to ask a getter).
     */
    @Override
    public Object getValue(int pos) {
        if (isBound[pos]) {
            return bound[pos];
        }
        Object v = given[pos];
        if (v == null) {
            return null;
        }
        if (!(v instanceof java.util.Map<?, ?> || v instanceof java.util.Collection<?> || (v.getClass().isArray() && !(v instanceof byte[])))) {
            // a scalar's JSON is its text (a String is the JSON it holds); kept, as getString will ask for it next
            try {
                return text[pos] = Utf8.checked(PgText.format(v));
            } catch (ValueException e) {
                return NO_JSON; // getString fails the same way, with the message
            }
        }
        try {
            return JsonText.of(v);
        } catch (ValueException e) {
            jsonFailure[pos] = "Parameter $" + (pos + 1) + ": " + e.getMessage();
            // neither a String (the driver refuses it for json) nor an array (it asks getString for every other type)
            return NO_JSON;
        }
    }

    @Override
    public Object getValueInternal(int pos) {
        return isBound[pos] ? bound[pos] : given[pos];
    }

    @Override
    public void setValue(int pos, Object value) {
        bound[pos] = value;
        isBound[pos] = true;
    }

    @Override
    public int size() {
        return given.length;
    }

    @Override
    public Tuple addValue(Object value) {
        throw new UnsupportedOperationException("the parameters of a statement are fixed");
    }

    @Override
    public void clear() {
        throw new UnsupportedOperationException("the parameters of a statement are fixed");
    }

    private <T> T convert(int pos, Supplier<T> conversion) {
        try {
            return conversion.get();
        } catch (ValueException e) {
            if (failure == null) {
                failure = "Parameter $" + (pos + 1) + ": " + e.getMessage();
            }
            throw e;
        }
    }
}
