package org.hvproof.properties.cli;

import java.nio.file.Path;
import java.util.List;
import org.hvproof.properties.report.CatalogueEntry;
import org.hvproof.properties.report.ClaimCatalogue;

/**
 * The catalogue a command read and the claims its selectors chose, in catalogue order.
 *
 * @param catalogue the whole catalogue
 * @param claims    the chosen entries (every entry when no selector was given)
 */
record SelectedClaims(ClaimCatalogue catalogue, List<CatalogueEntry> claims) {
    SelectedClaims {
        claims = List.copyOf(claims);
    }

    /**
     * Reads {@code file} (the project's CLAIMS.md when null) and selects.
     *
     * @param option how the selectors were given ({@code --claim}, or {@code ID} for a positional), for messages
     * @throws BadInput for a selector that selects nothing, listing the known ids
     * @throws ClaimCatalogue.CatalogueException when the catalogue cannot be read or is malformed
     */
    static SelectedClaims read(Path file, HvproofPaths paths, List<String> selectors, String option) {
        ClaimCatalogue catalogue = ClaimCatalogue.read(file != null ? file : paths.catalogue());
        try {
            return new SelectedClaims(catalogue, catalogue.select(selectors));
        } catch (IllegalArgumentException e) {
            throw new BadInput(option + " " + e.getMessage());
        }
    }

    /** The chosen ids. */
    List<String> ids() {
        return claims.stream().map(CatalogueEntry::id).toList();
    }
}
