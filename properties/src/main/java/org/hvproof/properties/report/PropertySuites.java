package org.hvproof.properties.report;

import java.util.List;
import org.hvproof.properties.Mechanisms;

/** The classes whose {@code @Claim} methods the claims report runs: those of {@link Mechanisms#ALL}. */
public final class PropertySuites {
    /** Every suite, in mechanism order. */
    public static final List<Class<?>> ALL = Mechanisms.propertyClasses();

    private PropertySuites() {}
}
