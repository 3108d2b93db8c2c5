package org.hvproof.properties.composed;

import java.util.List;
import org.hvproof.impl.composed.ComposedSystemAction;
import org.hvproof.model.composed.ComposedState;
import org.hvproof.propcheck.Gen;
import org.hvproof.propcheck.Gens;
import org.hvproof.properties.domains.DomainsActions;
import org.hvproof.properties.integrity.IntegrityActions;

/**
 * The composed trace generator: each step is one mechanism's next step, drawn by that
 * mechanism's own generator from its own part of the state (hostile actions included: wrong
 * entries, requests from normal mode, hostile page tables, jumps past gates, interrupt storms,
 * device writes), the mechanisms interleaved at random, over the integrity guest's two vCPUs and
 * the domains' two. The per-mechanism generators span their domains; interleaving them spans the
 * seams, which {@link ComposedLabels} name.
 */
public final class ComposedActions {
    /** Share of steps that are the integrity guest's (the rest are the domains'). */
    static final double INTEGRITY_WEIGHT = 1;
    /** Share of steps that are the domains'. */
    static final double DOMAINS_WEIGHT = 1;

    private ComposedActions() {}

    /** One generated step: the actions of one mechanism's step, in order. */
    public record Step(List<ComposedSystemAction> actions) {
        /** Copies the actions. */
        public Step {
            actions = List.copyOf(actions);
        }

        @Override
        public String toString() {
            StringBuilder out = new StringBuilder();
            for (ComposedSystemAction a : actions) {
                out.append(out.isEmpty() ? "" : "; ").append(a);
            }
            return out.toString();
        }
    }

    /** The next step for state {@code s}: an integrity step or a domains step. */
    public static Gen<Step> next(ComposedState s) {
        Gen<Step> integrity = IntegrityActions.actions(s.integrity())
                .map(a -> new Step(List.of(new ComposedSystemAction.Integrity(a))));
        Gen<Step> domains = DomainsActions.next(s.domains())
                .map(d -> new Step(d.actions().stream()
                        .map(a -> (ComposedSystemAction) new ComposedSystemAction.Domains(a))
                        .toList()));
        return Gens.frequency(Gens.weighted(INTEGRITY_WEIGHT, integrity), Gens.weighted(DOMAINS_WEIGHT, domains));
    }
}
