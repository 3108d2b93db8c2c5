package org.hvproof.properties;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the security claim(s) a property checks, by the id used in CLAIMS.md and in the
 * Alloy assert's comment, so the claims report can join the three descriptions of a claim.
 *
 * <p>Put it on a public static, parameterless method of a class listed in
 * {@link org.hvproof.properties.report.PropertySuites}; the method returns the property.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Claim {
    /** The claim ids, such as {@code "TRACE-1"}. */
    String[] value();
}
