package org.hvproof.model.tracing;

import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.PagePermissions;
import org.hvproof.model.common.VCpu;

/** The guest OS maps the virtual page holding {@code va}, in the vCPU's address space, to {@code page}. */
public record MapPage(VCpu vcpu, long va, GuestPhysicalPage page, PagePermissions permissions)
        implements TracingAction {
    @Override
    public String toString() {
        return "map " + vcpu + " va=0x" + Long.toHexString(va) + " -> " + page + " " + permissions;
    }
}
