package org.hvproof.model.tracing;

import java.util.Objects;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.PagePermissions;

/** Where a guest-virtual page leads and with which effective rights. */
public record Mapping(GuestPhysicalPage page, PagePermissions permissions) {
    /** Requires both parts. */
    public Mapping {
        Objects.requireNonNull(page, "page");
        Objects.requireNonNull(permissions, "permissions");
    }

    @Override
    public String toString() {
        return page + " " + permissions;
    }
}
