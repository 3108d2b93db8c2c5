package org.hvproof.impl.machine;

/** A present leaf of a nested page table: the host frame a guest-physical page lives in, and its rights. */
public record NestedEntry(long hostFrame, NestedPermissions permissions) {}
