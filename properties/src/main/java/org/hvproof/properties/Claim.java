package org.hvproof.properties;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the security claim(s) a property checks, by the id used in CLAIMS.md and in the
 * Alloy command's name, so the claims report can join the three descriptions of a claim.
 *
 * <p>Put it on a public static method of a class listed in {@link Mechanisms}; the method takes
 * the mechanism's flaw enum ({@code <M>ImplFlaw}; the report passes {@code NONE}) or nothing,
 * and returns the property.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Claim {
    /** The claim ids, such as {@code "TRACE-1"}. */
    String[] value();
}
