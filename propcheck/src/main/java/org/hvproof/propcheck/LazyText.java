package org.hvproof.propcheck;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A description built when first read, then kept: generators and steps are made far more often
 * than anyone reads what they are called (only shrink passes and reports do).
 */
final class LazyText {
    private final Supplier<String> source;
    private String text;

    LazyText(Supplier<String> source) {
        this.source = Objects.requireNonNull(source, "description");
    }

    String get() {
        String t = text;
        if (t == null) {
            t = Objects.requireNonNull(source.get(), "description");
            text = t;
        }
        return t;
    }
}
