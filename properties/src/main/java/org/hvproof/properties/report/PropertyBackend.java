package org.hvproof.properties.report;

import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.hvproof.model.common.Flaw;

/** Runs the properties that speak for a set of claims. */
public interface PropertyBackend {
    /**
     * @param claimIds the claims whose properties to run
     * @param tries    tries per property, or null for each property's default
     * @param seed     the seed, or null for a fresh one
     * @param replay   a replay token from a failure report, or null; the property it belongs to
     *                 re-runs exactly that case, the others run normally
     * @param progress receives one line per finished property
     */
    List<PropertyCheck> run(Set<String> claimIds, Integer tries, Long seed, String replay, Consumer<String> progress);

    /**
     * Runs only {@code shard}'s share of the properties (whole properties, dealt by name as {@link
     * Shard#select} says), each exactly as the unsharded run would. This default runs every property
     * and keeps the shard's: right for fakes, wasteful for a real backend, which overrides it.
     */
    default List<PropertyCheck> run(
            Set<String> claimIds, Integer tries, Long seed, String replay, Shard shard, Consumer<String> progress) {
        return shard.select(run(claimIds, tries, seed, replay, progress), PropertyCheck::name);
    }

    /**
     * Runs as {@link #run(Set, Integer, Long, String, Shard, Consumer)} with {@code planted} in the
     * implementation of its mechanism: every property that takes that flaw's enum is built with it,
     * every other with the correct implementation. A backend that cannot plant flaws runs only
     * without one.
     */
    default List<PropertyCheck> run(
            Set<String> claimIds,
            Integer tries,
            Long seed,
            String replay,
            Shard shard,
            Flaw planted,
            Consumer<String> progress) {
        if (planted != null && !planted.isNone()) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot plant a flaw");
        }
        return run(claimIds, tries, seed, replay, shard, progress);
    }
}
