package org.hvproof.model.integrity;

/** One vCPU's mode and the view it runs on. */
public record VcpuState(Mode mode, View view) {
    public static final VcpuState NORMAL = new VcpuState(Mode.NORMAL, View.PROTECTED);
}
