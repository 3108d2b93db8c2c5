package org.hvproof.properties.harness;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * A check of a claim that reads the implementation itself rather than its abstract state (which
 * host frames an access touched, what a register holds that the abstraction leaves out). It throws
 * an AssertionError whose message starts with its label when it fails.
 *
 * @param label {@code "<ID> <name>"}, as failure reports print it
 * @param check the check on the running trace
 */
public record MachineCheck<T>(String label, Consumer<? super T> check) {
    public MachineCheck {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(check, "check");
    }

    /** A machine-level check named {@code "<claim> <name>"}. */
    public static <T> MachineCheck<T> of(String claim, String name, Consumer<? super T> check) {
        return new MachineCheck<>(claim + " " + name, check);
    }
}
