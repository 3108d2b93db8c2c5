package org.hvproof.properties.report;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.hvproof.model.common.Flaw;
import org.hvproof.propcheck.Property;
import org.hvproof.properties.Claim;

/**
 * A {@code @Claim} method and the claims it names. The method is public static, returns a
 * propcheck {@link Property}, and takes either nothing or one parameter: the mechanism's flaw
 * enum, which {@link #create()} passes as its {@code NONE} constant (the correct mechanism).
 *
 * @param method   the annotated method
 * @param claimIds the ids its {@code @Claim} names
 */
public record ClaimedProperty(Method method, Set<String> claimIds) {
    /** The flaw constant that stands for the correct mechanism. */
    static final String NO_FLAW = "NONE";

    public ClaimedProperty {
        claimIds = Set.copyOf(claimIds);
    }

    /** {@code Class.method}, as reports and {@code hvproof show} print it. */
    public String name() {
        return method.getDeclaringClass().getSimpleName() + "." + method.getName();
    }

    /** Builds the property for the correct mechanism (the flaw parameter, if any, is {@code NONE}). */
    public Property create() {
        try {
            return method.getParameterCount() == 0
                    ? (Property) method.invoke(null)
                    : (Property) method.invoke(null, noFlaw(method.getParameterTypes()[0]));
        } catch (IllegalAccessException | InvocationTargetException e) {
            Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
            throw new IllegalStateException("cannot build the property " + name() + ": " + cause, cause);
        }
    }

    /** The flaw enum the method takes, if it takes one. */
    public Optional<Class<?>> flawType() {
        return method.getParameterCount() == 1 ? Optional.of(method.getParameterTypes()[0]) : Optional.empty();
    }

    /** Builds the property against {@code flaw}; the method must take the flaw's enum. */
    public Property create(Flaw flaw) {
        if (flawType().filter(t -> t.isInstance(flaw)).isEmpty()) {
            throw new IllegalArgumentException(
                    name() + " does not take a " + flaw.getClass().getSimpleName());
        }
        try {
            return (Property) method.invoke(null, flaw);
        } catch (IllegalAccessException | InvocationTargetException e) {
            Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
            throw new IllegalStateException(
                    "cannot build the property " + name() + " with " + flaw.name() + ": " + cause, cause);
        }
    }

    /**
     * Every {@code @Claim} method of {@code suites}, in suite order and by name within a suite.
     *
     * @throws IllegalStateException naming a method of the wrong shape or an id that is not a claim id,
     *     so a claim is never silently left unchecked
     */
    public static List<ClaimedProperty> discover(List<Class<?>> suites) {
        List<ClaimedProperty> out = new ArrayList<>();
        for (Class<?> suite : suites) {
            Method[] methods = suite.getDeclaredMethods();
            Arrays.sort(methods, Comparator.comparing(Method::getName));
            for (Method m : methods) {
                Claim claim = m.getAnnotation(Claim.class);
                if (claim == null) {
                    continue;
                }
                String where = suite.getName() + "." + m.getName();
                if (!Modifier.isStatic(m.getModifiers())
                        || !Modifier.isPublic(m.getModifiers())
                        || !Property.class.isAssignableFrom(m.getReturnType())) {
                    throw new IllegalStateException(
                            "@Claim method " + where + " must be public static and return a propcheck Property");
                }
                String parameters = shapeProblem(m);
                if (parameters != null) {
                    throw new IllegalStateException("@Claim method " + where + " " + parameters);
                }
                for (String id : claim.value()) {
                    if (!ClaimId.isClaimId(id)) {
                        throw new IllegalStateException("@Claim method " + where + " names '" + id
                                + "', which is not a claim id such as TRACE-1");
                    }
                }
                out.add(new ClaimedProperty(m, Set.of(claim.value())));
            }
        }
        return out;
    }

    /** Why the method's parameters are not "none, or one flaw enum with NONE"; null when they are. */
    private static String shapeProblem(Method m) {
        Class<?>[] types = m.getParameterTypes();
        if (types.length == 0) {
            return null;
        }
        if (types.length == 1 && types[0].isEnum()) {
            return hasNoFlaw(types[0])
                    ? null
                    : "takes the enum " + types[0].getSimpleName() + ", which has no constant " + NO_FLAW
                            + " to run the correct mechanism with";
        }
        return "must take no parameter or one flaw enum parameter (such as TracingImplFlaw flaw), but takes ("
                + Arrays.stream(types).map(Class::getSimpleName).collect(Collectors.joining(", ")) + ")";
    }

    private static boolean hasNoFlaw(Class<?> enumType) {
        return Arrays.stream(enumType.getEnumConstants())
                .anyMatch(c -> ((Enum<?>) c).name().equals(NO_FLAW));
    }

    private static Object noFlaw(Class<?> enumType) {
        return Arrays.stream(enumType.getEnumConstants())
                .filter(c -> ((Enum<?>) c).name().equals(NO_FLAW))
                .findFirst()
                .orElseThrow();
    }
}
