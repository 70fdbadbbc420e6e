package io.sipfleet.control.serverconfig;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.Locale;
import java.util.Set;

/** Partial update of a record: the components named in the request take the body's values. */
final class Records {

    private Records() {
    }

    /** {@code present} holds snake_case JSON names, as the client sent them. */
    static <R extends Record> R merge(R current, R body, Set<String> present) {
        try {
            RecordComponent[] components = current.getClass().getRecordComponents();
            Object[] values = new Object[components.length];
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                RecordComponent c = components[i];
                types[i] = c.getType();
                R from = present.contains(snake(c.getName())) ? body : current;
                values[i] = c.getAccessor().invoke(from);
            }
            @SuppressWarnings("unchecked")
            Constructor<R> ctor = (Constructor<R>) current.getClass().getDeclaredConstructor(types);
            return ctor.newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot merge " + current.getClass().getSimpleName(), e);
        }
    }

    /** The API mapper's SNAKE_CASE rule: capacityFailoverServerId -> capacity_failover_server_id. */
    static String snake(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
