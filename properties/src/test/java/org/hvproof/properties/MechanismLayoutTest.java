package org.hvproof.properties;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The house style's layout (CONTRIBUTING.md): every mechanism has every role under the same name
 * in every layer, and a simple class name means one thing in the whole code base, so a reader
 * who knows one mechanism finds every part of another and no code needs a fully qualified name.
 */
class MechanismLayoutTest {
    /** The role classes every mechanism has, as {@code module:package-relative class name} with {@code <M>}. */
    private static final List<String> ROLES = List.of(
            "model:<M>State",
            "model:<M>Action",
            "model:<M>Step",
            "model:<M>Model",
            "model:<M>Invariants",
            "impl:<M>System",
            "impl:<M>Abstraction",
            "impl:<M>ImplFlaw",
            "properties:<M>Actions",
            "properties:<M>Trace",
            "properties:<M>Labels",
            "properties:<M>Properties");

    /** Names no top-level class of a mechanism may have: a role name without its mechanism prefix. */
    private static final Set<String> BARE_ROLE_NAMES = Set.of(
            "State",
            "Action",
            "Step",
            "Observation",
            "Model",
            "Invariants",
            "System",
            "Abstraction",
            "ImplFlaw",
            "ModelFlaw",
            "Actions",
            "Trace",
            "Labels",
            "Verdict",
            "VCpu");

    private static final List<String> MODULES = List.of("propcheck", "model", "impl", "specs", "properties");

    @TestFactory
    Stream<DynamicTest> everyMechanismHasEveryRole() {
        return Mechanisms.ALL.stream()
                .flatMap(m -> ROLES.stream().map(role -> {
                    String module = role.substring(0, role.indexOf(':'));
                    String simple = role.substring(role.indexOf(':') + 1).replace("<M>", capitalised(m.name()));
                    String name = "org.hvproof." + module + "." + m.name() + "." + simple;
                    return DynamicTest.dynamicTest(m.name() + " has " + simple, () -> {
                        try {
                            Class.forName(name);
                        } catch (ClassNotFoundException e) {
                            throw new AssertionError(m.name() + " lacks its " + simple + " (expected " + name + ")");
                        }
                    });
                }));
    }

    @Test
    void aSimpleClassNameMeansOneThing() throws IOException {
        Map<String, List<String>> byName = new TreeMap<>();
        for (Path file : mainSources()) {
            String simple = file.getFileName().toString().replace(".java", "");
            if (!simple.equals("package-info")) {
                byName.computeIfAbsent(simple, k -> new ArrayList<>()).add(file.toString());
            }
        }
        Map<String, List<String>> shared = byName.entrySet().stream()
                .filter(e -> e.getValue().size() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
        assertThat(shared).as("top-level classes sharing a simple name").isEmpty();
        List<String> bare = new ArrayList<>();
        for (Path file : mainSources()) {
            String simple = file.getFileName().toString().replace(".java", "");
            if (BARE_ROLE_NAMES.contains(simple) && inAMechanism(file)) {
                bare.add(file.toString());
            }
        }
        assertThat(bare)
                .as("mechanism classes named by a bare role (prefix the mechanism's name)")
                .isEmpty();
    }

    /** Whether the file is in a mechanism's package of model, impl or properties. */
    private static boolean inAMechanism(Path file) {
        String path = file.toString().replace('\\', '/');
        return Mechanisms.ALL.stream()
                .anyMatch(m -> List.of("model", "impl", "properties").stream()
                        .anyMatch(layer -> path.contains("/org/hvproof/" + layer + "/" + m.name() + "/")));
    }

    private static List<Path> mainSources() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String module : MODULES) {
            Path root = Path.of("..", module, "src", "main", "java");
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(p -> p.toString().endsWith(".java")).forEach(out::add);
            }
        }
        return out;
    }

    private static String capitalised(String name) {
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }
}
