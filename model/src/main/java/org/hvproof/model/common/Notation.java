package org.hvproof.model.common;

import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The domain's notation, shared by every mechanism's printing: addresses and page numbers in hex
 * with the address space named ({@code va 0x10041}, {@code gpa 0x300000}, {@code gpp 0x300},
 * {@code hpp 0x18}), vCPUs as {@code vCPU 0}. Records of actions, observations and states print
 * through it, so a failure's console text and the report read as a hypervisor engineer writes, never
 * as a Java record's {@code Name[field=value]}.
 */
public final class Notation {
    private Notation() {}

    /** {@code 0x} and the value in lower-case hex (two's complement for a negative value). */
    public static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }

    /** A guest-virtual address: {@code va 0x10041}. */
    public static String va(long address) {
        return "va " + hex(address);
    }

    /** A guest-physical byte address: {@code gpa 0x300000}. */
    public static String gpa(long address) {
        return "gpa " + hex(address);
    }

    /** A guest-physical page by number: {@code gpp 0x300}. */
    public static String gpp(long pageNumber) {
        return "gpp " + hex(pageNumber);
    }

    /** A host-physical page (frame) by number: {@code hpp 0x18}. */
    public static String hpp(long frameNumber) {
        return "hpp " + hex(frameNumber);
    }

    /** A vCPU by index: {@code vCPU 0}. */
    public static String vcpu(long index) {
        return "vCPU " + index;
    }

    /** A privilege level by its ring: {@code kernel} (0), {@code user} (3), else {@code ring n}. */
    public static String ring(long privilege) {
        return privilege == 0 ? "kernel" : privilege == 3 ? "user" : "ring " + privilege;
    }

    /** Numbers in hex, in the collection's order: {@code [0x300, 0x301]}. */
    public static String hexList(Collection<? extends Number> values) {
        return values.stream().map(v -> hex(v.longValue())).collect(Collectors.joining(", ", "[", "]"));
    }

    /** Guest-physical pages by number: {@code gpp [0x300, 0x301]}. */
    public static String gpps(Collection<? extends Number> pageNumbers) {
        return "gpp " + hexList(pageNumbers);
    }

    /** A map whose values are numbers, values in hex: {@code {R0 0x0, R1 0x1}}. */
    public static String hexValues(Map<?, ? extends Number> map) {
        return map.entrySet().stream()
                .map(e -> e.getKey() + " " + hex(e.getValue().longValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    }

    /** A map keyed by guest-physical page numbers: {@code {gpp 0x2 BLOCK, gpp 0x3 BLOCK}}. */
    public static String byGpp(Map<? extends Number, ?> map) {
        return map.entrySet().stream()
                .map(e -> gpp(e.getKey().longValue()) + " " + e.getValue())
                .collect(Collectors.joining(", ", "{", "}"));
    }

    /** Lower-case words of an enum constant: {@code RECORD_AND_ALLOW} reads {@code record and allow}. */
    public static String words(Enum<?> constant) {
        return constant.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
