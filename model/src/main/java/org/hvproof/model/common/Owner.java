package org.hvproof.model.common;

import java.util.Objects;

/** A client of a hypervisor service (e.g. the integrity driver, the tree), named for messages. */
public record Owner(String name) implements Comparable<Owner> {
    /** Requires a non-blank name. */
    public Owner {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("owner name must not be blank");
        }
    }

    @Override
    public int compareTo(Owner other) {
        return name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
