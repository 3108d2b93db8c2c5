package org.hvproof.model.common;

/**
 * The rights a guest mapping grants (present is implied): writable, user-accessible,
 * executable. For a 4-level walk these are the effective rights: W and U anded over the
 * levels, execute allowed only if no level sets no-execute.
 */
public record PagePermissions(boolean writable, boolean user, boolean executable) {
    /** Kernel read-write data, not executable. */
    public static final PagePermissions KERNEL_DATA = new PagePermissions(true, false, false);
    /** User read-write data, not executable. */
    public static final PagePermissions USER_DATA = new PagePermissions(true, true, false);
    /** Everything allowed. */
    public static final PagePermissions ALL = new PagePermissions(true, true, true);
    /** Kernel read-only, executable code. */
    public static final PagePermissions KERNEL_CODE = new PagePermissions(false, false, true);

    @Override
    public String toString() {
        return (writable ? "W" : "-") + (user ? "U" : "-") + (executable ? "X" : "-");
    }
}
