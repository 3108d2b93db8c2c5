package org.hvproof.properties.harness;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.hvproof.model.common.Flaw;
import org.hvproof.propcheck.Property;
import org.hvproof.properties.Claim;

/**
 * One {@code @Claim} method: a public static method returning a propcheck {@link Property} that
 * takes either nothing or the mechanism's flaw enum. The claims report, the claim tests and the
 * every-flaw test build properties through it, so the shape is checked in one place.
 *
 * @param method the method
 * @param claims the claim ids its {@code @Claim} names
 */
public record ClaimMethod(Method method, List<String> claims) {

    /** Every {@code @Claim} method of {@code suite}, sorted by name; a malformed one is an error naming it. */
    public static List<ClaimMethod> of(Class<?> suite) {
        Method[] methods = suite.getDeclaredMethods();
        Arrays.sort(methods, Comparator.comparing(Method::getName));
        List<ClaimMethod> out = new ArrayList<>();
        for (Method m : methods) {
            Claim claim = m.getAnnotation(Claim.class);
            if (claim == null) {
                continue;
            }
            String where = suite.getName() + "." + m.getName();
            boolean flawParameter = m.getParameterCount() == 1
                    && m.getParameterTypes()[0].isEnum()
                    && Flaw.class.isAssignableFrom(m.getParameterTypes()[0]);
            if (!Modifier.isStatic(m.getModifiers())
                    || !Modifier.isPublic(m.getModifiers())
                    || !(m.getParameterCount() == 0 || flawParameter)
                    || !Property.class.isAssignableFrom(m.getReturnType())) {
                throw new IllegalStateException("@Claim method " + where
                        + " must be public static, take nothing or the mechanism's flaw enum (a Flaw),"
                        + " and return a propcheck Property");
            }
            for (String id : claim.value()) {
                if (!id.matches("[A-Z]+-[0-9]+")) {
                    throw new IllegalStateException(
                            "@Claim method " + where + " names '" + id + "', which is not a claim id such as TRACE-1");
                }
            }
            out.add(new ClaimMethod(m, List.of(claim.value())));
        }
        return out;
    }

    /** {@code Class.method}, as CLAIMS.md and {@code ./hvproof show} name it. */
    public String name() {
        return method.getDeclaringClass().getSimpleName() + "." + method.getName();
    }

    /** The flaw enum the method takes, if it takes one. */
    public Optional<Class<?>> flawType() {
        return method.getParameterCount() == 1 ? Optional.of(method.getParameterTypes()[0]) : Optional.empty();
    }

    /** The property against the real mechanism (the flaw {@code NONE}, where the method takes a flaw). */
    public Property property() {
        return flawType().map(type -> invoke(noneOf(type))).orElseGet(() -> invoke(new Object[0]));
    }

    /** The property against {@code flaw}; the method must take the flaw's enum. */
    public Property property(Flaw flaw) {
        if (flawType().filter(t -> t.isInstance(flaw)).isEmpty()) {
            throw new IllegalArgumentException(
                    name() + " does not take a " + flaw.getClass().getSimpleName());
        }
        return invoke(flaw);
    }

    private static Object noneOf(Class<?> type) {
        for (Object constant : type.getEnumConstants()) {
            if (((Enum<?>) constant).name().equals("NONE")) {
                return constant;
            }
        }
        throw new IllegalStateException(type.getName() + " has no constant NONE (the correct mechanism)");
    }

    private Property invoke(Object... args) {
        try {
            return (Property) method.invoke(null, args);
        } catch (IllegalAccessException | InvocationTargetException e) {
            Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
            throw new IllegalStateException("cannot build the property " + name() + ": " + cause, cause);
        }
    }
}
