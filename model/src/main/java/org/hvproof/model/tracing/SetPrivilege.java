package org.hvproof.model.tracing;

import org.hvproof.model.common.Privilege;
import org.hvproof.model.common.VCpu;

/** The vCPU changes privilege (a system call or return to user mode). */
public record SetPrivilege(VCpu vcpu, Privilege privilege) implements TracingAction {
    @Override
    public String toString() {
        return "privilege " + vcpu + " " + privilege;
    }
}
