package org.hvproof.properties.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.hvproof.model.common.Flaw;
import org.hvproof.properties.Mechanisms;
import org.hvproof.properties.Mechanisms.Mechanism;

/**
 * The deliberate bug {@code check --flaw} plants in one mechanism's implementation, so a user can
 * watch the gate catch it: the properties of that mechanism run against the flawed implementation
 * (every other property against the correct one), and the claims the flaw declares it breaks are
 * the default selection.
 *
 * @param mechanism the mechanism whose implementation carries the flaw
 * @param flaw      the flaw constant of its {@code <M>ImplFlaw}, never {@code NONE}
 */
public record PlantedFlaw(Mechanism mechanism, Flaw flaw) {

    /**
     * Reads {@code NAME} or {@code mechanism:NAME} (case-insensitive) against every mechanism's
     * implementation flaws.
     *
     * @throws BadInput naming the value and listing the flaws there are, when none or several match
     */
    static PlantedFlaw parse(String value) {
        String text = value.trim();
        String wantedMechanism = null;
        String name = text;
        int colon = text.indexOf(':');
        if (colon >= 0) {
            wantedMechanism = text.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            name = text.substring(colon + 1).trim();
        }
        if (name.isEmpty()) {
            throw BadInput.option("--flaw", "'" + value + "'", "names no flaw; " + known());
        }
        if (name.equalsIgnoreCase("NONE")) {
            throw BadInput.option("--flaw", value, "NONE is the correct implementation: leave --flaw out");
        }
        List<PlantedFlaw> matches = new ArrayList<>();
        for (Mechanism m : Mechanisms.ALL) {
            if (wantedMechanism != null && !m.name().equals(wantedMechanism)) {
                continue;
            }
            for (Flaw f : flaws(m)) {
                if (f.name().equalsIgnoreCase(name)) {
                    matches.add(new PlantedFlaw(m, f));
                }
            }
        }
        if (wantedMechanism != null && Mechanisms.named(wantedMechanism).isEmpty()) {
            throw BadInput.option(
                    "--flaw",
                    value,
                    "no mechanism '" + wantedMechanism + "'; mechanisms: "
                            + Mechanisms.ALL.stream().map(Mechanism::name).collect(Collectors.joining(", ")));
        }
        if (matches.isEmpty()) {
            throw BadInput.option("--flaw", value, "no such flaw; " + known());
        }
        if (matches.size() > 1) {
            throw BadInput.option(
                    "--flaw",
                    value,
                    "several mechanisms have it, say which: "
                            + matches.stream()
                                    .map(p -> p.mechanism().name() + ":"
                                            + p.flaw().name())
                                    .collect(Collectors.joining(", ")));
        }
        return matches.get(0);
    }

    /** The claims this flaw declares it breaks, in declaration order, without repeats. */
    public List<String> claimsItBreaks() {
        Set<String> ids = new LinkedHashSet<>();
        flaw.caughtBy().forEach(c -> ids.add(c.claim()));
        return List.copyOf(ids);
    }

    /** {@code mechanism:NAME}, the form {@link #parse} always accepts. */
    @Override
    public String toString() {
        return mechanism.name() + ":" + flaw.name();
    }

    private static List<Flaw> flaws(Mechanism m) {
        return Arrays.stream(m.implFlaws().getEnumConstants())
                .map(c -> (Flaw) c)
                .filter(f -> !f.isNone())
                .toList();
    }

    private static String known() {
        return "flaws per mechanism (./hvproof show <claim> says which claim catches each): "
                + Mechanisms.ALL.stream()
                        .map(m -> m.name() + ": "
                                + flaws(m).stream().map(Flaw::name).collect(Collectors.joining(" ")))
                        .collect(Collectors.joining("; "));
    }
}
