package org.hvproof.properties.report;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/** Runs every Alloy command in the given spec directories and files. */
public interface AlloyBackend {
    /**
     * @param specs    directories (searched for .als files) and single .als files
     * @param solver   the SAT solver's name, or null for the default
     * @param progress receives one line per finished command
     */
    List<AlloyCheck> run(List<Path> specs, String solver, Consumer<String> progress);
}
