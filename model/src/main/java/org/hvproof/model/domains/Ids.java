package org.hvproof.model.domains;

import org.hvproof.model.common.Notation;

/** Small value types for the things the domains model names. */
public final class Ids {
    private Ids() {}

    /** A guest-physical page number. */
    public record GuestPage(long n) {
        @Override
        public String toString() {
            return Notation.gpp(n);
        }
    }

    /** A host-physical frame number. */
    public record Frame(long n) {
        @Override
        public String toString() {
            return Notation.hpp(n);
        }
    }

    /** A guest-virtual page number. */
    public record VirtualPage(long n) {
        @Override
        public String toString() {
            return "gvp " + Notation.hex(n);
        }
    }

    /** A protection domain; {@link #ROOT} is the root domain. */
    public record DomainId(int n) {
        public static final DomainId ROOT = new DomainId(0);

        public boolean isRoot() {
            return n == 0;
        }

        @Override
        public String toString() {
            return n == 0 ? "root" : "domain " + n;
        }
    }
}
