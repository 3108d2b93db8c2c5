package org.hvproof.impl.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.tree.ProtectedPageTree;
import org.hvproof.impl.tree.TreeEvent;
import org.hvproof.impl.tree.TreeImplFlaw;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.integrity.IntegrityAction;
import org.hvproof.model.integrity.IntegrityCode;
import org.hvproof.model.integrity.IntegrityConfig;
import org.hvproof.model.integrity.IntegrityObservation;
import org.hvproof.model.integrity.IntegrityObservation.RequestResult;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.AlertCause;
import org.hvproof.model.tree.BPlusTree;
import org.hvproof.model.tree.TreeObservation;
import org.hvproof.model.tree.Writer;
import org.junit.jupiter.api.Test;

/** TREE-7 on the machine: the integrity service's protections are the leaves of its traced tree. */
class TreeProtectionStoreTest {
    private static final long PAGE = 4096;
    private static final long CODE = 16 * PAGE;
    private static final long DATA = 18 * PAGE;
    private static final long ENTRY = CODE + 0x40;
    private static final Writer DRIVER = new Writer(0, ENTRY, 0);
    private static final IntegrityConfig CONFIG = IntegrityConfig.small();

    private static IntegritySystem boot(int poolPages) {
        IntegritySystem system = new IntegritySystem(
                CONFIG,
                IntegrityImplFlaw.NONE,
                IntegritySystem.storeConfig(CONFIG, poolPages, BPlusTree.SMALL),
                TreeImplFlaw.NONE);
        assertThat(system.apply(new IntegrityAction.Register(DRIVER, CODE, 2 * PAGE, DATA, 2 * PAGE, ENTRY)))
                .containsExactly(new RequestResult(IntegrityCode.OK));
        assertThat(system.apply(new IntegrityAction.Enter(DRIVER)))
                .containsExactly(new RequestResult(IntegrityCode.OK));
        return system;
    }

    private static ProtectedPageTree tree(IntegritySystem system) {
        return ((TreeProtectionStore) system.integrity().protections()).tree();
    }

    @Test
    void protectInsertsLeafMappingsAndUnprotectRemovesThem() {
        IntegritySystem system = boot(1024);
        assertThat(system.apply(
                        new IntegrityAction.Protect(DRIVER, 40 * PAGE, 12 * PAGE, AlertAction.BLOCK.requestCode())))
                .containsExactly(new RequestResult(IntegrityCode.OK));
        assertThat(tree(system).mappings())
                .hasSize(12)
                .containsEntry(40L, AlertAction.BLOCK)
                .containsEntry(51L, AlertAction.BLOCK);
        // order 4: twelve pages split the root
        assertThat(tree(system).nodePages().size()).isGreaterThan(1);
        assertThat(system.apply(new IntegrityAction.Unprotect(DRIVER, 40 * PAGE, 2 * PAGE)))
                .containsExactly(new RequestResult(IntegrityCode.OK));
        Map<Long, AlertAction> expected = new TreeMap<>();
        for (long page = 42; page < 52; page++) {
            expected.put(page, AlertAction.BLOCK);
        }
        assertThat(tree(system).mappings()).isEqualTo(expected);
        assertThat(system.abstractState().protections()).isEqualTo(expected);
    }

    @Test
    void nodePagesAreTracedInBothViewsAndMappedPagesOnlyByTheIntegrityService() {
        IntegritySystem system = boot(1024);
        system.apply(
                new IntegrityAction.Protect(DRIVER, 40 * PAGE, 12 * PAGE, AlertAction.RECORD_AND_ALLOW.requestCode()));
        for (long node : tree(system).nodePages()) {
            GuestPhysicalPage p = new GuestPhysicalPage(node);
            assertThat(node).isGreaterThanOrEqualTo(CONFIG.guestPages());
            assertThat(system.tracing().holds(ViewId.DEFAULT, ProtectedPageTree.OWNER, p))
                    .isTrue();
            assertThat(system.tracing().holds(IntegrityService.INTEGRITY_VIEW, ProtectedPageTree.OWNER, p))
                    .isTrue();
            assertThat(system.tracing().isTraced(IntegrityService.INTEGRITY_VIEW, p))
                    .isTrue();
        }
        GuestPhysicalPage mapped = new GuestPhysicalPage(40);
        assertThat(system.tracing().owners(ViewId.DEFAULT, mapped)).containsExactly(IntegrityService.OWNER);
        assertThat(system.tracing().owners(IntegrityService.INTEGRITY_VIEW, mapped))
                .containsExactly(IntegrityService.OWNER);
    }

    @Test
    void aNodePageWriteFromIntegrityModeIsVetoedWithTheTreesAlert() {
        IntegritySystem system = boot(1024);
        system.apply(new IntegrityAction.Protect(DRIVER, 40 * PAGE, 4 * PAGE, AlertAction.BLOCK.requestCode()));
        long root = tree(system).root().orElseThrow();
        byte[] before = system.page(root);
        assertThat(system.machine().vcpus().get(0).view()).isEqualTo(IntegrityService.INTEGRITY_VIEW);
        assertThat(system.writeNodePage(0, root, 0))
                .anyMatch(o -> o instanceof TreeEvent e
                        && e.observation() instanceof TreeObservation.Alert a
                        && a.page() == root
                        && a.cause() == AlertCause.NODE_PAGE
                        && a.action() == AlertAction.TREE_NODE);
        assertThat(system.page(root)).isEqualTo(before);
        assertThat(tree(system).mappings()).hasSize(4);
    }

    @Test
    void aGuestWriteFarAboveRamCannotRemapTheNodeProbe() {
        IntegritySystem system = boot(1024);
        system.apply(new IntegrityAction.Protect(DRIVER, 40 * PAGE, 4 * PAGE, AlertAction.BLOCK.requestCode()));
        long root = tree(system).root().orElseThrow();
        system.writeNodePage(1, root, 0);
        // a guest-physical address whose direct-map address would once have been the probe's own
        long far = (1L << 44) + (root << 12);
        system.apply(new IntegrityAction.GuestWrite(new Writer(1, ENTRY, 0), far));
        byte[] before = system.page(root);
        assertThat(system.writeNodePage(1, root, 8))
                .anyMatch(o -> o instanceof TreeEvent e
                        && e.observation() instanceof TreeObservation.Alert a
                        && a.page() == root
                        && a.action() == AlertAction.TREE_NODE);
        assertThat(system.page(root)).isEqualTo(before);
    }

    @Test
    void aFullPoolRefusesTheWholeProtectAndChangesNothing() {
        IntegritySystem system = boot(8);
        assertThat(system.apply(
                        new IntegrityAction.Protect(DRIVER, 40 * PAGE, 4 * PAGE, AlertAction.BLOCK.requestCode())))
                .containsExactly(new RequestResult(IntegrityCode.OK));
        Map<Long, AlertAction> before = tree(system).mappings();
        assertThat(system.apply(
                        new IntegrityAction.Protect(DRIVER, 100 * PAGE, 64 * PAGE, AlertAction.BLOCK.requestCode())))
                .containsExactly(new RequestResult(IntegrityCode.STORE_FULL));
        assertThat(tree(system).mappings()).isEqualTo(before);
        assertThat(system.tracing().isTraced(ViewId.DEFAULT, new GuestPhysicalPage(100)))
                .isFalse();
        assertThat(system.abstractState().protections()).isEqualTo(before);
    }

    @Test
    void nodesToProtectIsWhatTheProtectTakesAndEmptyExactlyWhenTheStoreRefusesIt() {
        // Random protects and unprotects of 1 to 8 pages on a 32-page pool: before each protect
        // the tree's dry run says how many pool pages it takes, or that the pool cannot give them;
        // the protect then takes exactly that many, or is refused whole (STORE_FULL).
        Random rnd = new Random(11);
        int refused = 0;
        int granted = 0;
        for (int run = 0; run < 40; run++) {
            IntegritySystem system = boot(32);
            ProtectedPageTree tree = tree(system);
            for (int i = 0; i < 30; i++) {
                long first = 100 + rnd.nextInt(200);
                long count = 1 + rnd.nextInt(rnd.nextBoolean() ? 2 : 8);
                SortedMap<Long, AlertAction> mapped = tree.mappings();
                boolean free = mapped.subMap(first, first + count).isEmpty();
                if (free && rnd.nextInt(4) > 0) {
                    BitSet pool = tree.freeBits();
                    OptionalInt need = tree.nodesToProtect(first, count);
                    assertThat(tree.freeBits())
                            .as("the dry run gives back what it took")
                            .isEqualTo(pool);
                    assertThat(tree.mappings()).as("the dry run maps nothing").isEqualTo(mapped);
                    List<IntegrityObservation> seen = system.apply(new IntegrityAction.Protect(
                            DRIVER, first * PAGE, count * PAGE, AlertAction.BLOCK.requestCode()));
                    if (need.isEmpty()) {
                        assertThat(seen).containsExactly(new RequestResult(IntegrityCode.STORE_FULL));
                        assertThat(tree.freeBits()).isEqualTo(pool);
                        refused++;
                    } else {
                        assertThat(seen).containsExactly(new RequestResult(IntegrityCode.OK));
                        assertThat(pool.cardinality() - tree.freeBits().cardinality())
                                .as("pool pages taken by protecting %d pages from %d", count, first)
                                .isEqualTo(need.getAsInt());
                        granted++;
                    }
                } else if (!mapped.isEmpty()) {
                    long page = new ArrayList<>(mapped.keySet()).get(rnd.nextInt(mapped.size()));
                    system.apply(new IntegrityAction.Unprotect(DRIVER, page * PAGE, PAGE));
                }
            }
        }
        assertThat(refused).as("protects refused").isGreaterThan(20);
        assertThat(granted).as("protects granted").isGreaterThan(100);
    }

    @Test
    void aOnePageProtectTakesAtMostTwoPoolPagesMoreThanTheTreeHasNodes() {
        // system.als lets a one-page protect be refused only while the free nodes are fewer than the
        // live nodes and two: a split on every level and a new root, then the node-page entries of
        // the pages taken splitting the rightmost leaf once more. The Java tree of order 4 keeps
        // within that bound on random trees of up to 64 nodes.
        Random rnd = new Random(5);
        int worst = Integer.MIN_VALUE;
        for (int run = 0; run < 20; run++) {
            IntegritySystem system = boot(64);
            ProtectedPageTree tree = tree(system);
            for (int i = 0; i < 120; i++) {
                long page = 100 + rnd.nextInt(400);
                Map<Long, AlertAction> mapped = tree.mappings();
                if (!mapped.containsKey(page) && rnd.nextInt(5) > 0) {
                    OptionalInt need = tree.nodesToProtect(page, 1);
                    int nodes = tree.nodePages().size();
                    if (need.isPresent()) {
                        worst = Math.max(worst, need.getAsInt() - nodes);
                        assertThat(need.getAsInt())
                                .as("pool pages a protect of page %d takes from a tree of %d nodes", page, nodes)
                                .isLessThanOrEqualTo(nodes + 2);
                    }
                    system.apply(
                            new IntegrityAction.Protect(DRIVER, page * PAGE, PAGE, AlertAction.BLOCK.requestCode()));
                } else if (!mapped.isEmpty()) {
                    long gone = new ArrayList<>(mapped.keySet()).get(rnd.nextInt(mapped.size()));
                    system.apply(new IntegrityAction.Unprotect(DRIVER, gone * PAGE, PAGE));
                }
            }
        }
        assertThat(worst).as("the bound is reached").isEqualTo(2);
    }

    @Test
    void aViewCreatedAfterTheTreeGetsEveryNodePageTracedBeforeTheNextRequestChangesAnything() {
        IntegritySystem system = boot(1024);
        system.apply(new IntegrityAction.Protect(DRIVER, 40 * PAGE, 12 * PAGE, AlertAction.BLOCK.requestCode()));
        ViewId late = new ViewId("late");
        assertThat(system.machine().addView(late)).isPresent();
        system.hypervisor().shareFrames(late, ViewId.DEFAULT);
        assertThat(system.apply(new IntegrityAction.Protect(DRIVER, 60 * PAGE, PAGE, AlertAction.BLOCK.requestCode())))
                .containsExactly(new RequestResult(IntegrityCode.OK));
        assertThat(tree(system).coveredViews()).contains(late);
        for (long node : tree(system).nodePages()) {
            GuestPhysicalPage p = new GuestPhysicalPage(node);
            assertThat(system.tracing().holds(late, ProtectedPageTree.OWNER, p)).isTrue();
            assertThat(system.tracing().isTraced(late, p)).isTrue();
        }
    }

    @Test
    void aViewWithFramesOfItsOwnIsNeverGivenTheNodePages() {
        IntegritySystem system = boot(1024);
        ViewId other = new ViewId("other-guest");
        assertThat(system.machine().addView(other)).isPresent();
        assertThat(system.apply(
                        new IntegrityAction.Protect(DRIVER, 40 * PAGE, 40 * PAGE, AlertAction.BLOCK.requestCode())))
                .containsExactly(new RequestResult(IntegrityCode.OK));
        assertThat(tree(system).nodePages()).isNotEmpty();
        assertThat(tree(system).coveredViews()).doesNotContain(other);
        for (long node : tree(system).nodePages()) {
            assertThat(system.machine().view(other).orElseThrow().leaf(new GuestPhysicalPage(node)))
                    .as("node page %d in a view with frames of its own", node)
                    .isEmpty();
        }
    }
}
