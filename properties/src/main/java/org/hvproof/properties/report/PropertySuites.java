package org.hvproof.properties.report;

import java.util.List;
import org.hvproof.properties.domains.DomainsProperties;
import org.hvproof.properties.integrity.IntegrityProperties;
import org.hvproof.properties.interrupts.InterruptsProperties;
import org.hvproof.properties.tracing.TracingProperties;
import org.hvproof.properties.tracing.TracingSpecConformance;
import org.hvproof.properties.tree.TreeProperties;

/**
 * The classes whose {@code @Claim} methods the claims report runs. A new mechanism's property
 * class is added here; its JUnit test runs the same methods.
 */
public final class PropertySuites {
    /** Every suite, in mechanism order. */
    public static final List<Class<?>> ALL = List.of(
            TracingProperties.class,
            TracingSpecConformance.class,
            TreeProperties.class,
            IntegrityProperties.class,
            DomainsProperties.class,
            InterruptsProperties.class);

    private PropertySuites() {}
}
