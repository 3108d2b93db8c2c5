package org.hvproof.model.integrity;

/**
 * Deliberately wrong model steps, for showing in model tests that the invariants catch them;
 * {@link #NONE} is the correct model, each other constant changes one code path of
 * {@link IntegrityModel#step(IntegrityState, IntegrityAction, IntegrityModelFlaw)}.
 */
public enum IntegrityModelFlaw {
    /** The correct model. */
    NONE,
    /** Exit (not interrupt or fault) returns to normal mode but keeps the integrity view (GI-4, GI-2). */
    EXIT_KEEPS_INTEGRITY_VIEW,
    /** The entry check compares only the caller's page with the entry point's page (GI-1). */
    ENTRY_CHECKS_PAGE_ONLY,
    /** Protection requests are honoured from normal mode too (GI-5, GI-6). */
    REQUESTS_IGNORE_MODE,
    /** An instruction in integrity mode runs wherever it was fetched from (GI-8). */
    FETCH_UNCHECKED
}
