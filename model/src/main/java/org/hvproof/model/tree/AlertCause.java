package org.hvproof.model.tree;

/** Why a write alerted: it hit a page that stores a tree node, or a page a leaf maps. */
public enum AlertCause {
    NODE_PAGE,
    MAPPED_PAGE
}
