package org.hvproof.impl.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.BPlusTree;
import org.hvproof.model.tree.InsertDemand;
import org.hvproof.model.tree.PageRange;
import org.hvproof.model.tree.RequestCode;
import org.hvproof.model.tree.TreeConfig;
import org.hvproof.model.tree.TreeState;
import org.junit.jupiter.api.Test;

/**
 * The model's bound on the pool pages a protect can take ({@link InsertDemand}, computed from the
 * abstract layout alone) against the tree's own dry run of the same insert ({@link
 * ProtectedPageTree#nodesToProtect}) on random trees: never below it, so the model takes every
 * refusal the tree makes for want of node pages; zero exactly when the insert takes nothing; and
 * for one-page protects mostly what the insert takes.
 */
class TreePoolDemandTest {
    private static final long PAGE = 4096;
    private static final long BLOCK = AlertAction.BLOCK.requestCode();

    /** What one random walk found: protects tried, refused, and one-page protects that took pages, exactly bounded. */
    private record Tally(int protects, int refused, int onePageTaking, int onePageExact) {}

    /**
     * {@code runs} walks of random protects (1 to 24 pages, mostly below the pool, sometimes over it) and unprotects on a
     * tree of {@code shape} with a pool of {@code poolSize} pages. Before each protect of unmapped
     * pages: the model's bound on the machine's abstract state is at least what the dry run takes,
     * zero exactly when it takes nothing, and above the free pool whenever the dry run cannot get
     * its nodes; the protect then answers as the dry run said.
     */
    private static Tally walk(BPlusTree shape, int poolSize, long seed, int runs) {
        TreeConfig cfg = new TreeConfig(512 + poolSize, 512, poolSize, 64, shape);
        SplittableRandom rnd = new SplittableRandom(seed);
        int protects = 0;
        int refused = 0;
        int onePageTaking = 0;
        int onePageExact = 0;
        for (int run = 0; run < runs; run++) {
            TreeSystem sys = new TreeSystem(cfg, 1, TreeImplFlaw.NONE);
            for (int i = 0; i < 60; i++) {
                TreeState s = sys.abstractState();
                long first = rnd.nextInt(8) == 0 ? cfg.poolFirst() + rnd.nextInt(poolSize) : rnd.nextInt(160);
                long count = Math.min(1 + rnd.nextInt(rnd.nextBoolean() ? 3 : 24), cfg.guestPages() - first);
                boolean unmapped = s.mappings().subMap(first, first + count).isEmpty();
                if (unmapped && rnd.nextInt(3) > 0) {
                    OptionalInt need = sys.tree().nodesToProtect(first, count);
                    long most = InsertDemand.mostNodesToProtect(s, new PageRange(first, count));
                    String what = "protect of " + count + " pages from " + first + " on " + s.describe();
                    if (need.isPresent()) {
                        assertThat(most).as(what).isGreaterThanOrEqualTo(need.getAsInt());
                        assertThat(most == 0)
                                .as(what + ": bound %d, takes %d", most, need.getAsInt())
                                .isEqualTo(need.getAsInt() == 0);
                        if (count == 1 && need.getAsInt() > 0) {
                            onePageTaking++;
                            onePageExact += most == need.getAsInt() ? 1 : 0;
                        }
                    } else {
                        assertThat(most).as(what).isGreaterThan(s.freePool().size());
                        refused++;
                    }
                    protects++;
                    RequestCode code = TreeSystem.requestCodes(sys.protect(first * PAGE, count * PAGE, BLOCK))
                            .get(0);
                    assertThat(code).as(what).isEqualTo(need.isPresent() ? RequestCode.OK : RequestCode.POOL_EXHAUSTED);
                } else if (!s.mappings().isEmpty()) {
                    List<Long> mapped = s.mappings().keySet().asList();
                    long page = mapped.get(rnd.nextInt(mapped.size()));
                    long pages = 1;
                    while (pages < 8 && s.mappings().containsKey(page + pages)) {
                        pages++;
                    }
                    sys.unprotect(page * PAGE, pages * PAGE);
                }
            }
        }
        return new Tally(protects, refused, onePageTaking, onePageExact);
    }

    @Test
    void onOrderFourTheBoundIsNeverBelowWhatTheInsertTakesAndMostlyExactForOnePage() {
        Tally t = walk(BPlusTree.SMALL, 64, 3, 30);
        assertThat(t.refused())
                .as("protects the tree refused for want of nodes")
                .isGreaterThan(20);
        assertThat(t.protects() - t.refused()).as("protects granted").isGreaterThan(400);
        assertThat(t.onePageTaking()).as("one-page protects that took pages").isGreaterThan(20);
        assertThat(t.onePageExact()).as("of them bounded exactly").isGreaterThan(t.onePageTaking() / 2);
    }

    @Test
    void onOrdersFiveAndSixTheBoundIsNeverBelowWhatTheInsertTakes() {
        for (int order : new int[] {5, 6}) {
            Tally t = walk(new BPlusTree(order), 24, order, 20);
            assertThat(t.refused()).as("order %d: refused", order).isGreaterThan(10);
            assertThat(t.protects() - t.refused())
                    .as("order %d: granted", order)
                    .isGreaterThan(400);
        }
    }
}
