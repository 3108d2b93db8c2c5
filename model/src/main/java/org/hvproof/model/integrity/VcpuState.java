package org.hvproof.model.integrity;

import org.hvproof.model.common.Notation;

/** One vCPU's mode and the view it runs on. */
public record VcpuState(Mode mode, View view) {
    public static final VcpuState NORMAL = new VcpuState(Mode.NORMAL, View.PROTECTED);

    @Override
    public String toString() {
        return Notation.words(mode) + " mode, " + Notation.words(view) + " view";
    }
}
