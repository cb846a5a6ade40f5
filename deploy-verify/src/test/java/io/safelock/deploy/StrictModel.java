package io.safelock.deploy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds fields the fabric8 model did not recognise. The model parses leniently: a misspelt or
 * misplaced key (e.g. "readinesProbe", "resources" one level too deep) lands in
 * getAdditionalProperties() instead of failing, and the API server would then reject or silently
 * drop it. Walking every model object makes such keys a test failure with their path.
 */
final class StrictModel {

    private StrictModel() {
    }

    static List<String> unknownFields(Object resource) {
        List<String> found = new ArrayList<>();
        walk(resource, "", found, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
        return found;
    }

    private static void walk(Object value, String path, List<String> found, Set<Object> seen) {
        if (value == null || !seen.add(value)) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", found, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "[" + k + "]", found, seen));
            return;
        }
        if (!isModel(value.getClass())) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            String name = getter.getName();
            if (!name.startsWith("get") || name.length() == 3) {
                continue;
            }
            Object child = invoke(getter, value);
            if (name.equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    found.add((path.isEmpty() ? "" : path + ".") + extra.keySet()
                            + " (unknown to " + value.getClass().getSimpleName() + ")");
                }
                continue;
            }
            walk(child, path + (path.isEmpty() ? "" : ".") + decapitalize(name.substring(3)), found, seen);
        }
    }

    private static boolean isModel(Class<?> type) {
        return type.getName().startsWith("io.fabric8.") && !type.isEnum();
    }

    private static Object invoke(Method getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            // Derived getters that need state the manifest does not give (none hold unknown fields).
            return null;
        }
    }

    private static String decapitalize(String name) {
        return Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }
}
