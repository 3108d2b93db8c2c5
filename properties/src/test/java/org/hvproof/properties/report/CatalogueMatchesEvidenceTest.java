package org.hvproof.properties.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hvproof.properties.Claim;
import org.hvproof.properties.Mechanisms;
import org.junit.jupiter.api.Test;

/**
 * CLAIMS.md names, per claim, its Alloy asserts and its properties. The gate itself joins evidence
 * by claim id, so these columns could rot unnoticed; this test holds them to the code: every
 * named assert or command exists in the named spec, every named property is a {@code @Claim}
 * method carrying that id, and every {@code @Claim} method is named in the row of each claim it
 * carries.
 */
class CatalogueMatchesEvidenceTest {
    private static final Path CATALOGUE = Path.of("../CLAIMS.md");
    private static final Path SPECS = Path.of("../specs/src/main/alloy");
    private static final Pattern ROW = Pattern.compile("^\\|\\s*([A-Z]+-\\d+)\\s*\\|(.*)$");
    private static final Pattern SPEC = Pattern.compile("([a-z]+\\.als)");
    private static final Pattern ALLOY_NAME = Pattern.compile("\\b([A-Z]+_?\\d+_\\w+)\\b");
    private static final Pattern PROPERTY =
            Pattern.compile("\\b([A-Z]\\w+Properties|[A-Z]\\w+Conformance)\\.(\\w+)\\b");

    record Row(String id, String spec, Set<String> alloyNames, Set<String> properties) {}

    private static List<Row> rows() throws Exception {
        List<Row> out = new ArrayList<>();
        for (String line : Files.readAllLines(CATALOGUE)) {
            Matcher m = ROW.matcher(line.strip());
            if (!m.matches()) {
                continue;
            }
            String[] cells = m.group(2).split("\\|");
            assertThat(cells.length).as("cells of %s", m.group(1)).isGreaterThanOrEqualTo(4);
            String alloyCell = cells[2];
            String propertyCell = cells[3];
            Matcher spec = SPEC.matcher(alloyCell);
            assertThat(spec.find())
                    .as("%s names its spec file in the Alloy column: %s", m.group(1), alloyCell)
                    .isTrue();
            Set<String> names = new LinkedHashSet<>();
            Matcher n = ALLOY_NAME.matcher(alloyCell);
            while (n.find()) {
                names.add(n.group(1));
            }
            Set<String> props = new LinkedHashSet<>();
            Matcher p = PROPERTY.matcher(propertyCell);
            while (p.find()) {
                props.add(p.group(1) + "." + p.group(2));
            }
            out.add(new Row(m.group(1), spec.group(1), names, props));
        }
        return out;
    }

    private static Map<String, Method> claimMethods() {
        Map<String, Method> out = new HashMap<>();
        for (Class<?> suite : Mechanisms.propertyClasses()) {
            for (Method method : suite.getDeclaredMethods()) {
                if (method.isAnnotationPresent(Claim.class)) {
                    out.put(suite.getSimpleName() + "." + method.getName(), method);
                }
            }
        }
        return out;
    }

    @Test
    void everyAlloyNameInTheCatalogueIsACommandOrAssertOfItsSpec() throws Exception {
        for (Row row : rows()) {
            assertThat(row.alloyNames())
                    .as("%s names at least one Alloy assert", row.id())
                    .isNotEmpty();
            String spec = Files.readString(SPECS.resolve(row.spec()));
            for (String name : row.alloyNames()) {
                assertThat(Pattern.compile("(?m)^\\s*(assert|check|run)\\s+" + name + "\\b")
                                .matcher(spec)
                                .find())
                        .as(
                                "%s names %s, which %s does not define as an assert, check or run",
                                row.id(), name, row.spec())
                        .isTrue();
            }
        }
    }

    @Test
    void everyPropertyInTheCatalogueIsAClaimMethodCarryingThatId() throws Exception {
        Map<String, Method> methods = claimMethods();
        for (Row row : rows()) {
            assertThat(row.properties())
                    .as("%s names at least one property", row.id())
                    .isNotEmpty();
            for (String name : row.properties()) {
                assertThat(methods)
                        .as("%s names %s, which is no @Claim method of a registered suite", row.id(), name)
                        .containsKey(name);
                assertThat(methods.get(name).getAnnotation(Claim.class).value())
                        .as("@Claim of %s", name)
                        .contains(row.id());
            }
        }
    }

    @Test
    void everyClaimMethodIsNamedInTheRowOfEachClaimItCarries() throws Exception {
        Map<String, Row> byId = new HashMap<>();
        rows().forEach(r -> byId.put(r.id(), r));
        claimMethods().forEach((name, method) -> {
            for (String id : method.getAnnotation(Claim.class).value()) {
                assertThat(byId)
                        .as("%s carries %s, which CLAIMS.md does not list", name, id)
                        .containsKey(id);
                assertThat(byId.get(id).properties())
                        .as("the %s row of CLAIMS.md names %s", id, name)
                        .contains(name);
            }
        });
    }
}
