package org.hvproof.properties;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.hvproof.impl.composed.ComposedImplFlaw;
import org.hvproof.impl.domains.DomainsImplFlaw;
import org.hvproof.impl.failover.FailoverImplFlaw;
import org.hvproof.impl.integrity.IntegrityImplFlaw;
import org.hvproof.impl.interrupts.InterruptsImplFlaw;
import org.hvproof.impl.migration.MigrationImplFlaw;
import org.hvproof.impl.tracing.TracingImplFlaw;
import org.hvproof.impl.tree.TreeImplFlaw;
import org.hvproof.model.common.InvariantSet;
import org.hvproof.model.composed.ComposedInvariants;
import org.hvproof.model.domains.DomainsInvariants;
import org.hvproof.model.failover.FailoverInvariants;
import org.hvproof.model.integrity.IntegrityInvariants;
import org.hvproof.model.interrupts.InterruptsInvariants;
import org.hvproof.model.migration.MigrationInvariants;
import org.hvproof.model.tracing.TracingInvariants;
import org.hvproof.model.tree.TreeInvariants;
import org.hvproof.properties.composed.ComposedProperties;
import org.hvproof.properties.domains.DomainsProperties;
import org.hvproof.properties.domains.DomainsSpecConformance;
import org.hvproof.properties.failover.FailoverProperties;
import org.hvproof.properties.failover.FailoverSpecConformance;
import org.hvproof.properties.integrity.IntegrityProperties;
import org.hvproof.properties.integrity.IntegritySpecConformance;
import org.hvproof.properties.integrity.SystemSpecConformance;
import org.hvproof.properties.interrupts.InterruptsProperties;
import org.hvproof.properties.interrupts.InterruptsSpecConformance;
import org.hvproof.properties.migration.MigrationProperties;
import org.hvproof.properties.migration.MigrationSpecConformance;
import org.hvproof.properties.tracing.TracingProperties;
import org.hvproof.properties.tracing.TracingSpecConformance;
import org.hvproof.properties.tree.TreeProperties;
import org.hvproof.properties.tree.TreeSpecConformance;

/**
 * Every mechanism hvproof checks, with where its parts are: the classes whose {@code @Claim}
 * methods are its properties, its implementation's flaw switch and its model's invariants. The
 * claims report, the claim tests, {@code ./hvproof show} and the every-flaw test all read this one
 * list, so a mechanism is added in one place.
 */
public final class Mechanisms {

    /**
     * One mechanism.
     *
     * @param name       its short name, the package name in every module and the Alloy module's
     * @param properties the classes whose {@code @Claim} methods check its claims
     * @param implFlaws  its implementation's flaw switch ({@code <M>ImplFlaw}); {@code NONE} is the real one
     * @param invariants its model's invariants ({@code <M>Invariants.ALL})
     */
    public record Mechanism(
            String name,
            List<Class<?>> properties,
            Class<? extends Enum<?>> implFlaws,
            InvariantSet<?, ?, ?> invariants) {
        public Mechanism {
            Objects.requireNonNull(name, "name");
            properties = List.copyOf(properties);
            Objects.requireNonNull(implFlaws, "implFlaws");
            Objects.requireNonNull(invariants, "invariants");
        }
    }

    /**
     * Every mechanism, in the order of CLAIMS.md, then the composed system (its properties check
     * the composed mechanisms' claims on traces of both services on one machine).
     */
    public static final List<Mechanism> ALL = List.of(
            new Mechanism(
                    "tracing",
                    List.of(TracingProperties.class, TracingSpecConformance.class),
                    TracingImplFlaw.class,
                    TracingInvariants.ALL),
            new Mechanism(
                    "tree",
                    List.of(TreeProperties.class, TreeSpecConformance.class),
                    TreeImplFlaw.class,
                    TreeInvariants.ALL),
            new Mechanism(
                    "integrity",
                    List.of(IntegrityProperties.class, IntegritySpecConformance.class, SystemSpecConformance.class),
                    IntegrityImplFlaw.class,
                    IntegrityInvariants.ALL),
            new Mechanism(
                    "domains",
                    List.of(DomainsProperties.class, DomainsSpecConformance.class),
                    DomainsImplFlaw.class,
                    DomainsInvariants.ALL),
            new Mechanism(
                    "interrupts",
                    List.of(InterruptsProperties.class, InterruptsSpecConformance.class),
                    InterruptsImplFlaw.class,
                    InterruptsInvariants.ALL),
            new Mechanism(
                    "failover",
                    List.of(FailoverProperties.class, FailoverSpecConformance.class),
                    FailoverImplFlaw.class,
                    FailoverInvariants.ALL),
            new Mechanism(
                    "migration",
                    List.of(MigrationProperties.class, MigrationSpecConformance.class),
                    MigrationImplFlaw.class,
                    MigrationInvariants.ALL),
            new Mechanism(
                    "composed", List.of(ComposedProperties.class), ComposedImplFlaw.class, ComposedInvariants.ALL));

    private Mechanisms() {}

    /** The mechanism named {@code name}. */
    public static Optional<Mechanism> named(String name) {
        return ALL.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /**
     * Mechanisms with no spec conformance property class ({@code <M>SpecConformance}) among their
     * properties, in registry order, that check a claim no such class of any mechanism names:
     * their Alloy spec is not checked against their Java model. The composed system checks only
     * the composed mechanisms' claims, each linked by its own mechanism's conformance, so it is
     * not among them.
     */
    public static List<String> unlinked() {
        Set<String> linked = new HashSet<>();
        for (Class<?> c : propertyClasses()) {
            if (c.getSimpleName().endsWith("SpecConformance")) {
                linked.addAll(claimIds(c));
            }
        }
        return ALL.stream()
                .filter(m ->
                        m.properties().stream().noneMatch(c -> c.getSimpleName().endsWith("SpecConformance")))
                .filter(m -> m.properties().stream()
                        .flatMap(c -> claimIds(c).stream())
                        .anyMatch(id -> !linked.contains(id)))
                .map(Mechanism::name)
                .toList();
    }

    /** The claim ids the {@code @Claim} methods of {@code c} carry. */
    private static Set<String> claimIds(Class<?> c) {
        Set<String> out = new TreeSet<>();
        for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
            Claim claim = m.getAnnotation(Claim.class);
            if (claim != null) {
                out.addAll(List.of(claim.value()));
            }
        }
        return out;
    }

    /**
     * Claims some property checks but no spec conformance property names ({@code @Claim} on a
     * {@code <M>SpecConformance} method), in name order: their mechanism may be linked while they are
     * not (as TRACE-4 and TRACE-5 were until tracing's conformance sampled machine runs with DMA and
     * translation caches).
     * The report requires the link for HOLDS once this is empty.
     */
    public static List<String> unlinkedClaims() {
        Set<String> checked = new TreeSet<>();
        Set<String> linked = new HashSet<>();
        for (Class<?> c : propertyClasses()) {
            boolean conformance = c.getSimpleName().endsWith("SpecConformance");
            for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
                Claim claim = m.getAnnotation(Claim.class);
                if (claim != null) {
                    (conformance ? linked : checked).addAll(List.of(claim.value()));
                }
            }
        }
        checked.removeAll(linked);
        return List.copyOf(checked);
    }

    /** Every class with {@code @Claim} methods, in mechanism order. */
    public static List<Class<?>> propertyClasses() {
        return ALL.stream().flatMap(m -> m.properties().stream()).toList();
    }
}
