package org.hvproof.properties.domains;

import static org.assertj.core.api.Assertions.assertThat;

import org.hvproof.impl.domains.DomainsImplFlaw;
import org.hvproof.propcheck.PropertyResult;
import org.hvproof.propcheck.Settings;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * PD-1 catches {@link DomainsImplFlaw#ROOT_LARGE_LEAF_CHECKED_AT_BLOCK_START}, a root large leaf
 * checked only at its block's first page, on its own: the flaw acts only on a root access through
 * a 2 MiB leaf over block 0 to a page past the root's region, which the root's chains reach since
 * they draw the page accessed over every page an access may name (they once drew pages 0..3 only,
 * all of them root pages the block's first page vouches for). {@code EveryFlawIsCaughtTest} holds
 * the declared check and length with every other flaw; this runs the one flaw alone.
 */
class DomainsRootLargeLeafTest {
    @Test
    @DisplayName("PD-1 catches a root large leaf checked only at its block's first page")
    void isolationCatchesARootLargeLeafCheckedOnlyAtItsBlocksFirstPage() {
        PropertyResult r = DomainsProperties.isolation(DomainsImplFlaw.ROOT_LARGE_LEAF_CHECKED_AT_BLOCK_START)
                .run(Settings.none().withSeed(20261125L).withQuiet(true));
        assertThat(r.failed()).as("%s", r.report()).isTrue();
        assertThat(r.failedCheck()).as("%s", r.report()).startsWith("PD-1 isolationOnMachine");
        assertThat(r.traceLength()).as("%s", r.report()).isLessThanOrEqualTo(1);
    }
}
