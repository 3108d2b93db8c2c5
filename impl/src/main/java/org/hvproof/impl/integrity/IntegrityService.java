package org.hvproof.impl.integrity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.hvproof.impl.machine.HypercallHandler;
import org.hvproof.impl.machine.Hypervisor;
import org.hvproof.impl.machine.Machine;
import org.hvproof.impl.machine.NestedPageTable;
import org.hvproof.impl.machine.NestedPermissions;
import org.hvproof.impl.machine.VcpuEvent;
import org.hvproof.impl.machine.ViewId;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.impl.tracing.TracingService;
import org.hvproof.impl.tree.ProtectedPageTree;
import org.hvproof.impl.tree.TreeCommitStep;
import org.hvproof.impl.tree.TreeImplFlaw;
import org.hvproof.model.common.GuestPhysicalPage;
import org.hvproof.model.common.Notification;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.Owner;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.integrity.Driver;
import org.hvproof.model.integrity.IntegrityAlertCause;
import org.hvproof.model.integrity.IntegrityCode;
import org.hvproof.model.integrity.IntegrityConfig;
import org.hvproof.model.integrity.IntegrityObservation;
import org.hvproof.model.integrity.Mode;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.PageRange;
import org.hvproof.model.tree.TreeConfig;
import org.hvproof.model.tree.Writer;

/**
 * The hypervisor's integrity component: the driver registry, each vCPU's mode, the protection
 * store, the second nested page table (the integrity view) and the alert log.
 *
 * <p>Every monitored page is a write trace of the tracing service, owned by {@link #OWNER}: in the
 * protected view ({@link ViewId#DEFAULT}) the driver's code and data pages and every protected
 * page; in the integrity view the same pages except the driver's data. Both views map the same
 * host frames ({@link Hypervisor#shareFrames}), so they differ only in write bits. A vCPU runs
 * on the integrity view exactly while it is in integrity mode: entry switches it there, and exit,
 * an interrupt or an exception switch it back.
 *
 * <p>The guest reaches the service by hypercall ({@link IntegrityHypercalls}); calls from every
 * privilege reach it, so that a user-mode attempt is judged and alerted like any other. Each call
 * checks, in order: its state preconditions (registered, mode), then decodes its raw arguments
 * ({@link RequestDecoder}), then performs; a refusal changes nothing and returns a status code,
 * never an exception. A notified write becomes an alert naming the page, the cause, the action and
 * the writer (vCPU, instruction pointer, privilege); a {@code BLOCK} action vetoes the write's
 * completion through the tracing service's completion listener.
 */
public final class IntegrityService {
    /** The second set of nested page tables, used by vCPUs in integrity mode. */
    public static final ViewId INTEGRITY_VIEW = new ViewId("integrity");
    /** The owner of every trace this service sets. */
    public static final Owner OWNER = new Owner("integrity");
    /** What the integrity view grants a page that is not the driver's code: data, never instructions. */
    private static final NestedPermissions READ_WRITE = new NestedPermissions(true, true, false);

    private final Hypervisor hypervisor;
    private final TracingService tracing;
    private final IntegrityConfig config;
    private final IntegrityImplFlaw flaw;
    private final RequestDecoder decoder;
    private final Mode[] modes;
    /** The vCPU that entered integrity mode last: read only under {@link IntegrityImplFlaw#EXIT_SWITCHES_LAST_ENTERED_VCPU}. */
    private VirtualCpu lastEntered;

    private final TreeProtectionStore protections;
    /** Whether protect and unprotect run in the micro-steps of the store's commit ({@link #continueRequest}). */
    private boolean microSteps;
    /** The request running in micro-steps, holding the tree lock (null: none). */
    private InFlight inFlight;

    /** A protect ({@code action} present) or unprotect whose commit is running, and the vCPU that called it. */
    private record InFlight(VirtualCpu caller, PageRange range, Optional<AlertAction> action) {}

    private final List<IntegrityObservation> alerts = new ArrayList<>();
    private Driver driver;

    /**
     * Installs the service on {@code hypervisor}: creates the integrity view sharing the default
     * view's frames, registers the hypercalls, the interrupt and exception handler and the
     * completion listener. {@code config} must describe the machine (its vCPUs are the machine's
     * first ones, the rest are other services'; guest pages that are RAM). The protections live in a traced tree of {@code store}'s shape, whose node pool
     * must lie in guest RAM above the guarded pages (TREE-7), built with the tree variant {@code
     * treeFlaw}.
     */
    public IntegrityService(
            Hypervisor hypervisor,
            TracingService tracing,
            IntegrityConfig config,
            IntegrityImplFlaw flaw,
            TreeConfig store,
            TreeImplFlaw treeFlaw) {
        this(hypervisor, tracing, config, flaw, store, treeFlaw, false);
    }

    /**
     * The service as above with, when {@code judgesEveryView}, a wrong composition: its
     * completion listener judges every notified write by the page number alone, whichever guest's
     * view it was made in (a composition's seam flaw: another guest's traced write to a page of
     * the same number, such as a migration VM's dirty-logged page, is then blocked; alone, every
     * traced view is the integrity guest's and nothing differs).
     */
    public IntegrityService(
            Hypervisor hypervisor,
            TracingService tracing,
            IntegrityConfig config,
            IntegrityImplFlaw flaw,
            TreeConfig store,
            TreeImplFlaw treeFlaw,
            boolean judgesEveryView) {
        this.judgesEveryView = judgesEveryView;
        this.hypervisor = Objects.requireNonNull(hypervisor, "hypervisor");
        this.tracing = Objects.requireNonNull(tracing, "tracing");
        this.config = Objects.requireNonNull(config, "config");
        this.flaw = Objects.requireNonNull(flaw, "flaw");
        Machine machine = hypervisor.machine();
        if (machine.vcpus().size() < config.vcpuCount()
                || !machine.shape().isRam(new GuestPhysicalPage(config.guestPages() - 1))) {
            throw new IllegalArgumentException(
                    "integrity config " + config + " does not fit machine " + machine.shape());
        }
        if (store.poolFirst() < config.guestPages()
                || !machine.shape().isRam(new GuestPhysicalPage(store.poolFirst() + store.poolSize() - 1))
                || store.maxPagesPerRequest() < config.maxPagesPerRequest()) {
            throw new IllegalArgumentException(
                    "the store's tree " + store + " must keep its node pool in RAM above the " + config.guestPages()
                            + " guarded pages and take requests of " + config.maxPagesPerRequest());
        }
        if (machine.addView(INTEGRITY_VIEW).isEmpty()) {
            throw new IllegalStateException("host memory cannot hold the integrity view's nested page table");
        }
        // The integrity view executes nothing until registration makes the driver's code executable
        // there (GI-8): pages it backs later come without execute too.
        hypervisor.shareFrames(
                INTEGRITY_VIEW,
                ViewId.DEFAULT,
                flaw == IntegrityImplFlaw.INTEGRITY_VIEW_EXECUTES_ALL ? NestedPermissions.RWX : READ_WRITE);
        this.decoder = new RequestDecoder(config.guestPages(), config.maxPagesPerRequest());
        // The tree's own protect and unprotect hypercalls are not registered: the only way to a
        // tree request is this service's checked one (GI-5).
        ProtectedPageTree tree = ProtectedPageTree.store(hypervisor, tracing, store, treeFlaw);
        this.protections = new TreeProtectionStore(tree);
        if (flaw == IntegrityImplFlaw.TREE_REQUEST_WITHOUT_MODE_CHECK) {
            // FLAW: the standalone tree's request API is left registered beside the service's.
            hypervisor.registerHypercall(ProtectedPageTree.PROTECT_HYPERCALL, tree.protectHypercall());
            hypervisor.registerHypercall(ProtectedPageTree.UNPROTECT_HYPERCALL, tree.unprotectHypercall());
        }
        this.modes = new Mode[config.vcpuCount()];
        Arrays.fill(modes, Mode.NORMAL);
        hypervisor.registerHypercall(
                IntegrityHypercalls.REGISTER,
                screened((cpu, a, b, c) -> register(
                        cpu,
                        a,
                        b,
                        c,
                        cpu.register(IntegrityHypercalls.FOURTH_ARGUMENT_REGISTER),
                        cpu.register(IntegrityHypercalls.FIFTH_ARGUMENT_REGISTER))));
        hypervisor.registerHypercall(IntegrityHypercalls.ENTER, screened((cpu, a, b, c) -> enter(cpu)));
        hypervisor.registerHypercall(IntegrityHypercalls.EXIT, screened((cpu, a, b, c) -> exit(cpu)));
        hypervisor.registerHypercall(
                IntegrityHypercalls.PROTECT, screened((cpu, a, b, c) -> request(cpu, a, b, Optional.of(c))));
        hypervisor.registerHypercall(
                IntegrityHypercalls.UNPROTECT, screened((cpu, a, b, c) -> request(cpu, a, b, Optional.empty())));
        hypervisor.addEventHandler(this::onEvent);
        tracing.addCompletionListener(this::completion);
    }

    /** The flaw this service was built with. */
    public IntegrityImplFlaw flaw() {
        return flaw;
    }

    /** The configuration it guards. */
    public IntegrityConfig config() {
        return config;
    }

    /** The registered driver, if any. */
    public Optional<Driver> driver() {
        return Optional.ofNullable(driver);
    }

    /** The mode of the vCPU with index {@code vcpu}; another service's vCPU is never in integrity mode. */
    public Mode mode(int vcpu) {
        return vcpu >= 0 && vcpu < modes.length ? modes[vcpu] : Mode.NORMAL;
    }

    /** Whether {@code cpu} is one of the vCPUs this service guards (the machine's first ones). */
    private boolean guards(VirtualCpu cpu) {
        return cpu.id().id() < modes.length;
    }

    /**
     * From now on protect and unprotect run in the micro-steps of the store's tree commit: the
     * hypercall checks and starts the request (a refusal, pool exhaustion included, is answered at
     * once) and the calling vCPU stays in the hypervisor, holding the tree lock, while other vCPUs
     * run between the micro-steps ({@link #continueRequest}); the request takes effect, and its
     * result is settled, at the tree's {@link TreeCommitStep#PUBLISH}; the caller gets its status
     * when the last micro-step has run. The service traces a protected range before the commit
     * starts and withdraws an unprotected range's traces after it ends, so each protection is
     * traced in both views from its publication on, and until the published tree drops it.
     */
    public void runRequestsInMicroSteps(boolean on) {
        this.microSteps = on;
    }

    /** Whether a protect or unprotect is running in micro-steps. */
    public boolean requestInFlight() {
        return inFlight != null;
    }

    /** The vCPU whose protect or unprotect is running in micro-steps (it is in the hypervisor), if any. */
    public Optional<VirtualCpu> requestCaller() {
        return inFlight == null ? Optional.empty() : Optional.of(inFlight.caller());
    }

    /** The range of the request running in micro-steps, if any. */
    public Optional<PageRange> requestRange() {
        return inFlight == null ? Optional.empty() : Optional.of(inFlight.range());
    }

    /**
     * Runs the next micro-step of the request in flight and returns it (empty, nothing done, when
     * none is). At the last one the service finishes its own part (an unprotected range's traces
     * withdrawn) and writes the caller's status, {@code OK}, to its RAX: the hypercall returns.
     */
    public Optional<TreeCommitStep> continueRequest() {
        if (inFlight == null) {
            return Optional.empty();
        }
        Optional<TreeCommitStep> step = protections.continueRequest();
        if (!protections.requestInFlight()) {
            InFlight done = inFlight;
            inFlight = null;
            if (done.action().isPresent()) {
                if (flaw == IntegrityImplFlaw.PROTECTED_PAGES_TRACED_AFTER_COMMIT) {
                    // FLAW: the range is traced only once the commit is over, after its publication.
                    traceProtected(done.range());
                }
            } else {
                done.range().pages().forEach(this::untracePage);
            }
            done.caller()
                    .setRegister(Hypervisor.HYPERCALL_NUMBER_REGISTER, IntegrityHypercalls.status(IntegrityCode.OK));
        }
        return step;
    }

    /** The protection store. */
    public ProtectionStore protections() {
        return protections;
    }

    /** Every alert raised so far, oldest first. */
    public List<IntegrityObservation> alerts() {
        return Collections.unmodifiableList(alerts);
    }

    /**
     * The hypervisor's handler of the tracing service's notifications for {@code cpu}'s last access:
     * each notification of a page this service monitors becomes an alert (recorded, and returned).
     * Notifications of other owners' pages are not this service's business.
     */
    public List<IntegrityObservation> onNotifications(VirtualCpu cpu, List<Observation> seen) {
        List<IntegrityObservation> raised = new ArrayList<>();
        for (Observation o : seen) {
            if (o instanceof Notification n && n.vcpu().equals(cpu.id())) {
                monitor(n.page().number())
                        .ifPresent(m -> raised.add(new IntegrityObservation.WriteAlert(
                                n.page().number(), m.cause(), m.action(), writer(cpu))));
            }
        }
        alerts.addAll(raised);
        return raised;
    }

    // ---------------------------------------------------------------- hypercalls

    private long register(
            VirtualCpu cpu, long codeStart, long codeLength, long dataStart, long dataLength, long entryPoint) {
        // 1. once only: a second registration is an attack on the driver
        if (driver != null) {
            return refuseWithAlert(IntegrityAlertCause.SECOND_REGISTRATION, cpu, IntegrityCode.ALREADY_REGISTERED);
        }
        // 2. decode both ranges
        RequestDecoder.Range code = decoder.range(codeStart, codeLength);
        if (code.pages().isEmpty()) {
            return IntegrityHypercalls.status(code.code());
        }
        RequestDecoder.Range data = decoder.range(dataStart, dataLength);
        if (data.pages().isEmpty()) {
            return IntegrityHypercalls.status(data.code());
        }
        PageRange c = code.pages().get();
        PageRange d = data.pages().get();
        // 3. a sane layout: disjoint ranges, the entry point inside the code, nothing there protected by request
        boolean entryInCode = entryPoint >= 0 && c.contains(entryPoint >>> PageRange.PAGE_SHIFT);
        boolean clash = c.pages().anyMatch(p -> protections.actionOf(p).isPresent())
                || d.pages().anyMatch(p -> protections.actionOf(p).isPresent());
        if (c.overlaps(d) || !entryInCode || clash) {
            return IntegrityHypercalls.status(IntegrityCode.BAD_LAYOUT);
        }
        // perform: record, make the code (only the code) executable in the integrity view, then
        // write-protect the driver's pages in both views (data: protected view only)
        driver = new Driver(c, d, entryPoint);
        c.pages().forEach(this::executableInIntegrityView);
        if (flaw == IntegrityImplFlaw.DRIVER_DATA_EXECUTABLE_IN_INTEGRITY_VIEW) {
            d.pages().forEach(this::executableInIntegrityView);
        }
        c.pages().forEach(p -> {
            trace(ViewId.DEFAULT, p);
            if (flaw != IntegrityImplFlaw.INTEGRITY_VIEW_UNMONITORS_ALL
                    && flaw != IntegrityImplFlaw.DRIVER_CODE_WRITABLE_IN_INTEGRITY_VIEW) {
                trace(INTEGRITY_VIEW, p);
            }
        });
        d.pages().forEach(p -> {
            if (flaw != IntegrityImplFlaw.DRIVER_DATA_UNTRACED) {
                trace(ViewId.DEFAULT, p);
            }
            if (flaw == IntegrityImplFlaw.OWN_DATA_MONITORED_IN_INTEGRITY_VIEW) {
                trace(INTEGRITY_VIEW, p);
            }
        });
        return IntegrityHypercalls.status(IntegrityCode.OK);
    }

    private long enter(VirtualCpu cpu) {
        int id = cpu.id().id();
        // 1. already inside: nothing to do
        if (modes[id] == Mode.INTEGRITY) {
            return IntegrityHypercalls.status(IntegrityCode.ALREADY_IN_INTEGRITY_MODE);
        }
        // 2. no driver, no entry point: any attempt is an attack
        if (driver == null) {
            return refuseWithAlert(IntegrityAlertCause.WRONG_ENTRY, cpu, IntegrityCode.NOT_REGISTERED);
        }
        // 3. only from the registered entry point: the full address, page and offset
        long ip = cpu.instructionPointer();
        long entry = driver.entryPoint();
        boolean admitted = switch (flaw) {
            case ENTRY_CHECKS_PAGE_ONLY -> (ip >>> PageRange.PAGE_SHIFT) == (entry >>> PageRange.PAGE_SHIFT);
            case ENTRY_CHECKS_LOW_32_BITS -> (int) ip == (int) entry;
            default -> ip == entry;
        };
        if (!admitted) {
            return refuseWithAlert(IntegrityAlertCause.WRONG_ENTRY, cpu, IntegrityCode.WRONG_ENTRY_POINT);
        }
        modes[id] = Mode.INTEGRITY;
        cpu.setView(INTEGRITY_VIEW);
        if (flaw == IntegrityImplFlaw.EXIT_SWITCHES_LAST_ENTERED_VCPU) {
            lastEntered = cpu;
        }
        cpu.setInstructionPointer(entry);
        return IntegrityHypercalls.status(IntegrityCode.OK);
    }

    private long exit(VirtualCpu cpu) {
        int id = cpu.id().id();
        // 1. only from integrity mode
        if (modes[id] != Mode.INTEGRITY) {
            return IntegrityHypercalls.status(IntegrityCode.NOT_IN_INTEGRITY_MODE);
        }
        modes[id] = Mode.NORMAL;
        if (flaw == IntegrityImplFlaw.EXIT_SWITCHES_LAST_ENTERED_VCPU && lastEntered != null) {
            // Flaw EXIT_SWITCHES_LAST_ENTERED_VCPU: one field for "the driver's vCPU".
            lastEntered.setView(ViewId.DEFAULT);
        } else if (flaw != IntegrityImplFlaw.EXIT_KEEPS_INTEGRITY_VIEW) {
            cpu.setView(ViewId.DEFAULT);
        }
        return IntegrityHypercalls.status(IntegrityCode.OK);
    }

    /**
     * Interrupts and exceptions end integrity mode and restore the protected view. An exception
     * (a generated one, or a fault the machine raised: a fetch outside the driver's code, a
     * refused write) is alerted (GI-8); an interrupt is not.
     */
    private void onEvent(VirtualCpu cpu, VcpuEvent event) {
        int id = cpu.id().id();
        if (!guards(cpu) || modes[id] != Mode.INTEGRITY) {
            return;
        }
        modes[id] = Mode.NORMAL;
        if (event.kind() == VcpuEvent.Kind.EXCEPTION && flaw != IntegrityImplFlaw.FAULT_LEAVES_SILENTLY) {
            alerts.add(new IntegrityObservation.FaultAlert(id));
        }
        boolean keep =
                flaw == IntegrityImplFlaw.INTERRUPT_KEEPS_INTEGRITY_VIEW && event.kind() == VcpuEvent.Kind.INTERRUPT;
        if (!keep) {
            cpu.setView(ViewId.DEFAULT);
        }
    }

    /** Protect ({@code actionCode} present) or unprotect a range. */
    private long request(VirtualCpu cpu, long start, long length, Optional<Long> actionCode) {
        // 1. the mode check comes first: a caller outside integrity mode learns nothing from its arguments
        boolean honoured = modes[cpu.id().id()] == Mode.INTEGRITY || flaw == IntegrityImplFlaw.REQUESTS_IGNORE_MODE;
        if (!honoured) {
            if (actionCode.isEmpty() && flaw == IntegrityImplFlaw.REFUSED_UNPROTECT_SILENT) {
                return IntegrityHypercalls.status(IntegrityCode.NOT_IN_INTEGRITY_MODE);
            }
            return refuseWithAlert(IntegrityAlertCause.REFUSED_REQUEST, cpu, IntegrityCode.NOT_IN_INTEGRITY_MODE);
        }
        // 2. decode the range, then the action
        RequestDecoder.Range decoded = decoder.range(start, length);
        if (decoded.pages().isEmpty()) {
            return IntegrityHypercalls.status(decoded.code());
        }
        PageRange range = decoded.pages().get();
        Optional<AlertAction> action = actionCode.flatMap(decoder::action);
        if (actionCode.isPresent() && action.isEmpty()) {
            return IntegrityHypercalls.status(IntegrityCode.UNKNOWN_ACTION);
        }
        // 3. the driver's pages are protected by registration, never by request
        if (driver != null && driver.overlaps(range)) {
            return IntegrityHypercalls.status(IntegrityCode.DRIVER_PAGE);
        }
        if (action.isPresent()) {
            // 4a. protect: no page of the range is protected already (a request never changes an action)
            boolean taken = range.pages().anyMatch(p -> protections.actionOf(p).isPresent());
            if (taken) {
                if (flaw == IntegrityImplFlaw.ROLLBACK_DROPS_EXISTING) {
                    // FLAW: "roll back" every page of the range, the ones protected earlier included
                    range.pages()
                            .filter(p -> protections.actionOf(p).isPresent())
                            .forEach(p -> {
                                protections.unprotect(PageRange.of(p));
                                untracePage(p);
                            });
                }
                return IntegrityHypercalls.status(IntegrityCode.OVERLAPS);
            }
            // FLAW STORE_REFUSES_WITH_ROOM: the worst case reserved up front, whatever the insert needs
            if (flaw == IntegrityImplFlaw.STORE_REFUSES_WITH_ROOM && belowWorstCase(range)) {
                return IntegrityHypercalls.status(IntegrityCode.STORE_FULL);
            }
            if (microSteps) {
                return startProtect(cpu, range, action.get());
            }
            // 5a. the store first: a tree out of node pages refuses the whole range, and nothing changed
            boolean stored = protections.protect(range, action.get());
            if (!stored && flaw != IntegrityImplFlaw.STORE_GRANTS_WHEN_FULL) {
                return IntegrityHypercalls.status(IntegrityCode.STORE_FULL);
            }
            traceProtected(range);
        } else {
            // 4b. unprotect: every page of the range is protected
            if (!range.pages().allMatch(p -> protections.actionOf(p).isPresent())) {
                return IntegrityHypercalls.status(IntegrityCode.NOT_PROTECTED);
            }
            if (microSteps) {
                protections.startUnprotect(range);
                inFlight = new InFlight(cpu, range, Optional.empty());
                return IntegrityHypercalls.IN_FLIGHT;
            }
            protections.unprotect(range);
            range.pages().forEach(this::untracePage);
        }
        return IntegrityHypercalls.status(IntegrityCode.OK);
    }

    /**
     * 5a in micro-steps: the store's tree starts the insert (refusing it whole for want of node
     * pages), then the range is traced in both views before any micro-step runs: until the tree
     * publishes, a write there is notified, finds no protection in the published tree and lands.
     */
    private long startProtect(VirtualCpu cpu, PageRange range, AlertAction action) {
        if (!protections.startProtect(range, action)) {
            if (flaw != IntegrityImplFlaw.STORE_GRANTS_WHEN_FULL) {
                return IntegrityHypercalls.status(IntegrityCode.STORE_FULL);
            }
            traceProtected(range);
            return IntegrityHypercalls.status(IntegrityCode.OK);
        }
        if (flaw != IntegrityImplFlaw.PROTECTED_PAGES_TRACED_AFTER_COMMIT) {
            traceProtected(range);
        }
        inFlight = new InFlight(cpu, range, Optional.of(action));
        return IntegrityHypercalls.IN_FLIGHT;
    }

    /**
     * Whether the store's free node pages are fewer than a protect of {@code range} could take at
     * worst (a split on every level and a new root for each page, and one more): the up-front
     * reservation of {@link IntegrityImplFlaw#STORE_REFUSES_WITH_ROOM}, which the correct service
     * does not make (it asks the tree, which refuses only what it cannot take).
     */
    private boolean belowWorstCase(PageRange range) {
        ProtectedPageTree tree = protections.tree();
        long worst = (range.count() + 1) * (Math.max(tree.height(), 0) + 3L);
        return tree.freePool().size() < worst;
    }

    /** Write-protects every page of {@code range} in both views (a protection's traces). */
    private void traceProtected(PageRange range) {
        range.pages().forEach(p -> {
            trace(ViewId.DEFAULT, p);
            if (flaw != IntegrityImplFlaw.INTEGRITY_VIEW_UNMONITORS_ALL) {
                trace(INTEGRITY_VIEW, p);
            }
        });
    }

    // ---------------------------------------------------------------- writes

    /** What monitors a page, whatever the view (the view decides whether a write exits at all). */
    private Optional<Monitor> monitor(long page) {
        if (driver != null && driver.owns(page)) {
            return Optional.of(new Monitor(IntegrityAlertCause.DRIVER_PAGE, AlertAction.BLOCK));
        }
        return protections.actionOf(page).map(a -> new Monitor(IntegrityAlertCause.PROTECTED_PAGE, a));
    }

    private record Monitor(IntegrityAlertCause cause, AlertAction action) {}

    /** Flaw of a composition: the completion listener judges notes from every guest's views. */
    private final boolean judgesEveryView;

    /**
     * The completion listener: a write to a page whose action blocks is not completed. Only the
     * integrity guest's writes are judged, made on a view backed by its frames (the default view
     * or the integrity view): on a shared machine a note from another guest's view names that
     * guest's page of the same number (its own tracing, a migration's dirty logging), which no
     * protection of this guest's covers. Pure.
     */
    private TracingService.Completion completion(VirtualCpu cpu, Notification note) {
        if (!judgesEveryView && !hypervisor.backedBy(cpu.view(), ViewId.DEFAULT)) {
            return TracingService.Completion.ALLOW;
        }
        boolean blocks = monitor(note.page().number())
                .map(m -> !m.action().completesWrite())
                .orElse(false);
        return blocks && flaw != IntegrityImplFlaw.BLOCK_COMPLETES_WRITE
                ? TracingService.Completion.BLOCK
                : TracingService.Completion.ALLOW;
    }

    // ---------------------------------------------------------------- helpers

    private long refuseWithAlert(IntegrityAlertCause cause, VirtualCpu cpu, IntegrityCode code) {
        alerts.add(new IntegrityObservation.PolicyAlert(cause, writer(cpu)));
        return IntegrityHypercalls.status(code);
    }

    private static Writer writer(VirtualCpu cpu) {
        return new Writer(cpu.id().id(), cpu.instructionPointer(), cpu.privilege() == Privilege.KERNEL ? 0 : 3);
    }

    /**
     * Write-protects {@code page} in {@code view}. The page is guest RAM (the constructor checks
     * that the config fits the machine) and host memory is far larger than any guest, so a refusal
     * here is a broken hypervisor, not hostile input.
     */
    private void trace(ViewId view, long page) {
        List<Observation> refused = tracing.addTrace(view, OWNER, new GuestPhysicalPage(page));
        if (!refused.isEmpty()) {
            throw new IllegalStateException("cannot trace page 0x" + Long.toHexString(page) + " in view " + view.name()
                    + ": " + refused.get(0));
        }
    }

    /**
     * Gives {@code page} execute in the integrity view, backing it there first: a widening, so no
     * cached translation needs invalidating. Guest RAM (the constructor checks the config), so a
     * refusal is a broken hypervisor.
     */
    private void executableInIntegrityView(long page) {
        GuestPhysicalPage p = new GuestPhysicalPage(page);
        NestedPageTable npt = hypervisor.machine().view(INTEGRITY_VIEW).orElseThrow();
        if (!hypervisor.populate(INTEGRITY_VIEW, p)
                || !npt.setPermissions(
                        p, npt.leaf(p).orElseThrow().permissions().withExecute(true))) {
            throw new IllegalStateException("cannot make page " + page + " executable in the integrity view");
        }
    }

    /** Drops {@code page}'s traces in both views (its protection is gone from the store). */
    private void untracePage(long page) {
        untrace(ViewId.DEFAULT, page);
        untrace(INTEGRITY_VIEW, page);
    }

    /** Removes this service's trace of {@code page} in {@code view}, if it has one. */
    private void untrace(ViewId view, long page) {
        tracing.removeTrace(view, OWNER, new GuestPhysicalPage(page));
    }

    /** Marks {@code handler} as judging privilege itself, so user-mode calls reach it. */
    private HypercallHandler screened(HypercallHandler handler) {
        return new HypercallHandler() {
            @Override
            public long handle(VirtualCpu caller, long arg1, long arg2, long arg3) {
                // Another service's vCPU of a shared machine is no caller this service knows.
                if (!guards(caller)) {
                    return IntegrityHypercalls.status(IntegrityCode.UNKNOWN_VCPU);
                }
                return handler.handle(caller, arg1, arg2, arg3);
            }

            @Override
            public boolean screensPrivilege() {
                return true;
            }
        };
    }
}
