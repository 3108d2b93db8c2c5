package org.hvproof.impl.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.hvproof.impl.machine.Hypervisor;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.tracing.TracingImplFlaw;
import org.hvproof.impl.tracing.TracingService;
import org.hvproof.impl.tree.TreeImplFlaw;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.integrity.IntegrityAction;
import org.hvproof.model.integrity.IntegrityCode;
import org.hvproof.model.integrity.IntegrityConfig;
import org.hvproof.model.integrity.IntegrityObservation.RequestResult;
import org.hvproof.model.tree.BPlusTree;
import org.hvproof.model.tree.TreeConfig;
import org.hvproof.model.tree.Writer;
import org.junit.jupiter.api.Test;

/** The integrity service's set-up on a machine, and how the guest's writes reach memory at the edges. */
class IntegritySystemTest {
    private static final long PAGE = 4096;
    private static final Writer OTHER = new Writer(1, 0x1234, 0);
    private static final IntegrityConfig CONFIG = new IntegrityConfig(16, 1, 4);

    /** Installs the service on a machine of exactly {@code ramPages} pages of RAM. */
    private static IntegrityService install(long ramPages, IntegrityConfig config, TreeConfig store) {
        Machine machine = new Machine(new MachineShape(1, ramPages, ramPages - 1, 1));
        Hypervisor hypervisor = new Hypervisor(machine);
        TracingService tracing = new TracingService(hypervisor, TracingImplFlaw.NONE);
        return new IntegrityService(hypervisor, tracing, config, IntegrityImplFlaw.NONE, store, TreeImplFlaw.NONE);
    }

    @Test
    void theStoresNodePoolMayEndOnTheLastPageOfRamButNotPastIt() {
        TreeConfig onePage = IntegritySystem.storeConfig(CONFIG, 1, BPlusTree.SMALL);
        assertThat(install(17, CONFIG, onePage).config()).isEqualTo(CONFIG);
        TreeConfig fourPages = IntegritySystem.storeConfig(CONFIG, 4, BPlusTree.SMALL);
        assertThat(install(20, CONFIG, fourPages).config()).isEqualTo(CONFIG);
        assertThatThrownBy(() -> install(19, CONFIG, fourPages)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aConfigOrStoreThatDoesNotFitTheMachineIsRefusedAtInstallation() {
        TreeConfig store = IntegritySystem.storeConfig(CONFIG, 4, BPlusTree.SMALL);
        assertThatThrownBy(() -> install(20, new IntegrityConfig(16, 2, 4), store))
                .as("two vCPUs on a one-vCPU machine")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> install(20, new IntegrityConfig(21, 1, 4), store))
                .as("guarded pages past RAM")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> install(20, new IntegrityConfig(17, 1, 4), store))
                .as("the node pool among the guarded pages")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> install(20, new IntegrityConfig(16, 1, 5), store))
                .as("the tree takes smaller requests than the service")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDefaultStoreHasAsManyNodePagesAsGuardedPagesRightAboveThem() {
        IntegritySystem system = new IntegritySystem(IntegrityConfig.small());
        TreeConfig store = system.storeConfig();
        assertThat(store).isEqualTo(IntegritySystem.storeConfig(IntegrityConfig.small(), 1024, BPlusTree.SMALL));
        assertThat(store.poolFirst()).isEqualTo(1024);
        assertThat(store.poolSize()).isEqualTo(1024);
        assertThat(system.machine().shape().guestPhysicalPages()).isEqualTo(2048 + IntegritySystem.POOL_PAGES);
    }

    @Test
    void aWriteAtTheEndOfAPageStoresOnlyWhatFitsInIt() {
        IntegritySystem system = new IntegritySystem(IntegrityConfig.small());
        assertThat(system.lastWritten()).isEmpty();
        assertThat(system.apply(new IntegrityAction.GuestWrite(OTHER, 31 * PAGE - 3)))
                .isEmpty();
        assertThat(system.lastWritten().orElseThrow().length()).isEqualTo(3);
        byte[] page30 = system.page(30);
        for (int i = 4093; i < 4096; i++) {
            assertThat(page30[i]).as("byte %d", i).isNotZero();
        }
        assertThat(page30[4092]).isZero();
        assertThat(system.page(31)).containsOnly((byte) 0);
        system.apply(new IntegrityAction.GuestWrite(OTHER, 32 * PAGE + 100));
        assertThat(system.lastWritten().orElseThrow().length()).isEqualTo(IntegritySystem.WRITE_LENGTH);
        assertThat(system.page(32)[100 + IntegritySystem.WRITE_LENGTH - 1]).isNotZero();
        assertThat(system.page(32)[100 + IntegritySystem.WRITE_LENGTH]).isZero();
    }

    @Test
    void aWriteToAddressZeroLandsAndOneToTheFirstPageNoHardwareHasIsNothing() {
        IntegritySystem system = new IntegritySystem(IntegrityConfig.small());
        system.apply(new IntegrityAction.GuestWrite(OTHER, 0));
        assertThat(system.page(0)[0]).isNotZero();
        assertThat(system.apply(new IntegrityAction.GuestWrite(OTHER, GuestPhysicalPage.LIMIT * PAGE)))
                .isEmpty();
        assertThat(system.lastWritten()).as("the wild write reached nothing").isEmpty();
    }

    @Test
    void everyWriteStoresBytesThatDifferFromThePreviousWritesEverywhere() {
        IntegritySystem system = new IntegritySystem(IntegrityConfig.small());
        byte[] before = system.page(30).clone();
        for (int n = 0; n < 300; n++) {
            system.apply(new IntegrityAction.GuestWrite(OTHER, 30 * PAGE));
            byte[] after = system.page(30);
            for (int i = 0; i < IntegritySystem.WRITE_LENGTH; i++) {
                assertThat(after[i])
                        .as("write %d byte %d", n, i)
                        .isNotEqualTo(before[i])
                        .isNotZero();
            }
            before = after.clone();
        }
    }

    @Test
    void onlyVcpuZerosWritesOfWholeTwoMebibyteBlocksOfGuardedMemoryGoThroughALargeLeaf() {
        IntegritySystem system = new IntegritySystem(IntegrityConfig.small());
        assertThat(system.writesThroughLargeLeaf(0, 0)).isTrue();
        assertThat(system.writesThroughLargeLeaf(0, 1023)).isTrue();
        assertThat(system.writesThroughLargeLeaf(0, 1024)).isFalse();
        assertThat(system.writesThroughLargeLeaf(0, -1)).isFalse();
        assertThat(system.writesThroughLargeLeaf(1, 0)).isFalse();
        Writer zero = new Writer(0, 0x1234, 0);
        system.apply(new IntegrityAction.GuestWrite(zero, 1023 * PAGE));
        system.apply(new IntegrityAction.GuestWrite(zero, 512 * PAGE + 8));
        assertThat(system.page(1023)[0]).isNotZero();
        assertThat(system.page(512)[8]).isNotZero();
    }

    @Test
    void aDriverWhoseEntryIsAddressZeroRunsItsCallsFromThere() {
        IntegritySystem system = new IntegritySystem(IntegrityConfig.small());
        Writer atZero = new Writer(0, 0, 0);
        assertThat(system.apply(new IntegrityAction.Register(atZero, 0, PAGE, 4 * PAGE, PAGE, 0)))
                .containsExactly(new RequestResult(IntegrityCode.OK));
        assertThat(system.apply(new IntegrityAction.Enter(atZero)))
                .containsExactly(new RequestResult(IntegrityCode.OK));
        assertThat(system.apply(new IntegrityAction.Exit(atZero)))
                .as("the call's instruction is fetched at address 0")
                .containsExactly(new RequestResult(IntegrityCode.OK));
    }
}
