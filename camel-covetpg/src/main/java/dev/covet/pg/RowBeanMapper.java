package dev.covet.pg;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.support.PropertyBindingSupport;

/** Maps a row to an instance of {@code outputClass}: each column binds to the property of the same name. */
final class RowBeanMapper {

    private final CamelContext context;
    private final Class<?> type;

    RowBeanMapper(CamelContext context, Class<?> type) {
        this.context = context;
        this.type = type;
    }

    Object map(Map<String, Object> row) {
        Object bean = context.getInjector().newInstance(type);
        Map<String, Object> properties = new LinkedHashMap<>();
        row.forEach((column, value) -> {
            if (value != null) {
                properties.put(camelCase(column), value);
            }
        });
        PropertyBindingSupport.build()
                .withIgnoreCase(true)
                .withRemoveParameters(false)
                .withReflection(true)
                .bind(context, bean, properties);
        return bean;
    }

    /** created_at becomes createdAt; a name without underscores is kept as it is. */
    static String camelCase(String column) {
        if (column.indexOf('_') < 0) {
            return column;
        }
        StringBuilder sb = new StringBuilder(column.length());
        boolean upper = false;
        for (char c : column.toCharArray()) {
            if (c == '_') {
                upper = sb.length() > 0;
            } else {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return sb.toString();
    }
}
