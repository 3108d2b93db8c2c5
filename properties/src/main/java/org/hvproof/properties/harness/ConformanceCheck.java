package org.hvproof.properties.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import org.hvproof.specs.AlloyRunner;
import org.hvproof.specs.SpecError;
import org.hvproof.specs.TraceValidator;

/**
 * Validates a model run, written in a spec's vocabulary ({@link SpecTrace}), against that spec
 * from the specs jar, and says where they part: the spec conformance properties of every
 * mechanism share it. Validators are parsed once per spec and thread (they are not thread-safe).
 */
public final class ConformanceCheck {

    private static final ThreadLocal<Map<String, TraceValidator>> VALIDATORS = ThreadLocal.withInitial(HashMap::new);

    private ConformanceCheck() {}

    /**
     * The name every {@code <M>SpecConformance} gives its property, {@code "<claims> model traces
     * are <spec> traces"} plus {@code " [<variant>]"} for a flawed model: the claims report reads
     * a claim as linked to its spec by this shape, so it is written in this one place.
     */
    public static String propertyName(String claims, String spec, String variant) {
        return claims + " model traces are " + spec + " traces" + (variant.isEmpty() ? "" : " [" + variant + "]");
    }

    /** The validator of {@code spec} (a file name such as {@code integrity.als}) for this thread. */
    public static TraceValidator validator(String spec) {
        return validator(spec, TraceValidator.DEFAULT_SCOPE);
    }

    /**
     * The validator of {@code spec} whose fresh command has overall scope {@code scope}: a smaller
     * universe for a spec whose traces name few atoms (the trace's own scopes raise the sigs it needs).
     */
    public static TraceValidator validator(String spec, int scope) {
        return VALIDATORS.get().computeIfAbsent(spec + "@" + scope, k -> open(spec, scope));
    }

    /**
     * Throws an AssertionError when {@code spec} allows no behaviour matching {@code trace}, naming
     * the first spec state no behaviour reaches, the model action behind it and every pinned formula.
     */
    public static void validate(String spec, SpecTrace trace, ModelRun<?, ?, ?> run) {
        validate(validator(spec), spec, trace, run);
    }

    /** As {@link #validate(String, SpecTrace, ModelRun)} with {@code validator} (see {@link #validator(String, int)}). */
    public static void validate(TraceValidator validator, String spec, SpecTrace trace, ModelRun<?, ?, ?> run) {
        if (!validator.validate(trace.trace()).consistent()) {
            int prefix = validator.rejectedAt(trace.trace());
            throw new AssertionError(mismatch(spec, trace, prefix, run));
        }
    }

    /** The report of a rejected trace whose first {@code prefix} states the spec allows. */
    static String mismatch(String spec, SpecTrace trace, int prefix, ModelRun<?, ?, ?> run) {
        StringBuilder out = new StringBuilder(spec).append(" allows no behaviour that matches this model run");
        if (prefix == 0) {
            out.append(": not even its initial state\n");
        } else {
            int action = trace.actionOf().get(prefix);
            out.append(": spec states 0..")
                    .append(prefix - 1)
                    .append(" are possible, spec state ")
                    .append(prefix)
                    .append(" is not (after model action ")
                    .append(action)
                    .append(", ")
                    .append(run.steps().get(action - 1).action())
                    .append(", observed ")
                    .append(run.steps().get(action - 1).observations())
                    .append(")\n");
        }
        out.append("  atoms: ").append(trace.trace().atoms()).append('\n');
        for (Map.Entry<String, String> e :
                TraceValidator.describe(trace.trace()).entrySet()) {
            if (!e.getKey().equals("atoms")) {
                out.append("  ")
                        .append(e.getKey())
                        .append(": ")
                        .append(e.getValue())
                        .append('\n');
            }
        }
        return out.toString();
    }

    private static TraceValidator open(String spec, int scope) {
        try {
            return new TraceValidator(copyOut(spec), null, scope, null);
        } catch (SpecError e) {
            throw new IllegalStateException(spec + " does not parse: " + e, e);
        }
    }

    /** The spec from the specs jar as a temporary file (a checkout is not needed). */
    private static synchronized Path copyOut(String spec) {
        String resource = AlloyRunner.SPEC_RESOURCE_DIR + "/" + spec;
        try (InputStream in = ConformanceCheck.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no " + resource + " on the classpath (the specs module packages it)");
            }
            Path dir = Files.createTempDirectory("hvproof-conformance");
            Path file = dir.resolve(spec);
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            file.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + resource + " to a temporary file", e);
        }
    }
}
