package org.hvproof.impl.tree;

import static org.assertj.core.api.Assertions.assertThat;

import org.hvproof.model.common.Bytes;
import org.hvproof.model.common.ErrorCode;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.common.Refused;
import org.hvproof.model.tree.TreeConfig;
import org.junit.jupiter.api.Test;

/** Hostile input to the tree's machine never throws out of the hypervisor. */
class TreeSystemTest {
    private final TreeSystem system = new TreeSystem(TreeConfig.small(), 3, TreeImplFlaw.NONE);

    @Test
    void aWriteByANegativeVcpuIsRefusedAsNoSuchVcpuAndChangesNothing() {
        var before = system.abstractState();
        assertThat(system.write(-1, Privilege.KERNEL, 0, 0x5000, Bytes.ofInts(1)))
                .containsExactly(new Refused(ErrorCode.NO_SUCH_VCPU));
        assertThat(system.write(Integer.MIN_VALUE, Privilege.USER, -1, -1, Bytes.ofInts(1, 2)))
                .containsExactly(new Refused(ErrorCode.NO_SUCH_VCPU));
        assertThat(system.abstractState()).isEqualTo(before);
    }

    @Test
    void aNegativeVcpuGetsWhatAMissingPositiveOneGets() {
        assertThat(system.write(-1, Privilege.KERNEL, 0, 0x5000, Bytes.ofInts(1)))
                .isEqualTo(system.write(3, Privilege.KERNEL, 0, 0x5000, Bytes.ofInts(1)));
    }
}
