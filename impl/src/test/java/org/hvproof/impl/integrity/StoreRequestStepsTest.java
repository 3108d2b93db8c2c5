package org.hvproof.impl.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.hvproof.impl.machine.Hypervisor;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.tree.ProtectedPageTree;
import org.hvproof.impl.tree.TreeCommitStep;
import org.hvproof.impl.tree.TreeImplFlaw;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.VCpu;
import org.hvproof.model.integrity.IntegrityAction;
import org.hvproof.model.integrity.IntegrityAlertCause;
import org.hvproof.model.integrity.IntegrityCode;
import org.hvproof.model.integrity.IntegrityConfig;
import org.hvproof.model.integrity.IntegrityObservation.RequestResult;
import org.hvproof.model.integrity.IntegrityObservation.WriteAlert;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.BPlusTree;
import org.hvproof.model.tree.PageRange;
import org.hvproof.model.tree.Writer;
import org.junit.jupiter.api.Test;

/**
 * The integrity store's requests in the micro-steps of the tree's commit: the caller's vCPU stays
 * in the hypervisor, another vCPU writes between the micro-steps, and the request takes effect
 * (protections, traces, result) at the tree's publication.
 */
class StoreRequestStepsTest {
    private static final long PAGE = 4096;
    private static final long CODE = 16 * PAGE;
    private static final long DATA = 18 * PAGE;
    private static final long ENTRY = CODE + 0x40;
    private static final Writer DRIVER = new Writer(0, ENTRY, 0);
    private static final Writer OTHER = new Writer(1, 0x7000, 0);
    private static final IntegrityConfig CONFIG = IntegrityConfig.small();
    private static final long FIRST = 40;
    private static final int COUNT = 6;

    private static IntegritySystem boot(IntegrityImplFlaw flaw) {
        IntegritySystem system = new IntegritySystem(
                CONFIG, flaw, IntegritySystem.storeConfig(CONFIG, 32, BPlusTree.SMALL), TreeImplFlaw.NONE);
        system.apply(new IntegrityAction.Register(DRIVER, CODE, 2 * PAGE, DATA, 2 * PAGE, ENTRY));
        system.apply(new IntegrityAction.Enter(DRIVER));
        system.runRequestsInMicroSteps(true);
        return system;
    }

    private static IntegrityAction.Protect protect(AlertAction action) {
        return new IntegrityAction.Protect(DRIVER, FIRST * PAGE, COUNT * PAGE, action.requestCode());
    }

    private static ProtectedPageTree tree(IntegritySystem system) {
        return ((TreeProtectionStore) system.integrity().protections()).tree();
    }

    private static IntegrityAction.GuestWrite otherWrites(long page) {
        return new IntegrityAction.GuestWrite(OTHER, page * PAGE + 8);
    }

    @Test
    void protectShowsNothingAtItsStartAndTakesEffectAtPublish() {
        IntegritySystem system = boot(IntegrityImplFlaw.NONE);
        assertThat(system.apply(protect(AlertAction.BLOCK))).isEmpty();
        assertThat(system.requestInFlight()).isTrue();
        assertThat(system.requestCaller()).isZero();
        assertThat(tree(system).nextStep()).contains(TreeCommitStep.TRACE_TAKEN);
        assertThat(system.continueRequest()).isEmpty(); // TRACE_TAKEN
        assertThat(system.continueRequest()).isEmpty(); // WRITE_TAKEN
        assertThat(system.abstractState().protections()).isEmpty();
        assertThat(system.continueRequest()).containsExactly(new RequestResult(IntegrityCode.OK)); // PUBLISH
        assertThat(system.abstractState().protections()).hasSize(COUNT).containsEntry(FIRST, AlertAction.BLOCK);
        assertThat(system.requestInFlight()).isTrue();
        assertThat(system.finishRequest()).isEmpty();
        assertThat(system.requestInFlight()).isFalse();
        long rax = system.machine().vcpu(new VCpu(0)).orElseThrow().register(Hypervisor.HYPERCALL_NUMBER_REGISTER);
        assertThat(rax).isEqualTo(IntegrityHypercalls.status(IntegrityCode.OK));
    }

    @Test
    void theRequestInFlightNamesItsRangeUntilItsLastMicroStep() {
        IntegritySystem system = boot(IntegrityImplFlaw.NONE);
        assertThat(system.integrity().requestRange()).isEmpty();
        system.apply(protect(AlertAction.BLOCK));
        assertThat(system.integrity().requestRange()).contains(new PageRange(FIRST, COUNT));
        system.continueRequest(); // TRACE_TAKEN
        system.continueRequest(); // WRITE_TAKEN
        system.continueRequest(); // PUBLISH
        assertThat(system.integrity().requestRange()).contains(new PageRange(FIRST, COUNT));
        system.finishRequest();
        assertThat(system.integrity().requestRange()).isEmpty();
    }

    @Test
    void writeBeforePublishLandsUnseenAndWriteAfterPublishIsBlocked() {
        IntegritySystem system = boot(IntegrityImplFlaw.NONE);
        system.apply(protect(AlertAction.BLOCK));
        system.continueRequest(); // TRACE_TAKEN
        byte[] before = system.page(FIRST);
        assertThat(system.apply(otherWrites(FIRST))).isEmpty();
        assertThat(system.page(FIRST)).isNotEqualTo(before);
        system.continueRequest(); // WRITE_TAKEN
        system.continueRequest(); // PUBLISH
        byte[] published = system.page(FIRST + 1);
        assertThat(system.apply(otherWrites(FIRST + 1)))
                .containsExactly(
                        new WriteAlert(FIRST + 1, IntegrityAlertCause.PROTECTED_PAGE, AlertAction.BLOCK, OTHER));
        assertThat(system.page(FIRST + 1)).isEqualTo(published);
    }

    @Test
    void unprotectKeepsItsTracesUntilTheCommitEndsButAlertsNothingAfterPublish() {
        IntegritySystem system = boot(IntegrityImplFlaw.NONE);
        system.apply(protect(AlertAction.RECORD_AND_ALLOW));
        system.finishRequest();
        assertThat(system.apply(new IntegrityAction.Unprotect(DRIVER, FIRST * PAGE, COUNT * PAGE)))
                .isEmpty();
        system.continueRequest();
        system.continueRequest();
        assertThat(system.apply(otherWrites(FIRST))).hasSize(1); // not published: still protected
        assertThat(system.continueRequest()).containsExactly(new RequestResult(IntegrityCode.OK));
        assertThat(system.tracing().isTraced(ViewId.DEFAULT, new GuestPhysicalPage(FIRST)))
                .isTrue();
        assertThat(system.apply(otherWrites(FIRST))).isEmpty(); // published: no protection, the write lands
        assertThat(system.abstractState().protections()).isEmpty();
        system.finishRequest();
        assertThat(system.tracing().isTraced(ViewId.DEFAULT, new GuestPhysicalPage(FIRST)))
                .isFalse();
    }

    @Test
    void refusalsAreAnsweredAtOnceAndHoldNoLock() {
        IntegritySystem system = boot(IntegrityImplFlaw.NONE);
        assertThat(system.apply(new IntegrityAction.Unprotect(DRIVER, FIRST * PAGE, PAGE)))
                .containsExactly(new RequestResult(IntegrityCode.NOT_PROTECTED));
        assertThat(system.apply(
                        new IntegrityAction.Protect(DRIVER, FIRST * PAGE, 64 * PAGE, AlertAction.BLOCK.requestCode())))
                .containsExactly(new RequestResult(IntegrityCode.STORE_FULL));
        assertThat(system.requestInFlight()).isFalse();
        assertThat(tree(system).requestInFlight()).isFalse();
    }

    @Test
    void flawTracingAfterTheCommitLeavesPublishedProtectionsUnenforced() {
        IntegritySystem system = boot(IntegrityImplFlaw.PROTECTED_PAGES_TRACED_AFTER_COMMIT);
        system.apply(protect(AlertAction.BLOCK));
        system.continueRequest();
        system.continueRequest();
        system.continueRequest(); // PUBLISH: the store has the range, no view traces it
        assertThat(tree(system).mappings()).containsKey(FIRST);
        assertThat(system.abstractState().protections()).isEmpty();
        byte[] before = system.page(FIRST);
        assertThat(system.apply(otherWrites(FIRST))).isEmpty();
        assertThat(Arrays.equals(before, system.page(FIRST))).isFalse();
        system.finishRequest();
        assertThat(system.abstractState().protections()).hasSize(COUNT);
    }
}
