package org.hvproof.properties.report;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import org.hvproof.propcheck.Property;
import org.hvproof.propcheck.PropertyResult;
import org.hvproof.propcheck.Settings;
import org.hvproof.properties.Claim;

/**
 * The property backend: finds every {@code @Claim} method of the suites, keeps those naming a
 * selected claim, runs each property with the run's tries and seed, and turns its result into a
 * {@link PropertyCheck}. A method that is not public static, takes arguments, or does not return a
 * property is an error naming the method, not a silently skipped claim.
 */
final class SuitePropertyBackend implements PropertyBackend {
    private final List<Class<?>> suites;

    SuitePropertyBackend(List<Class<?>> suites) {
        this.suites = List.copyOf(suites);
    }

    /** A property method and the claims it names. */
    record ClaimedProperty(Method method, Set<String> claimIds) {
        Property create() {
            try {
                return (Property) method.invoke(null);
            } catch (IllegalAccessException | InvocationTargetException e) {
                Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
                throw new IllegalStateException("cannot build the property " + name() + ": " + cause, cause);
            }
        }

        String name() {
            return method.getDeclaringClass().getSimpleName() + "." + method.getName();
        }
    }

    /** Every {@code @Claim} method of the suites, validated. */
    List<ClaimedProperty> discover() {
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
                        || m.getParameterCount() != 0
                        || !Property.class.isAssignableFrom(m.getReturnType())) {
                    throw new IllegalStateException("@Claim method " + where
                            + " must be public static, take no arguments and return a propcheck Property");
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

    @Override
    public List<PropertyCheck> run(
            Set<String> claimIds, Integer tries, Long seed, String replay, Consumer<String> progress) {
        List<ClaimedProperty> selected = discover().stream()
                .filter(c -> c.claimIds().stream().anyMatch(claimIds::contains))
                .toList();
        List<PropertyCheck> out = new ArrayList<>();
        int i = 0;
        for (ClaimedProperty c : selected) {
            i++;
            Property property = c.create();
            Settings overrides = Settings.none().withQuiet(true);
            if (tries != null) {
                overrides = overrides.withTries(tries);
            }
            if (seed != null) {
                // One run seed, but a different stream per property, so properties that share a
                // trace generator explore different traces. The result records the seed used.
                overrides = overrides.withSeed(
                        seed ^ (0x9E3779B97F4A7C15L * property.name().hashCode()));
            }
            if (replay != null) {
                overrides = overrides.withReplay(replay);
            }
            long t0 = System.nanoTime();
            PropertyResult r = property.run(overrides);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            progress.accept(String.format(
                    Locale.ROOT,
                    "[%d/%d] %-4s %-62s %5d tries %7d steps %6.1f s",
                    i,
                    selected.size(),
                    r.passed() ? "ok" : "FAIL",
                    property.name(),
                    r.tries(),
                    r.steps(),
                    millis / 1000.0));
            out.add(new PropertyCheck(
                    property.name(),
                    c.claimIds(),
                    r.tries(),
                    r.steps(),
                    r.passed(),
                    r.seed(),
                    r.replayToken(),
                    millis,
                    r.report()));
        }
        return out;
    }
}
