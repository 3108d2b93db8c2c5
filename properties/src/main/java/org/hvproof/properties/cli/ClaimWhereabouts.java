package org.hvproof.properties.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hvproof.model.common.Flaw;
import org.hvproof.model.common.Invariant;
import org.hvproof.properties.Mechanisms.Mechanism;
import org.hvproof.properties.report.CatalogueEntry;
import org.hvproof.properties.report.ClaimedProperty;
import org.hvproof.specs.AlloyRunner;
import org.hvproof.specs.ClaimIds;
import org.hvproof.specs.RunListener;
import org.hvproof.specs.SpecCommand;
import org.hvproof.specs.SpecError;

/**
 * Where one claim is written down, found without solving anything: its catalogue row, the Alloy
 * commands tagged with it, the model's invariants that state it, the properties that check it and
 * the deliberate flaws that break it.
 *
 * @param claim      the catalogue row
 * @param catalogued {@code CLAIMS.md:19}
 * @param specified  the Alloy commands carrying the id, in spec order
 * @param stated     the model invariants whose claim is the id, as {@code "<kind> invariant <claim> <name>"},
 *                   then the machine checks its flaws name that no model invariant carries
 * @param checkedBy  the {@code @Claim} methods carrying the id, as {@code Class.method}
 * @param brokenBy   the flaw constants whose {@code caughtBy} names the id
 * @param notes      what could not be looked at (a spec that does not parse, a flaw enum that
 *                   does not implement {@link Flaw} yet), so an empty list is never a silent gap
 */
record ClaimWhereabouts(
        CatalogueEntry claim,
        String catalogued,
        List<SpecPlace> specified,
        List<String> stated,
        List<String> checkedBy,
        List<FlawPlace> brokenBy,
        List<String> notes) {

    /**
     * One Alloy command carrying a claim.
     *
     * @param location {@code specs/src/main/alloy/tracing.als:193}
     * @param kind     {@code check} or {@code run}
     * @param name     the command's name
     * @param expect   its {@code expect} (-1 when it has none)
     */
    record SpecPlace(String location, String kind, String name, int expect) {}

    /**
     * One flaw constant that breaks a claim.
     *
     * @param flaw      {@code TracingImplFlaw.NOTIFY_TWICE}
     * @param check     the check whose label its failure must start with
     * @param shrinksTo the longest shrunk trace it may leave
     */
    record FlawPlace(String flaw, String check, int shrinksTo) {}

    /** The claim and everything found for it, as {@code hvproof show} prints it. */
    String text() {
        StringBuilder out = new StringBuilder();
        out.append(claim.id()).append("  (").append(claim.mechanism()).append(")\n");
        out.append("  ").append(claim.statement()).append('\n');
        section(out, "catalogued", List.of(catalogued), "");
        section(
                out,
                "specified",
                aligned(specified, SpecPlace::location, p -> p.kind() + " " + p.name(), p -> "expect " + p.expect()),
                "no Alloy command carries " + claim.id());
        section(out, "stated", stated, "no invariant of Mechanisms.ALL states " + claim.id());
        section(out, "checked", checkedBy, "no @Claim method carries " + claim.id());
        section(
                out,
                "broken by",
                aligned(
                        brokenBy,
                        FlawPlace::flaw,
                        f -> "check \"" + f.check() + "\"",
                        f -> "shrinks to " + f.shrinksTo()),
                "no flaw declares it breaks " + claim.id());
        for (String note : notes) {
            out.append("  note: ").append(note).append('\n');
        }
        return out.toString();
    }

    private static void section(StringBuilder out, String title, List<String> lines, String whenEmpty) {
        List<String> shown = lines.isEmpty() ? List.of("(" + whenEmpty + ")") : lines;
        for (int i = 0; i < shown.size(); i++) {
            out.append(String.format("  %-11s %s%n", i == 0 ? title : "", shown.get(i)));
        }
    }

    @SafeVarargs
    private static <T> List<String> aligned(List<T> rows, Function<T, String>... columns) {
        int[] widths = new int[columns.length];
        for (T row : rows) {
            for (int c = 0; c < columns.length; c++) {
                widths[c] = Math.max(widths[c], columns[c].apply(row).length());
            }
        }
        List<String> out = new ArrayList<>();
        for (T row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns.length; c++) {
                String cell = columns[c].apply(row);
                line.append(cell);
                if (c < columns.length - 1) {
                    line.append(" ".repeat(widths[c] - cell.length() + 2));
                }
            }
            out.add(line.toString());
        }
        return out;
    }

    /**
     * Finds the whereabouts of claims. Parses only the specs whose text names one of them (Alloy's
     * parser, no solver), so one claim takes well under a second.
     */
    static final class Finder {
        private final HvproofPaths paths;
        private final List<Mechanism> mechanisms;

        Finder(HvproofPaths paths, List<Mechanism> mechanisms) {
            this.paths = paths;
            this.mechanisms = List.copyOf(mechanisms);
        }

        /** The whereabouts of each of {@code claims}, in the given order. */
        List<ClaimWhereabouts> find(String catalogueName, List<CatalogueEntry> claims) {
            Set<String> ids = claims.stream().map(CatalogueEntry::id).collect(Collectors.toSet());
            // Parsing is the slow part (Alloy's parser, cold): it runs beside the reflection below.
            CompletableFuture<ParsedSpecs> parsing = CompletableFuture.supplyAsync(() -> commandsNaming(ids));
            List<ClaimedProperty> properties = ClaimedProperty.discover(
                    mechanisms.stream().flatMap(m -> m.properties().stream()).toList());
            List<ClaimWhereabouts> out = new ArrayList<>();
            ParsedSpecs specs = parsing.join();
            for (CatalogueEntry claim : claims) {
                String id = claim.id();
                List<String> notes = new ArrayList<>(specs.notes());
                List<FlawPlace> brokenBy = flaws(claim, notes);
                out.add(new ClaimWhereabouts(
                        claim,
                        catalogueName + ":" + claim.line(),
                        specs.commands().stream()
                                .filter(c -> c.claimIds().contains(id))
                                .map(this::place)
                                .toList(),
                        stated(id, brokenBy),
                        properties.stream()
                                .filter(p -> p.claimIds().contains(id))
                                .map(ClaimedProperty::name)
                                .toList(),
                        brokenBy,
                        notes));
            }
            return out;
        }

        /** The commands of the specs parsed, and a note per spec that did not parse. */
        private record ParsedSpecs(List<SpecCommand> commands, List<String> notes) {}

        /** The commands of every spec whose text names one of {@code ids}. */
        private ParsedSpecs commandsNaming(Set<String> ids) {
            List<Path> specs;
            try {
                specs = Files.isDirectory(paths.specs()) ? AlloyRunner.findSpecs(paths.specs()) : List.of();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list the specs in " + paths.specs() + ": " + e.getMessage(), e);
            }
            List<Path> naming = specs.stream().filter(s -> names(s, ids)).toList();
            if (naming.isEmpty()) {
                return new ParsedSpecs(List.of(), List.of());
            }
            // sat4j: pure Java, so no native solver is probed just to parse.
            AlloyRunner parser = new AlloyRunner("sat4j", RunListener.NONE);
            List<SpecCommand> commands = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            for (Path spec : naming) {
                try {
                    commands.addAll(parser.parse(spec));
                } catch (SpecError e) {
                    notes.add(paths.shown(spec) + " does not parse, so its commands are not listed: " + e);
                }
            }
            return new ParsedSpecs(commands, notes);
        }

        private static boolean names(Path spec, Set<String> ids) {
            try {
                Set<String> named = ClaimIds.in(Files.readString(spec, StandardCharsets.UTF_8));
                return ids.stream().anyMatch(named::contains);
            } catch (IOException e) {
                return true; // let the parser report it
            }
        }

        private SpecPlace place(SpecCommand c) {
            // location() is FILE:LINE:COL; show FILE:LINE, the file relative to the project.
            String rest = c.location().substring(c.path().toString().length() + 1);
            String line = rest.substring(0, rest.indexOf(':'));
            return new SpecPlace(
                    paths.shown(c.path()) + ":" + line, c.check() ? "check" : "run", c.command(), c.expect());
        }

        /**
         * The model invariants stating {@code id}, then the machine checks (on the implementation's
         * state, not the model's) that its flaws name and no model invariant carries: a claim such
         * as TREE-7, about how the hypervisor lays out its own structures, is stated only there.
         */
        private List<String> stated(String id, List<FlawPlace> brokenBy) {
            List<String> out = invariants(id);
            List<String> labels = out.stream()
                    .map(l -> l.substring(l.indexOf(" invariant ") + " invariant ".length()))
                    .toList();
            brokenBy.stream()
                    .map(FlawPlace::check)
                    .filter(c -> !labels.contains(c))
                    .distinct()
                    .forEach(c -> out.add("machine check " + c));
            return out;
        }

        private List<String> invariants(String id) {
            List<String> out = new ArrayList<>();
            for (Mechanism m : mechanisms) {
                labels(out, "state", m.invariants().state(), id);
                labels(out, "step", m.invariants().step(), id);
                labels(out, "pair", m.invariants().pair(), id);
            }
            return out;
        }

        /** Adds each invariant of {@code id} once: the composed system's are its mechanisms' own, lifted. */
        private static void labels(List<String> out, String kind, Collection<? extends Invariant<?>> invs, String id) {
            invs.stream()
                    .filter(i -> i.claim().equals(id))
                    .map(i -> kind + " invariant " + i.label())
                    .filter(l -> !out.contains(l))
                    .forEach(out::add);
        }

        /** Flaw constants declaring they break the claim; a flaw enum of its mechanism that cannot declare is a note. */
        private List<FlawPlace> flaws(CatalogueEntry claim, List<String> notes) {
            List<FlawPlace> out = new ArrayList<>();
            for (Mechanism m : mechanisms) {
                Class<? extends Enum<?>> type = m.implFlaws();
                if (!Flaw.class.isAssignableFrom(type)) {
                    if (m.name().equals(claim.mechanism())) {
                        notes.add(type.getSimpleName() + " does not implement " + Flaw.class.getName()
                                + " yet, so its flaws declare no claims and none is listed");
                    }
                    continue;
                }
                Stream.of(type.getEnumConstants())
                        .map(Flaw.class::cast)
                        .forEach(f -> f.caughtBy().stream()
                                .filter(c -> c.claim().equals(claim.id()))
                                .forEach(c -> out.add(new FlawPlace(
                                        type.getSimpleName() + "." + f.name(), c.check(), c.shrinksTo()))));
            }
            return out;
        }
    }
}
