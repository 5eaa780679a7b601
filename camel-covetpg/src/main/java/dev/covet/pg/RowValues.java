package dev.covet.pg;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.spi.BeanIntrospection;

/**
 * Reads the values of one row of a bulk body (batch, COPY) for a list of names: from a Map by
 * key, from a List or array by position, from a bean by property ({@code placed_on} reads
 * {@code placedOn}). Errors name the row's index in the body.
 */
final class RowValues {

    private final BeanIntrospection beans;

    RowValues(BeanIntrospection beans) {
        this.beans = beans;
    }

    /** The row's values for the names, in their order. */
    List<Object> read(Object row, long index, List<String> names) {
        if (row instanceof List<?> || row instanceof Object[]) {
            List<Object> values = BodyItems.positional(row, index);
            if (values.size() != names.size()) {
                throw new IllegalArgumentException("Row " + index + " of the body has " + values.size() + " value(s) but "
                        + names.size() + " are expected: " + names);
            }
            return values;
        }
        List<Object> values = new ArrayList<>(names.size());
        for (String name : names) {
            values.add(value(row, name, index));
        }
        return values;
    }

    /** One named value of a Map or bean row. */
    Object value(Object row, String name, long index) {
        if (row instanceof Map<?, ?> map) {
            if (map.containsKey(name)) {
                return map.get(name);
            }
            throw new IllegalArgumentException("Row " + index + " of the body has no value for " + name + "; its keys are " + map.keySet());
        }
        if (row == null) {
            throw new IllegalArgumentException("Row " + index + " of the body is null");
        }
        Object missing = new Object();
        Object value = beans.getOrElseProperty(row, RowBeanMapper.camelCase(name), missing, true);
        if (value == missing) {
            throw new IllegalArgumentException("Row " + index + " of the body (a " + row.getClass().getName() + ") has no property for " + name);
        }
        return value;
    }
}
