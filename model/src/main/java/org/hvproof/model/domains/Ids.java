package org.hvproof.model.domains;

/** Small value types for the things the domains model names. */
public final class Ids {
    private Ids() {}

    /** A guest-physical page number. */
    public record GuestPage(long n) {}

    /** A host-physical frame number. */
    public record Frame(long n) {}

    /** A guest-virtual page number. */
    public record VirtualPage(long n) {}

    /** A protection domain; {@link #ROOT} is the root domain. */
    public record DomainId(int n) {
        public static final DomainId ROOT = new DomainId(0);

        public boolean isRoot() {
            return n == 0;
        }
    }
}
