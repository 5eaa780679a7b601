package dev.covet.pg;

import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.BaseStream;

/** The items of a bulk body (List, Iterable, Iterator, Stream or array), read lazily so a body of any size streams. */
final class BodyItems {

    private BodyItems() {
    }

    static Iterator<?> of(Object body) {
        if (body == null) {
            return Collections.emptyIterator();
        }
        if (body instanceof Iterator<?> it) {
            return it;
        }
        if (body instanceof Iterable<?> iterable && !(body instanceof Map<?, ?>)) {
            return iterable.iterator();
        }
        if (body instanceof BaseStream<?, ?> stream) {
            return stream.iterator();
        }
        if (body instanceof Object[] array) {
            return Arrays.asList(array).iterator();
        }
        throw new IllegalArgumentException("The body must hold the rows: a List, Iterable, Iterator, Stream or array of rows,"
                + " each a List, array, Map or bean; got " + body.getClass().getName());
    }

    /** One positional parameter set from a List or array item. */
    static List<Object> positional(Object item, long index) {
        if (item instanceof List<?> list) {
            @SuppressWarnings("unchecked")
            List<Object> values = (List<Object>) list;
            return values;
        }
        if (item instanceof Object[] array) {
            return Arrays.asList(array);
        }
        throw new IllegalArgumentException("Row " + index + " of the body is a " + (item == null ? "null" : item.getClass().getName())
                + "; for a statement with $1..$n each row must be a List or array");
    }
}
