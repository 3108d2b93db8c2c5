package org.hvproof.impl.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.tree.ProtectedPageTree;
import org.hvproof.impl.tree.TreeImplFlaw;
import org.hvproof.model.common.ErrorCode;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.HypercallResult;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.integrity.IntegrityAction;
import org.hvproof.model.integrity.IntegrityAlertCause;
import org.hvproof.model.integrity.IntegrityCode;
import org.hvproof.model.integrity.IntegrityConfig;
import org.hvproof.model.integrity.IntegrityObservation;
import org.hvproof.model.integrity.IntegrityObservation.PolicyAlert;
import org.hvproof.model.integrity.IntegrityObservation.RequestResult;
import org.hvproof.model.integrity.IntegrityObservation.WriteAlert;
import org.hvproof.model.integrity.Mode;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.BPlusTree;
import org.hvproof.model.tree.Writer;
import org.junit.jupiter.api.Test;

/**
 * Each planted integrity flaw does on the machine what its name says, and the correct service,
 * given the same actions, does not: the variants the catalogue's properties must catch are the
 * flaws they claim to be, not some other break.
 */
class IntegrityFlawPathsTest {
    private static final long PAGE = 4096;
    private static final long CODE = 16 * PAGE;
    private static final long DATA = 18 * PAGE;
    private static final long ENTRY = CODE + 0x40;
    private static final Writer DRIVER = new Writer(0, ENTRY, 0);
    private static final Writer OTHER = new Writer(1, 0x1234, 0);
    private static final long BLOCK = AlertAction.BLOCK.requestCode();

    private static IntegritySystem boot(IntegrityImplFlaw flaw) {
        IntegritySystem system = new IntegritySystem(IntegrityConfig.small(), flaw);
        assertThat(system.integrity().flaw()).isEqualTo(flaw);
        assertThat(system.apply(new IntegrityAction.Register(DRIVER, CODE, 2 * PAGE, DATA, 2 * PAGE, ENTRY)))
                .containsExactly(new RequestResult(IntegrityCode.OK));
        return system;
    }

    private static RequestResult result(IntegrityCode code) {
        return new RequestResult(code);
    }

    @Test
    void thePageOnlyEntryCheckAdmitsAnotherOffsetOfTheEntryPageAndStartsItAtTheEntryPoint() {
        Writer samePage = new Writer(0, ENTRY + 8, 0);
        Writer nextPage = new Writer(0, ENTRY + PAGE, 0);
        IntegritySystem flawed = boot(IntegrityImplFlaw.ENTRY_CHECKS_PAGE_ONLY);
        assertThat(flawed.apply(new IntegrityAction.Enter(nextPage)))
                .containsExactly(
                        new PolicyAlert(IntegrityAlertCause.WRONG_ENTRY, nextPage),
                        result(IntegrityCode.WRONG_ENTRY_POINT));
        assertThat(flawed.apply(new IntegrityAction.Enter(samePage))).containsExactly(result(IntegrityCode.OK));
        assertThat(flawed.machine().vcpus().get(0).instructionPointer()).isEqualTo(ENTRY);

        IntegritySystem correct = boot(IntegrityImplFlaw.NONE);
        assertThat(correct.apply(new IntegrityAction.Enter(samePage)))
                .contains(result(IntegrityCode.WRONG_ENTRY_POINT));
    }

    @Test
    void theLow32BitEntryCheckAdmitsAnAddressFourGibibytesAway() {
        Writer alias = new Writer(0, ENTRY + (1L << 32), 0);
        Writer near = new Writer(0, ENTRY + 1, 0);
        IntegritySystem flawed = boot(IntegrityImplFlaw.ENTRY_CHECKS_LOW_32_BITS);
        assertThat(flawed.apply(new IntegrityAction.Enter(near))).contains(result(IntegrityCode.WRONG_ENTRY_POINT));
        assertThat(flawed.apply(new IntegrityAction.Enter(alias))).containsExactly(result(IntegrityCode.OK));
        assertThat(flawed.integrity().mode(0)).isEqualTo(Mode.INTEGRITY);

        IntegritySystem correct = boot(IntegrityImplFlaw.NONE);
        assertThat(correct.apply(new IntegrityAction.Enter(alias))).contains(result(IntegrityCode.WRONG_ENTRY_POINT));
    }

    @Test
    void theSilentUnprotectFlawStillAlertsARefusedProtectButNotARefusedUnprotect() {
        IntegritySystem flawed = boot(IntegrityImplFlaw.REFUSED_UNPROTECT_SILENT);
        assertThat(flawed.apply(new IntegrityAction.Protect(OTHER, 40 * PAGE, PAGE, BLOCK)))
                .containsExactly(
                        new PolicyAlert(IntegrityAlertCause.REFUSED_REQUEST, OTHER),
                        result(IntegrityCode.NOT_IN_INTEGRITY_MODE));
        assertThat(flawed.apply(new IntegrityAction.Unprotect(OTHER, 40 * PAGE, PAGE)))
                .containsExactly(result(IntegrityCode.NOT_IN_INTEGRITY_MODE));
    }

    @Test
    void theRollbackFlawDropsTheEarlierProtectionsOfARefusedOverlappingRange() {
        IntegritySystem flawed = boot(IntegrityImplFlaw.ROLLBACK_DROPS_EXISTING);
        flawed.apply(new IntegrityAction.Enter(DRIVER));
        assertThat(flawed.apply(new IntegrityAction.Protect(DRIVER, 41 * PAGE, PAGE, BLOCK)))
                .containsExactly(result(IntegrityCode.OK));
        assertThat(flawed.apply(new IntegrityAction.Protect(DRIVER, 40 * PAGE, 3 * PAGE, BLOCK)))
                .containsExactly(result(IntegrityCode.OVERLAPS));
        assertThat(flawed.integrity().protections().snapshot()).isEmpty();
        assertThat(flawed.tracing().isTraced(ViewId.DEFAULT, page(41))).isFalse();
        assertThat(flawed.tracing().isTraced(IntegrityService.INTEGRITY_VIEW, page(41)))
                .isFalse();
        assertThat(flawed.tracing().isTraced(ViewId.DEFAULT, page(40))).isFalse();
    }

    @Test
    void theWorstCaseFlawRefusesExactlyWhenFreeNodePagesAreFewerThanItsReservation() {
        // an empty tree (height -1) reserves (count + 1) * 3 node pages: of a pool of 30, nine
        // pages reserve all 30 and are granted, ten reserve 33 and are refused
        for (int count : new int[] {9, 10}) {
            IntegrityConfig config = IntegrityConfig.small();
            IntegritySystem system = new IntegritySystem(
                    config,
                    IntegrityImplFlaw.STORE_REFUSES_WITH_ROOM,
                    IntegritySystem.storeConfig(config, 30, BPlusTree.SMALL),
                    TreeImplFlaw.NONE);
            system.apply(new IntegrityAction.Register(DRIVER, CODE, 2 * PAGE, DATA, 2 * PAGE, ENTRY));
            system.apply(new IntegrityAction.Enter(DRIVER));
            ProtectedPageTree tree = ((TreeProtectionStore) system.integrity().protections()).tree();
            assertThat(tree.height()).isEqualTo(-1);
            assertThat(tree.freePool().size()).isEqualTo(30);
            assertThat(system.apply(new IntegrityAction.Protect(DRIVER, 40 * PAGE, count * PAGE, BLOCK)))
                    .as("%d pages", count)
                    .containsExactly(result(count == 9 ? IntegrityCode.OK : IntegrityCode.STORE_FULL));
        }
    }

    @Test
    void theWorstCaseFlawRefusesAProtectTheTreeHasRoomForWholeOrInMicroSteps() {
        // twelve pages on an empty tree: the worst case is (12 + 1) * (0 + 3) = 39 node pages of a
        // pool of 32, the tree's insert takes far fewer
        for (boolean microSteps : new boolean[] {false, true}) {
            for (IntegrityImplFlaw flaw :
                    new IntegrityImplFlaw[] {IntegrityImplFlaw.NONE, IntegrityImplFlaw.STORE_REFUSES_WITH_ROOM}) {
                IntegrityConfig config = IntegrityConfig.small();
                IntegritySystem system = new IntegritySystem(
                        config, flaw, IntegritySystem.storeConfig(config, 32, BPlusTree.SMALL), TreeImplFlaw.NONE);
                system.apply(new IntegrityAction.Register(DRIVER, CODE, 2 * PAGE, DATA, 2 * PAGE, ENTRY));
                system.apply(new IntegrityAction.Enter(DRIVER));
                system.runRequestsInMicroSteps(microSteps);
                ProtectedPageTree tree =
                        ((TreeProtectionStore) system.integrity().protections()).tree();
                assertThat(tree.nodesToProtect(40, 12).orElseThrow())
                        .as("pool pages the insert takes")
                        .isBetween(1, 31);
                List<IntegrityObservation> seen =
                        new ArrayList<>(system.apply(new IntegrityAction.Protect(DRIVER, 40 * PAGE, 12 * PAGE, BLOCK)));
                seen.addAll(system.finishRequest());
                if (flaw == IntegrityImplFlaw.NONE) {
                    assertThat(seen).as("micro-steps %s", microSteps).containsExactly(result(IntegrityCode.OK));
                    assertThat(tree.mappings()).hasSize(12);
                } else {
                    assertThat(seen).as("micro-steps %s", microSteps).containsExactly(result(IntegrityCode.STORE_FULL));
                    assertThat(tree.mappings()).isEmpty();
                    assertThat(tree.freePool().size()).isEqualTo(32);
                }
            }
        }
    }

    @Test
    void theDataExecutableFlawGivesTheDriversDataExecuteInTheIntegrityView() {
        IntegritySystem flawed = boot(IntegrityImplFlaw.DRIVER_DATA_EXECUTABLE_IN_INTEGRITY_VIEW);
        var npt = flawed.machine().view(IntegrityService.INTEGRITY_VIEW).orElseThrow();
        assertThat(npt.leaf(page(18)).orElseThrow().permissions().execute()).isTrue();
        assertThat(npt.leaf(page(19)).orElseThrow().permissions().execute()).isTrue();
    }

    @Test
    void theOwnDataFlawTracesTheDriversDataInTheIntegrityViewToo() {
        IntegritySystem flawed = boot(IntegrityImplFlaw.OWN_DATA_MONITORED_IN_INTEGRITY_VIEW);
        assertThat(flawed.tracing().isTraced(IntegrityService.INTEGRITY_VIEW, page(18)))
                .isTrue();
        flawed.apply(new IntegrityAction.Enter(DRIVER));
        assertThat(flawed.apply(new IntegrityAction.GuestWrite(DRIVER, DATA)))
                .containsExactly(new WriteAlert(18, IntegrityAlertCause.DRIVER_PAGE, AlertAction.BLOCK, DRIVER));
    }

    @Test
    void theInterruptFlawKeepsTheIntegrityViewAfterAnInterruptButNotAfterAFault() {
        IntegritySystem flawed = boot(IntegrityImplFlaw.INTERRUPT_KEEPS_INTEGRITY_VIEW);
        var cpu = flawed.machine().vcpus().get(0);
        flawed.apply(new IntegrityAction.Enter(DRIVER));
        flawed.apply(new IntegrityAction.Interrupt(0, 32));
        assertThat(flawed.integrity().mode(0)).isEqualTo(Mode.NORMAL);
        assertThat(cpu.view()).isEqualTo(IntegrityService.INTEGRITY_VIEW);
        flawed.apply(new IntegrityAction.Exit(DRIVER));
        cpu.setView(ViewId.DEFAULT);
        flawed.apply(new IntegrityAction.Enter(DRIVER));
        flawed.apply(new IntegrityAction.Fault(0, 14));
        assertThat(cpu.view()).isEqualTo(ViewId.DEFAULT);
    }

    @Test
    void onlyTheTreeRequestFlawLeavesTheTreesOwnHypercallsRegistered() {
        long unknown = ErrorCode.UNKNOWN_HYPERCALL.code();
        IntegritySystem correct = boot(IntegrityImplFlaw.NONE);
        assertThat(correct.kernelHypercall(1, ProtectedPageTree.PROTECT_HYPERCALL, 40 * PAGE, PAGE, BLOCK))
                .containsExactly(new HypercallResult(
                        correct.machine().vcpus().get(1).id(), ProtectedPageTree.PROTECT_HYPERCALL, unknown));
        assertThat(correct.kernelHypercall(1, ProtectedPageTree.UNPROTECT_HYPERCALL, 40 * PAGE, PAGE, 0))
                .containsExactly(new HypercallResult(
                        correct.machine().vcpus().get(1).id(), ProtectedPageTree.UNPROTECT_HYPERCALL, unknown));

        IntegritySystem flawed = boot(IntegrityImplFlaw.TREE_REQUEST_WITHOUT_MODE_CHECK);
        // vCPU 1 last ran user code; the kernel makes the call.
        flawed.apply(new IntegrityAction.GuestWrite(new Writer(1, 0x40_0000, 3), 30 * PAGE));
        assertThat(flawed.machine().vcpus().get(1).privilege()).isEqualTo(Privilege.USER);
        flawed.kernelHypercall(1, ProtectedPageTree.PROTECT_HYPERCALL, 40 * PAGE, 2 * PAGE, BLOCK);
        assertThat(flawed.integrity().protections().snapshot())
                .containsExactly(Map.entry(40L, AlertAction.BLOCK), Map.entry(41L, AlertAction.BLOCK));
        flawed.kernelHypercall(1, ProtectedPageTree.UNPROTECT_HYPERCALL, 40 * PAGE, PAGE, 0);
        assertThat(flawed.integrity().protections().snapshot()).containsExactly(Map.entry(41L, AlertAction.BLOCK));
    }

    @Test
    void evenWithTheModeCheckGoneRegistrationStaysOffPagesAlreadyProtected() {
        IntegritySystem flawed = new IntegritySystem(IntegrityConfig.small(), IntegrityImplFlaw.REQUESTS_IGNORE_MODE);
        assertThat(flawed.apply(new IntegrityAction.Protect(OTHER, 40 * PAGE, PAGE, BLOCK)))
                .containsExactly(result(IntegrityCode.OK));
        assertThat(flawed.apply(new IntegrityAction.Register(DRIVER, 40 * PAGE, PAGE, DATA, PAGE, 40 * PAGE)))
                .containsExactly(result(IntegrityCode.BAD_LAYOUT));
        assertThat(flawed.apply(new IntegrityAction.Register(DRIVER, CODE, PAGE, 40 * PAGE, PAGE, CODE)))
                .containsExactly(result(IntegrityCode.BAD_LAYOUT));
        assertThat(flawed.integrity().driver()).isEmpty();
        assertThat(flawed.apply(new IntegrityAction.Register(DRIVER, CODE, PAGE, DATA, PAGE, CODE)))
                .containsExactly(result(IntegrityCode.OK));
    }

    @Test
    void everyFlawButNoneNamesWhatCatchesIt() {
        for (IntegrityImplFlaw flaw : IntegrityImplFlaw.values()) {
            assertThat(flaw.caughtBy().isEmpty()).as("%s", flaw).isEqualTo(flaw == IntegrityImplFlaw.NONE);
        }
    }

    private static GuestPhysicalPage page(long n) {
        return new GuestPhysicalPage(n);
    }
}
