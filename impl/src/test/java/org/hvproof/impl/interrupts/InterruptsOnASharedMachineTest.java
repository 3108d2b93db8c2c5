package org.hvproof.impl.interrupts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.hvproof.impl.machine.DeviceId;
import org.hvproof.impl.machine.Hypervisor;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.MachineShape;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.interrupts.ArrivalCause;
import org.hvproof.model.interrupts.CodeLayout;
import org.hvproof.model.interrupts.HypercallVerdict;
import org.hvproof.model.interrupts.InterruptsAction;
import org.hvproof.model.interrupts.InterruptsObservation;
import org.hvproof.model.interrupts.InterruptsState;
import org.junit.jupiter.api.Test;

/**
 * The interrupts guest booted onto a hypervisor another guest shares: its own vCPU, view, frames
 * and device, and a module that acts on its own vCPU's events only.
 */
class InterruptsOnASharedMachineTest {
    private static final long SECRET = 0x5EC2E7_0000_1234L;
    private static final long E = InterruptsState.DEFAULT_ERASURE;
    private static final ViewId VIEW = new ViewId("interrupts");
    private static final DeviceId DEVICE = new DeviceId(0x0200);
    /** Three vCPUs; the guest on the default view (vCPUs 0-1) has 64 pages of RAM. */
    private static final MachineShape SHAPE = new MachineShape(3, InterruptsSystem.SHAPE.guestPhysicalPages(), 48, 16);

    private static Hypervisor sharedHypervisor() {
        Hypervisor hypervisor = new Hypervisor(new Machine(SHAPE));
        hypervisor.limitGuestRam(ViewId.DEFAULT, 64);
        return hypervisor;
    }

    private static InterruptsSystem boot(Hypervisor hypervisor, boolean moduleOnEveryVcpu) {
        return new InterruptsSystem(
                hypervisor, VIEW, 2, DEVICE, SECRET, E, InterruptsImplFlaw.NONE, moduleOnEveryVcpu, false);
    }

    @Test
    void theGuestBootsOnItsOwnVcpuAndViewAndAbstractsToTheModelsInitialState() {
        Hypervisor hypervisor = sharedHypervisor();
        InterruptsSystem sys = boot(hypervisor, false);
        assertThat(sys.cpu().id()).isEqualTo(new VCpu(2));
        assertThat(sys.cpu().view()).isEqualTo(VIEW);
        assertThat(sys.view()).isEqualTo(VIEW);
        assertThat(sys.device()).isEqualTo(DEVICE);
        assertThat(sys.abstractState()).isEqualTo(InterruptsState.initial(SECRET, E));
        // Its pages are backed in its own view only: the other guest's view maps nothing of it.
        assertThat(hypervisor.machine().defaultView().leaf(GuestLayout.page(CodeLayout.SEQUENCE_START)))
                .isEmpty();
        assertThat(hypervisor.machine().view(VIEW).orElseThrow().leaf(GuestLayout.page(CodeLayout.SEQUENCE_START)))
                .isPresent();
        assertThat(hypervisor.machine().iommu().table(DEVICE)).isPresent();
    }

    @Test
    void anEventOnAnotherGuestsVcpuLeavesTheModuleAndThatVcpuAlone() {
        Hypervisor hypervisor = sharedHypervisor();
        InterruptsSystem sys = boot(hypervisor, false);
        VirtualCpu other = hypervisor.machine().vcpus().get(0);
        other.setInstructionPointer(GuestLayout.slot(CodeLayout.SEQUENCE_START));
        other.setRegister(1, SECRET);
        InterruptsState before = sys.abstractState();
        assertThat(hypervisor.interrupt(other.id(), 40)).isEmpty();
        assertThat(hypervisor.exception(other.id(), 13)).isEmpty();
        assertThat(sys.abstractState()).isEqualTo(before);
        assertThat(other.instructionPointer()).isEqualTo(GuestLayout.slot(CodeLayout.SEQUENCE_START));
        assertThat(other.register(1)).isEqualTo(SECRET);
        // Its own vCPU's event is delivered as alone.
        List<InterruptsObservation> seen = sys.apply(new InterruptsAction.Arrive(ArrivalCause.INTERRUPT, 40));
        assertThat(seen).hasSize(1).first().isInstanceOf(InterruptsObservation.VirtualInterrupt.class);
    }

    @Test
    void aModuleOnEveryVcpuRedirectsAnotherGuestsVcpuToItsHandler() {
        Hypervisor hypervisor = sharedHypervisor();
        InterruptsSystem sys = boot(hypervisor, true);
        VirtualCpu other = hypervisor.machine().vcpus().get(0);
        other.setInstructionPointer(0x1000);
        hypervisor.interrupt(other.id(), 40);
        assertThat(other.instructionPointer()).isEqualTo(GuestLayout.slot(CodeLayout.HANDLER_ENTRY));
        assertThat(sys.abstractState().returnStack()).hasSize(1);
    }

    @Test
    void aHypercallScratchBorrowedFromTheFirstVcpuChangesNothingAloneButLeavesTheMacInAnotherGuestsVcpu() {
        // Alone the guest's vCPU is the first: the flawed handler leaves every register as the correct one does.
        InterruptsSystem correct = new InterruptsSystem(SECRET);
        InterruptsSystem alone = new InterruptsSystem(
                new Hypervisor(new Machine(InterruptsSystem.SHAPE)),
                ViewId.DEFAULT,
                0,
                InterruptsSystem.DEVICE,
                SECRET,
                E,
                InterruptsImplFlaw.NONE,
                false,
                true);
        correct.cpu().setRegister(8, 0x77);
        alone.cpu().setRegister(8, 0x77);
        assertThat(runSequence(alone))
                .isEqualTo(runSequence(correct))
                .contains(new InterruptsObservation.HypercallReturned(HypercallVerdict.ACCEPTED));
        assertThat(alone.lowRegisters()).isEqualTo(correct.lowRegisters());
        assertThat(alone.cpu().register(8)).isEqualTo(0x77);

        // On a shared machine vCPU 0 is another guest's: it keeps a value that differs with the secret.
        long[] kept = new long[2];
        for (int run = 0; run < 2; run++) {
            Hypervisor hypervisor = sharedHypervisor();
            InterruptsSystem shared = new InterruptsSystem(
                    hypervisor, VIEW, 2, DEVICE, SECRET + run, E, InterruptsImplFlaw.NONE, false, true);
            VirtualCpu other = hypervisor.machine().vcpus().get(0);
            other.setRegister(8, 0x77);
            runSequence(shared);
            kept[run] = other.register(8);
            assertThat(shared.cpu().register(8)).isEqualTo(0x77);
        }
        assertThat(kept[0]).isNotEqualTo(0x77).isNotEqualTo(kept[1]);
    }

    /** The guest calls the sequence and executes until its hypercall is answered; every observation, in order. */
    private static List<InterruptsObservation> runSequence(InterruptsSystem sys) {
        List<InterruptsObservation> seen =
                new ArrayList<>(sys.apply(new InterruptsAction.JumpTo(CodeLayout.SEQUENCE_START)));
        for (int i = 0;
                i < 8 && seen.stream().noneMatch(o -> o instanceof InterruptsObservation.HypercallReturned);
                i++) {
            seen.addAll(sys.apply(new InterruptsAction.Execute()));
        }
        return seen;
    }

    @Test
    void aViewWithLessRamThanTheGuestsWindowIsRefusedAtBoot() {
        Hypervisor hypervisor = new Hypervisor(new Machine(SHAPE));
        hypervisor.limitGuestRam(ViewId.DEFAULT, 64);
        assertThatThrownBy(() ->
                        new InterruptsSystem(hypervisor, ViewId.DEFAULT, 2, DEVICE, SECRET, E, InterruptsImplFlaw.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("guest-physical pages");
        assertThatThrownBy(() -> new InterruptsSystem(
                        new Hypervisor(new Machine(SHAPE)), VIEW, 3, DEVICE, SECRET, E, InterruptsImplFlaw.NONE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSmallerGuestsViewIsBackedOnlyBelowItsOwnRam() {
        Hypervisor hypervisor = sharedHypervisor();
        boot(hypervisor, false);
        assertThat(hypervisor.guestRamPages(ViewId.DEFAULT)).isEqualTo(64);
        assertThat(hypervisor.guestRamPages(VIEW)).isEqualTo(SHAPE.guestPhysicalPages());
        assertThat(hypervisor.populate(ViewId.DEFAULT, new GuestPhysicalPage(63)))
                .isTrue();
        assertThat(hypervisor.populate(ViewId.DEFAULT, new GuestPhysicalPage(64)))
                .isFalse();
        assertThat(hypervisor.populateRange(ViewId.DEFAULT, 60, 5)).isFalse();
        // A view sharing the smaller guest's frames has its bound.
        ViewId sharing = new ViewId("sharing");
        hypervisor.machine().addView(sharing).orElseThrow();
        hypervisor.shareFrames(sharing, ViewId.DEFAULT);
        assertThat(hypervisor.guestRamPages(sharing)).isEqualTo(64);
        assertThat(hypervisor.populate(sharing, new GuestPhysicalPage(1L << 30)))
                .isFalse();
        assertThat(hypervisor.populate(VIEW, new GuestPhysicalPage(1L << 30))).isTrue();
    }
}
