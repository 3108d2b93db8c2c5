package org.hvproof.properties.integrity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hvproof.model.common.Transition;
import org.hvproof.model.integrity.IntegrityAction;
import org.hvproof.model.integrity.Mode;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.PageRange;
import org.hvproof.properties.harness.ModelRun;
import org.hvproof.properties.harness.SpecTrace;
import org.hvproof.properties.integrity.SystemSpecMachineRun.Move;
import org.hvproof.properties.integrity.SystemSpecMachineRun.Seen;
import org.hvproof.properties.integrity.SystemSpecMachineRun.Snapshot;
import org.hvproof.properties.integrity.SystemSpecMachineRun.SpecStep;
import org.hvproof.properties.integrity.SystemSpecMachineRun.VcpuReading;

/**
 * A run of the integrity service with its tree store, written as a trace of {@code system.als}
 * (TREE-7): every state of the machine pinned in the spec's names, every move pinned to the spec
 * operation that must explain it, with the step's arguments ({@code Arg}) pinned too.
 *
 * <p>Atoms: one {@code Page} per page the run names ({@code p<number>}: the driver's code page,
 * the node-pool pages ({@link SystemSpecMachineRun#POOL_PAGES}), the guarded pages it touches), one {@code Node} per pool page ({@code
 * n<number>}, bound to that page for good, as a pool slot is), one {@code Vcpu} per vCPU ({@code
 * v<id>}); each sig is pinned to exactly these atoms, so the spec has no free node and no page the
 * run does not name.
 *
 * <p>A state: {@code Hv.nodes} the nodes reached from the base pointer; {@code maps} each live
 * node's leaf mappings read from its node page; {@code Hv.granted} the protections the service
 * answered OK for (a protect adds its page with its action, an unprotect removes it: the integrity
 * model's protections; the service keeps them nowhere but in the tree, so reading them back from
 * the tree would make TREE-7's equality hold by construction); {@code Tracing.traced} the pages any
 * owner traces, per view; each vCPU's mode and view, and, in integrity mode, the page of its
 * instruction pointer; {@code Last} from the step's observations ({@code Last.full}: the request
 * was answered STORE_FULL). The initial state is the machine
 * after the driver's registration (the spec's registration is done at boot): {@code Hv.code} and
 * {@code Hv.entry} its code page, {@code Hv.exec} the pages the integrity view's nested page table
 * executes, read from it.
 *
 * <p>A step: {@code IntegrityAction.Enter}, {@code Exit}, {@code Protect}, {@code Unprotect} and
 * {@code GuestWrite} are {@code enter}, {@code exit}, {@code protect}, {@code unprotect} and
 * {@code guestWrite}; a write of a node page through a hostile mapping is {@code guestWrite} too,
 * and the kernel's call of the tree's own protect hypercall {@code treeHypercall} (a tree request
 * when a handler answered it).
 * In integrity mode an action's instruction is fetched first: when it lies on another page than
 * the vCPU's instruction pointer, that is a {@code fetch} step of its own before the action's (a
 * fetch that faults is the whole move: the action never runs).
 *
 * <p>What it collapses: free pool pages are nodes that hold nothing (their stale contents are not
 * read: the tree reads a node only from the base pointer); interior nodes hold no mappings (their
 * separators and children, the key ranges, are tree.als's); the node-page marks among a leaf's
 * entries are left out (the spec's node-page test is the set of live node pages); owners of traces
 * are merged (a page is traced in a view when any owner traces it there); the driver's code page is
 * left out of {@code Tracing.traced} (the spec protects it by {@code Hv.code}) and its data page
 * is not a spec page (no run names it); in normal mode the instruction pointer is not pinned (the
 * kernel's code is not fetched there, by the machine or the spec); request decoding and page
 * ranges are left out (runs make one-page requests with valid actions; tree.als and integrity.als
 * check the rest).
 */
public final class SystemSpecAbstraction {
    /** The spec runs are validated against. */
    public static final String SPEC = "system.als";

    private static final Pattern ATOM = Pattern.compile("\\b([pnv])(\\d+)\\b");

    private SystemSpecAbstraction() {}

    /** {@code run} as a trace of {@link #SPEC}. */
    public static SpecTrace of(SystemSpecMachineRun run) {
        // the steps first: the pages their formulas name are the run's Page atoms
        String first = state(run.initial());
        List<String> operations = new ArrayList<>();
        List<String> states = new ArrayList<>();
        List<Integer> moveOf = new ArrayList<>();
        for (int i = 0; i < run.moves().size(); i++) {
            for (SpecStep s : run.steps().get(i)) {
                operations.add(s.operation());
                states.add(state(s.after()));
                moveOf.add(i + 1);
            }
        }
        SortedSet<Long> pages = new TreeSet<>();
        run.driver().code().pages().forEach(pages::add);
        for (int i = 0; i < SystemSpecMachineRun.POOL_PAGES; i++) {
            pages.add(SystemSpecMachineRun.poolFirst() + i);
        }
        named(first, pages);
        operations.forEach(f -> named(f, pages));
        states.forEach(f -> named(f, pages));
        SpecTrace.Builder b = new SpecTrace.Builder(boot(run, pages) + " and " + first);
        for (int k = 0; k < operations.size(); k++) {
            b.step(operations.get(k), states.get(k), moveOf.get(k));
        }
        List<String> decls = new ArrayList<>();
        SpecTrace.declare(decls, pages.stream().map(SystemSpecAbstraction::page).toList(), "Page");
        SpecTrace.declare(decls, nodes(), "Node");
        SpecTrace.declare(decls, vcpus(run.initial()), "Vcpu");
        Map<String, Integer> scopes = new LinkedHashMap<>();
        scopes.put("Page", pages.size());
        scopes.put("Node", SystemSpecMachineRun.POOL_PAGES);
        scopes.put("Vcpu", run.initial().vcpus().size());
        return b.build(String.join(", ", decls), scopes);
    }

    /** The run as transitions between the machine's readings, for failure reports. */
    public static ModelRun<Snapshot, Move, Object> transitions(SystemSpecMachineRun run) {
        List<Transition<Snapshot, Move, Object>> out = new ArrayList<>();
        Snapshot s = run.initial();
        for (int i = 0; i < run.moves().size(); i++) {
            List<SpecStep> steps = run.steps().get(i);
            Snapshot after = steps.get(steps.size() - 1).after();
            out.add(new Transition<>(s, run.moves().get(i), after, run.seen().get(i)));
            s = after;
        }
        return new ModelRun<>(run.initial(), out);
    }

    /** Adds the pages {@code formula} names to {@code pages}. */
    private static void named(String formula, SortedSet<Long> pages) {
        Matcher m = ATOM.matcher(formula);
        while (m.find()) {
            if (m.group(1).equals("p")) {
                pages.add(Long.parseLong(m.group(2)));
            }
        }
    }

    /**
     * The boot-time part of the initial state: every sig pinned to the run's atoms, the pool slots
     * bound to their pages, the registration, the correct system.
     */
    static String boot(SystemSpecMachineRun run, SortedSet<Long> pages) {
        StringBuilder f = new StringBuilder("no Hv.flaw");
        f.append(" and Page = ")
                .append(String.join(
                        " + ", pages.stream().map(SystemSpecAbstraction::page).toList()));
        f.append(" and Node = ").append(String.join(" + ", nodes()));
        f.append(" and Vcpu = ").append(String.join(" + ", vcpus(run.initial())));
        for (int i = 0; i < SystemSpecMachineRun.POOL_PAGES; i++) {
            long p = SystemSpecMachineRun.poolFirst() + i;
            f.append(" and ").append(node(p)).append(".page = ").append(page(p));
        }
        f.append(" and ")
                .append(relation(
                        "Hv.code",
                        run.driver()
                                .code()
                                .pages()
                                .mapToObj(SystemSpecAbstraction::page)
                                .toList()));
        f.append(" and Hv.entry = ").append(page(run.driver().entryPoint() >>> PageRange.PAGE_SHIFT));
        f.append(" and ")
                .append(relation(
                        "Hv.exec",
                        run.initial().executable().stream()
                                .filter(pages::contains)
                                .map(SystemSpecAbstraction::page)
                                .toList()));
        return f.toString();
    }

    /** One state: see the class comment. */
    static String state(Snapshot s) {
        List<String> live = new ArrayList<>();
        List<String> maps = new ArrayList<>();
        s.nodes().forEach((nodePage, held) -> {
            live.add(node(nodePage));
            held.forEach((p, a) -> maps.add(node(nodePage) + " -> " + page(p) + " -> " + action(a)));
        });
        List<String> granted = new ArrayList<>();
        s.granted().forEach((p, a) -> granted.add(page(p) + " -> " + action(a)));
        List<String> traced = new ArrayList<>();
        s.traced().get(0).forEach(p -> traced.add("DefaultView -> " + page(p)));
        s.traced().get(1).forEach(p -> traced.add("IntegrityView -> " + page(p)));
        List<String> modes = new ArrayList<>();
        List<String> views = new ArrayList<>();
        List<String> pcs = new ArrayList<>();
        for (int v = 0; v < s.vcpus().size(); v++) {
            VcpuReading r = s.vcpus().get(v);
            modes.add(vcpu(v) + " -> " + (r.mode() == Mode.INTEGRITY ? "Integrity" : "Normal"));
            views.add(vcpu(v) + " -> " + (r.integrityView() ? "IntegrityView" : "DefaultView"));
            if (r.mode() == Mode.INTEGRITY) {
                pcs.add(vcpu(v) + ".pc = " + page(r.pcPage()));
            }
        }
        StringBuilder f = new StringBuilder();
        f.append(relation("Hv.nodes", live));
        f.append(" and ").append(relation("maps", maps));
        f.append(" and ").append(relation("Hv.granted", granted));
        f.append(" and ").append(relation("Tracing.traced", traced));
        f.append(" and mode = ").append(String.join(" + ", modes));
        f.append(" and view = ").append(String.join(" + ", views));
        pcs.forEach(pc -> f.append(" and ").append(pc));
        f.append(" and ").append(last(s.last()));
        return f.toString();
    }

    /** The {@code Last} fields of {@code seen}. */
    static String last(Seen seen) {
        List<String> f = new ArrayList<>();
        f.add(seen.actor().isPresent() ? "Last.actor = " + vcpu(seen.actor().getAsInt()) : "no Last.actor");
        f.add(seen.cause().map(c -> "Last.cause = " + c.atom()).orElse("no Last.cause"));
        f.add(seen.action().map(a -> "Last.action = " + action(a)).orElse("no Last.action"));
        f.add(seen.ok() ? "Last.ok = " + vcpu(seen.actor().getAsInt()) : "no Last.ok");
        f.add(seen.request() ? "Last.request = " + vcpu(seen.actor().getAsInt()) : "no Last.request");
        f.add(seen.full() ? "Last.full = " + vcpu(seen.actor().getAsInt()) : "no Last.full");
        f.add(
                seen.written().isPresent()
                        ? "Last.written = " + page(seen.written().getAsLong())
                        : "no Last.written");
        return String.join(" and ", f);
    }

    /** The spec operation of a service action (its fetch aside): see the class comment. */
    static String operation(IntegrityAction a) {
        if (a instanceof IntegrityAction.Enter e) {
            return "enter[" + vcpu(e.caller().vcpu()) + "] and "
                    + arg(e.caller().vcpu());
        } else if (a instanceof IntegrityAction.Exit e) {
            return "exit[" + vcpu(e.caller().vcpu()) + "] and " + arg(e.caller().vcpu());
        } else if (a instanceof IntegrityAction.Protect p) {
            requireOnePage(a, p.start(), p.length());
            String act = action(AlertAction.fromRequestCode(p.actionCode())
                    .orElseThrow(() -> new IllegalArgumentException("outside the spec: " + a + " (request decoding)")));
            int v = p.caller().vcpu();
            String pg = page(p.start() >>> PageRange.PAGE_SHIFT);
            return "protect[" + vcpu(v) + ", " + pg + ", " + act + "] and " + arg(v) + " and Arg.pg = " + pg
                    + " and Arg.act = " + act;
        } else if (a instanceof IntegrityAction.Unprotect u) {
            requireOnePage(a, u.start(), u.length());
            int v = u.caller().vcpu();
            String pg = page(u.start() >>> PageRange.PAGE_SHIFT);
            return "unprotect[" + vcpu(v) + ", " + pg + "] and " + arg(v) + " and Arg.pg = " + pg;
        } else if (a instanceof IntegrityAction.GuestWrite w) {
            return guestWrite(w.writer().vcpu(), w.page());
        }
        throw new IllegalArgumentException("outside the spec: " + a + " (system.als has no such operation)");
    }

    /** {@code guestWrite[v, p]}, its arguments pinned. */
    static String guestWrite(int vcpu, long page) {
        String pg = page(page);
        return "guestWrite[" + vcpu(vcpu) + ", " + pg + "] and " + arg(vcpu) + " and Arg.pg = " + pg;
    }

    /** {@code treeHypercall[v, p, a]}, its arguments pinned. */
    static String treeHypercall(int vcpu, long page, AlertAction action) {
        String pg = page(page);
        String act = action(action);
        return "treeHypercall[" + vcpu(vcpu) + ", " + pg + ", " + act + "] and " + arg(vcpu) + " and Arg.pg = " + pg
                + " and Arg.act = " + act;
    }

    /** {@code fetch[v, p]}, its arguments pinned. */
    static String fetch(int vcpu, long page) {
        String pg = page(page);
        return "fetch[" + vcpu(vcpu) + ", " + pg + "] and " + arg(vcpu) + " and Arg.pg = " + pg;
    }

    private static void requireOnePage(IntegrityAction a, long start, long length) {
        if ((start & (PageRange.PAGE_SIZE - 1)) != 0 || length != PageRange.PAGE_SIZE) {
            throw new IllegalArgumentException("outside the spec: " + a + " is not a request for one whole page");
        }
    }

    private static String arg(int vcpu) {
        return "Arg.vcpu = " + vcpu(vcpu);
    }

    private static String relation(String name, List<String> tuples) {
        return tuples.isEmpty() ? "no " + name : name + " = " + String.join(" + ", tuples);
    }

    static String page(long page) {
        return "p" + page;
    }

    static String node(long page) {
        return "n" + page;
    }

    static String vcpu(int id) {
        return "v" + id;
    }

    private static List<String> nodes() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < SystemSpecMachineRun.POOL_PAGES; i++) {
            out.add(node(SystemSpecMachineRun.poolFirst() + i));
        }
        return out;
    }

    private static List<String> vcpus(Snapshot s) {
        List<String> out = new ArrayList<>();
        for (int v = 0; v < s.vcpus().size(); v++) {
            out.add(vcpu(v));
        }
        return out;
    }

    /** The spec's atom for an alert action. */
    static String action(AlertAction a) {
        return switch (a) {
            case RECORD_AND_ALLOW -> "RecordAndAllow";
            case BLOCK -> "Block";
            case TREE_NODE -> "TreeNodeAlert";
        };
    }
}
