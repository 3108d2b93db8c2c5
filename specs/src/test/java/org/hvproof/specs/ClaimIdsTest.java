package org.hvproof.specs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClaimIdsTest {

    @Test
    void findsEveryMechanismsIdsAsWholeWords() {
        assertThat(ClaimIds.in("TRACE-1, TREE-2; GI-7 and PD-1 (INT-3) MIG-4/FT-2"))
                .containsExactly("TRACE-1", "TREE-2", "GI-7", "PD-1", "INT-3", "MIG-4", "FT-2");
        assertThat(ClaimIds.in("trace-1 TRACE- TRACEx-1 X-TRACE1 no ids")).isEmpty();
    }

    @Test
    void readsOnlyTheContiguousCommentBlockDirectlyAbove() {
        List<String> lines = List.of(
                "-- TRACE-9 far above",
                "",
                "-- TRACE-1 first line",
                "   // TREE-2 second line",
                "check X for 3 expect 0");

        assertThat(ClaimIds.above(lines, 5)).containsExactly("TRACE-1", "TREE-2");
    }

    @Test
    void codeDirectlyAboveMeansNoClaims() {
        List<String> lines = List.of("-- TRACE-1", "assert A { no none }", "check A expect 0");

        assertThat(ClaimIds.above(lines, 3)).isEmpty();
        assertThat(ClaimIds.above(lines, 2)).containsExactly("TRACE-1");
    }

    @Test
    void readsBlockComments() {
        List<String> lines = List.of("/*", " * GI-3 in a block", " */", "-- GI-4 then a line", "run R expect 1");

        assertThat(ClaimIds.above(lines, 5)).containsExactly("GI-3", "GI-4");
    }

    @Test
    void firstLineHasNothingAbove() {
        assertThat(ClaimIds.above(List.of("run R expect 1"), 1)).isEmpty();
    }

    @Test
    void aNameSpellsItsClaim() {
        assertThat(ClaimIds.ofName("TRACE_1_oneNotificationPerTracedPage")).contains("TRACE-1");
        assertThat(ClaimIds.ofName("TRACE_3_wrong_anyRemovalSilencesPage")).contains("TRACE-3");
        assertThat(ClaimIds.ofName("PD_2_pointersMatchDomain_init")).contains("PD-2");
        assertThat(ClaimIds.ofName("TRACE1_TracedWriteNotifiesOnce")).isEmpty();
        assertThat(ClaimIds.ofName("model_writeBitMatchesTraces")).isEmpty();
        assertThat(ClaimIds.ofName("x_TRACE_1_y")).isEmpty();
    }

    @Test
    void supportsTagsNameTheIdsBeforeTheirColon() {
        List<String> lines =
                List.of("-- Supports TRACE-1, TRACE-2: unlike TRACE-3, the invariant", "check model_x { } expect 0");

        assertThat(ClaimIds.supportedAbove(lines, 2)).containsExactly("TRACE-1", "TRACE-2");
        assertThat(ClaimIds.supportedIn("-- TRACE-1: no Supports tag here")).isEmpty();
    }
}
