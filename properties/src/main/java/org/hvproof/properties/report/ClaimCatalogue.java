package org.hvproof.properties.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hvproof.specs.SpecError;
import org.hvproof.specs.SpecText;

/**
 * The claims catalogue, read from CLAIMS.md: every table row whose first cell is a claim id.
 *
 * <p>CLAIMS.md is the single list of what hvproof promises to check; the report runs exactly
 * the claims listed there, so a claim cannot be dropped from the gate by deleting its property.
 * A row's mechanism is the section it sits in ({@code ## tracing — ...}) and must agree with the
 * id's group; a mismatch or a duplicate id is an error that names the line.
 */
public final class ClaimCatalogue {
    private final String name;
    private final List<CatalogueEntry> entries;

    private ClaimCatalogue(String name, List<CatalogueEntry> entries) {
        this.name = name;
        this.entries = List.copyOf(entries);
    }

    /** The catalogue's entries in the order CLAIMS.md lists them. */
    public List<CatalogueEntry> entries() {
        return entries;
    }

    /** The name it was read from (the file's path as given), as error messages and locations print it. */
    public String name() {
        return name;
    }

    /**
     * The entries {@code selectors} name, in catalogue order: each selector is an id ({@code TRACE-1})
     * or a group ({@code TRACE}); none selects every entry.
     *
     * @throws IllegalArgumentException naming a selector that selects nothing, and every known id
     */
    public List<CatalogueEntry> select(List<String> selectors) {
        if (selectors == null || selectors.isEmpty()) {
            return entries;
        }
        Set<CatalogueEntry> chosen = new HashSet<>();
        for (String selector : selectors) {
            List<CatalogueEntry> matched = entries.stream()
                    .filter(e -> ClaimId.selects(selector, e.id()))
                    .toList();
            if (matched.isEmpty()) {
                throw new IllegalArgumentException(selector + ": no claim in " + name
                        + " has that id or group (known: "
                        + String.join(
                                ", ", entries.stream().map(CatalogueEntry::id).toList()) + ")");
            }
            chosen.addAll(matched);
        }
        // Catalogue order whatever order the selectors came in.
        return entries.stream().filter(chosen::contains).toList();
    }

    /** Reads CLAIMS.md; a missing or malformed file is a {@link CatalogueException}. */
    public static ClaimCatalogue read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CatalogueException(file + ": cannot read the claims catalogue: " + e.getMessage());
        }
        try {
            return parse(file.toString(), SpecText.decode(file, bytes).lines().toList());
        } catch (SpecError e) {
            throw new CatalogueException(e.getMessage());
        }
    }

    /** Parses the catalogue's lines; {@code name} is used in error messages. */
    public static ClaimCatalogue parse(String name, List<String> lines) {
        List<CatalogueEntry> entries = new ArrayList<>();
        Map<String, Integer> lineOfId = new HashMap<>();
        String section = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            int lineNo = i + 1;
            if (line.startsWith("## ")) {
                section = sectionMechanism(line.substring(3));
                continue;
            }
            if (!line.startsWith("|")) {
                continue;
            }
            List<String> cells = cells(line);
            if (cells.isEmpty() || !ClaimId.isClaimId(cells.get(0))) {
                continue;
            }
            String id = cells.get(0);
            if (cells.size() < 3) {
                throw new CatalogueException(name + ":" + lineNo + ": claim " + id
                        + " needs at least id, statement and source cells, found " + cells.size());
            }
            if (lineOfId.containsKey(id)) {
                throw new CatalogueException(name + ":" + lineNo + ": claim " + id + " is listed twice (first on line "
                        + lineOfId.get(id) + ")");
            }
            String mechanism = ClaimId.mechanism(id);
            if (section == null || !section.equals(mechanism)) {
                throw new CatalogueException(name + ":" + lineNo + ": claim " + id + " belongs to mechanism '"
                        + mechanism + "' but sits in section '" + section + "'");
            }
            if (cells.get(1).isBlank()) {
                throw new CatalogueException(name + ":" + lineNo + ": claim " + id + " has an empty statement");
            }
            lineOfId.put(id, lineNo);
            entries.add(new CatalogueEntry(id, mechanism, cells.get(1), cells.get(2), lineNo));
        }
        if (entries.isEmpty()) {
            throw new CatalogueException(
                    name + ": no claims found (expected table rows starting with an id such as TRACE-1)");
        }
        return new ClaimCatalogue(name, entries);
    }

    private static String sectionMechanism(String heading) {
        String word = heading.strip().split("[\\s—-]+", 2)[0];
        return word.replace("`", "").toLowerCase(java.util.Locale.ROOT);
    }

    private static List<String> cells(String row) {
        String inner = row.substring(1);
        if (inner.endsWith("|")) {
            inner = inner.substring(0, inner.length() - 1);
        }
        List<String> out = new ArrayList<>();
        for (String cell : inner.split("\\|", -1)) {
            out.add(cell.strip().replace("`", ""));
        }
        return out;
    }

    /** A claims catalogue that cannot be read or is malformed; the message names file and line. */
    public static final class CatalogueException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CatalogueException(String message) {
            super(message);
        }
    }
}
