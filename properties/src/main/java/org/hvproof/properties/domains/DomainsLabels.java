package org.hvproof.properties.domains;

/** Names of the situations a trace can reach; the properties set coverage minimums on them. */
final class DomainsLabels {
    static final String GATE_ENTRY = "gate entry";
    static final String RESUMED = "re-entry after an interrupt (resume)";
    static final String EXIT = "exit through the exit gate";
    static final String FAULT = "fault";
    static final String REFUSED_JUMP = "jump to a non-gate secure address refused";
    static final String REFUSED_GATE_PLUS_ONE = "jump to gate + 1 refused";
    static final String EVENT_IN_SECURE_CODE = "interrupt or exception while secure code runs";
    static final String EVENT_AT_GATE_ENTRY = "interrupt or exception right at gate entry";
    static final String STORM = "interrupt storm";
    static final String SECURE_READ = "secure code read its data";
    static final String SECURE_WRITE = "secure code wrote its own page";
    static final String HOSTILE_MAPPING = "root page table points outside the root's region";
    static final String HOSTILE_UPPER_LEVEL_WALKED = "hostile upper-level entry walked";
    static final String ROOT_ACCESS_TO_SECURE_REFUSED = "root access through a hostile mapping faulted";

    static final String HIGH_BIT_ALIAS = "jump to an address differing from a registered one only above bit 31";
    static final String HIGH_VECTOR_IN_SECURE_CODE = "interrupt or exception with vector >= 32 while secure code runs";
    static final String LOW_VECTOR_IN_SECURE_CODE = "interrupt or exception with vector < 32 while secure code runs";
    static final String PAGE_OUTSIDE_REGIONS = "root table or CR3 names a page outside every region";
    static final String PAGE_ABOVE_REGIONS = "root table or CR3 names a page above every region";

    static final String TWO_MB_LEAF_ACCESS = "access through a 2 MiB guest leaf (PS at level 2) over the root's pages";
    static final String ROOT_CHAIN_LINK_TO_LOWER_PAGE =
            "a root page's slot 511 written to point at a lower root page (chain links in any order)";
    static final String ROOT_LARGE_LEAF_PAST_REGION_REFUSED =
            "root access through a 2 MiB guest leaf to a page past the root's region refused";
    static final String ROOT_LARGE_LEAF_ON_SECURE_REFUSED =
            "root access through a 2 MiB guest leaf onto a secure page refused";
    static final String PS_AT_LEVEL_4_FAULTED = "page-size bit at level 4 (reserved) faulted";
    static final String LARGE_LEAF_REFUSED =
            "walk through a large guest leaf refused (reserved address bits, or a page the NPT does not map)";
    static final String PS_ENTRY_REWRITTEN = "a page-size entry rewritten as a table entry";
    static final String SECURE_LARGE_LEAF_IN_OWN_REGION =
            "secure access through its own large guest leaf landed in its own region";
    static final String SECURE_LARGE_LEAF_IN_OTHER_SECURE_REFUSED =
            "secure access through its own large guest leaf onto another secure domain's region refused";
    static final String SECURE_LARGE_LEAF_ON_ROOT_REFUSED =
            "secure access through its own large guest leaf onto the root's region refused";
    static final String SECURE_LARGE_LEAF_ELSEWHERE_REFUSED =
            "secure access through its own large guest leaf outside every region, or with reserved bits, refused";

    static final String DMA_REFUSED_AT_SECURE_PAGE = "root's device write to a secure page refused";
    static final String DMA_LANDED_IN_ROOT = "root's device write landed in the root's memory";
    static final String DMA_REFUSED_ELSEWHERE = "device write refused outside every region or from secure code";

    private DomainsLabels() {}
}
