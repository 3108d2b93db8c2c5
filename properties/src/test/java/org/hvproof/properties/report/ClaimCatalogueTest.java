package org.hvproof.properties.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClaimCatalogueTest {

    @Test
    void readsTableRowsWithTheirSectionsMechanism() {
        ClaimCatalogue cat = ClaimCatalogue.parse(
                "C.md",
                List.of(
                        "# title",
                        "## tracing — the service",
                        "| id | claim | source |",
                        "|---|---|---|",
                        "| TRACE-1 | every write `notifies` | seed |",
                        "## tree",
                        "| TREE-2 | node pages alert | seed 1 |"));
        assertThat(cat.entries())
                .containsExactly(
                        new CatalogueEntry("TRACE-1", "tracing", "every write notifies", "seed", 5),
                        new CatalogueEntry("TREE-2", "tree", "node pages alert", "seed 1", 7));
    }

    @Test
    void aDuplicateIdNamesBothLines() {
        assertThatThrownBy(() -> ClaimCatalogue.parse(
                        "C.md", List.of("## tracing", "| TRACE-1 | a | s |", "| TRACE-1 | b | s |")))
                .isInstanceOf(ClaimCatalogue.CatalogueException.class)
                .hasMessage("C.md:3: claim TRACE-1 is listed twice (first on line 2)");
    }

    @Test
    void aClaimInTheWrongSectionIsRejectedWithItsLine() {
        assertThatThrownBy(() -> ClaimCatalogue.parse("C.md", List.of("## tree", "| TRACE-1 | a | s |")))
                .hasMessage("C.md:2: claim TRACE-1 belongs to mechanism 'tracing' but sits in section 'tree'");
    }

    @Test
    void anEmptyCatalogueIsAnError() {
        assertThatThrownBy(() -> ClaimCatalogue.parse("C.md", List.of("# nothing here")))
                .hasMessageContaining("no claims found");
    }

    @Test
    void aMissingFileSaysWhichFile() {
        assertThatThrownBy(() -> ClaimCatalogue.read(Path.of("/nonexistent/CLAIMS.md")))
                .hasMessageStartingWith("/nonexistent/CLAIMS.md: cannot read the claims catalogue");
    }

    @Test
    void theProjectsOwnCatalogueParsesAndListsTheTracingClaims() {
        ClaimCatalogue cat = ClaimCatalogue.read(Path.of("../CLAIMS.md"));
        assertThat(cat.entries()).extracting(CatalogueEntry::id).contains("TRACE-1", "TRACE-2", "TRACE-3");
    }

    @Test
    void selectionKeepsCatalogueOrderAndNamesTheKnownIdsWhenNothingMatches() {
        ClaimCatalogue cat = ClaimCatalogue.parse(
                "C.md",
                List.of("## tracing", "| TRACE-1 | a | s |", "| TRACE-2 | b | s |", "## tree", "| TREE-1 | c | s |"));
        assertThat(cat.select(List.of("TREE", "TRACE-2")))
                .extracting(CatalogueEntry::id)
                .containsExactly("TRACE-2", "TREE-1");
        assertThat(cat.select(List.of())).hasSize(3);
        assertThatThrownBy(() -> cat.select(List.of("NOPE-1")))
                .hasMessage("NOPE-1: no claim in C.md has that id or group (known: TRACE-1, TRACE-2, TREE-1)");
    }

    @Test
    void aGroupSelectsItsClaimsButAnIdOnlyItself() {
        assertThat(ClaimId.selects("TRACE", "TRACE-1")).isTrue();
        assertThat(ClaimId.selects("trace", "TRACE-3")).isTrue();
        assertThat(ClaimId.selects("TRACE-1", "TRACE-1")).isTrue();
        assertThat(ClaimId.selects("TRACE-1", "TRACE-10")).isFalse();
        assertThat(ClaimId.selects("TR", "TRACE-1")).isFalse();
    }
}
