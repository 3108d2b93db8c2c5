package org.hvproof.model.integrity;

/** Deliberately flawed variants; the default model has none, each changes one code path. */
public enum IntegrityFlaw {
    /** Exit (not interrupt or fault) returns to normal mode but keeps the integrity view (GI-4, GI-2). */
    EXIT_KEEPS_INTEGRITY_VIEW,
    /** The entry check compares only the caller's page with the entry point's page (GI-1). */
    ENTRY_CHECKS_PAGE_ONLY,
    /** Protection requests are honoured from normal mode too (GI-5, GI-6). */
    REQUESTS_IGNORE_MODE
}
