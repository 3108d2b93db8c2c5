/*
 * system: the traced tree as the integrity driver's protection store, on one machine with two
 * nested views (US10592267B2 with US11379385B2; issue 12). Claims TREE-7, and GI-5 and GI-8 as
 * they guard the tree.
 *
 * What it models. One hypervisor runs the integrity service and the traced tree together. The
 * integrity service keeps its protections in the tree: a protect or unprotect request is made by
 * the instruction a vCPU runs (Vcpu.pc), passes the integrity-mode check (GI-5) and only then
 * becomes a tree insert or remove; Hv.granted is what the service answered OK for, the
 * integrity model's protections, which the tree's leaf mappings must equal (TREE-7). The tree
 * takes a node from its pool for a plant or a split and frees nodes on a merge or tear-down,
 * and traces each node page in every nested view, the default view and the integrity view. vCPUs
 * run in normal or integrity mode, mode and view set as separate updates as in integrity.als;
 * entering puts the instruction pointer at the registered entry point, and an instruction
 * fetched in integrity mode from a page the integrity view does not execute faults: integrity
 * mode ends on the default view with an alert. A guest write in either view is judged by the
 * view the writer runs on: a traced node page gives the tree-node alert and the write is
 * dropped; a protected page alerts with its action; a driver code page alerts with Block. A
 * write that lands on a live node's page rewrites that node's mappings as the guest likes.
 * The tree's own protect hypercall exists on the machine but is not registered (it changes
 * nothing): the only way to a tree request is the checked integrity request.
 *
 * What it abstracts and leaves out. Self-contained rather than opening tree.als and
 * integrity.als: both modules' facts fix their own traces, so opened together they would run
 * side by side on separate pages instead of one machine. It restates the few sigs it needs and
 * collapses each side to what the composed claims read. The tree: key ranges, children and
 * the walk are left out (tree.als checks them, TREE-1..6); a node is its page and the mappings
 * it holds, and which live node holds which mapping after a request is the request's choice
 * (each mapped page held by one live node, as any B+-tree layout is), so splits, merges and
 * tear-downs are the nodes a request takes from the pool or gives back. The look-up's node-page
 * test is the set of live node pages. Integrity: registration is done at boot (the driver's code
 * pages and entry point are given, trusted as measured boot makes them: integrity.als checks
 * register, GI-1's wrong entries, interrupts, user-mode fetches and the driver's data pages,
 * GI-2, GI-3 and GI-7); exit is the one way out besides a fault. How many fresh nodes an insert
 * needs is the nodes' capacity in the Java tree (a root split takes a sibling and a new root, and
 * the node-page entries of the nodes taken may split a leaf again); here it is the request's
 * choice, so an insert may take any free nodes. A protect may be refused (STORE_FULL) while some
 * are free, when the insert would need more (the Java tree refuses an insert needing more nodes
 * than are free, its first root split among them; found by SystemSpecConformance, which links
 * this spec to machine runs), but only when the store has no room (pred storeFull): the free
 * nodes are fewer than a one-page insert can take at most, a node per level (a tree has no more
 * levels than live nodes) and a new root, and one more for the node-page entries of the nodes
 * taken splitting a leaf again: the live nodes and two (measured, not proved: the Java tree of
 * order 4 keeps within it on random trees,
 * TreeProtectionStoreTest.aOnePageProtectTakesAtMostTwoPoolPagesMoreThanTheTreeHasNodes). The
 * bound is the spec's, not the tree's exact need: at this scope it forbids a refusal on an empty
 * tree with a node free (the early refusal a store that refused every protect would make) and
 * allows one beside a live node with one free; the exact need is checked on the machine (the
 * Java check TREE-7 storeFullOnlyWithoutRoom asks the tree's own dry run of the insert). Page
 * contents other than a node's mappings, page ranges and request decoding (tree.als,
 * REQUEST_PAGE_NUMBER_32_BITS) and the tracing service's owners are left out.
 *
 * Java names (the store and integrity packages of impl and model):
 *   sig Node (page, maps)        a node of impl.tree.ProtectedPageTree in its pool page: its
 *                                leaf mappings (model.tree.TreeNode)
 *   Hv.nodes                     the tree's live nodes, read from the base pointer in hypervisor
 *                                memory (ProtectedPageTree in its store role behind
 *                                impl.integrity.TreeProtectionStore)
 *   Hv.granted                   model.integrity.IntegrityState's protections
 *   Hv.code, Hv.entry, Hv.exec   the registered Driver's code pages and entry point's page, the
 *                                pages the integrity view's nested page table executes
 *   sig View: DefaultView, IntegrityView   ViewId.DEFAULT (integrity.als's ProtectedView,
 *                                View.PROTECTED) and IntegrityService.INTEGRITY_VIEW
 *   Tracing.traced               the tracing service's traces per view, addTrace(ViewId, Owner, page)
 *   sig Vcpu (mode, view, pc)    VcpuState's mode and view, the vCPU's instruction pointer page
 *   pred enter, exit, fetch, protect, unprotect, guestWrite
 *                                IntegrityAction.Enter, Exit, the fetch of an action's
 *                                instruction in integrity mode, Protect, Unprotect, GuestWrite
 *   pred treeHypercall           the tree's own protect hypercall (ProtectedPageTree.PROTECT_HYPERCALL;
 *                                its unprotect hypercall is alike and left out)
 *   pred treeInsert, treeRemove  TreeProtectionStore.protect and unprotect: tree inserts and
 *                                removes; a protect refused for want of nodes answers
 *                                IntegrityCode.STORE_FULL
 *   sig Last                     the observation of the last step (IntegrityObservation, with
 *                                TreeNodeAlert the tree's node-page answer; Last.full the
 *                                answer IntegrityCode.STORE_FULL)
 *   sig Flaw                     TreeImplFlaw / IntegrityImplFlaw constants of the same names
 *   assert TREE_7_<name>, GI_5_treeRequestsOnlyThroughTheService
 *                                the machine checks of the same name after every step of the
 *                                integrity traces (properties.integrity.IntegrityTrace)
 *
 * Flaws. Hv.flaw selects a deliberately broken system for the must-fail twins:
 * NODE_PAGES_TRACED_IN_DEFAULT_VIEW_ONLY (a node page the tree takes is traced in the default
 * view only), TREE_REQUEST_WITHOUT_MODE_CHECK (the tree's own protect hypercall is registered, a
 * tree insert without the integrity-mode check), INTEGRITY_VIEW_EXECUTES_ALL (the integrity view
 * executes every page, so a fetch outside the driver's code runs in integrity mode) and
 * STORE_GRANTS_WHEN_FULL (a protect the tree refuses for want of a free node is answered OK and
 * its page traced, but no leaf maps it) and STORE_REFUSES_WITH_ROOM (a protect is refused,
 * STORE_FULL, whenever the service likes, room or none). Each claim's property is a pred stated once; its
 * assert checks it for the correct system (correctHv), its twin GROUP_n_wrong_<name> under one
 * flaw.
 *
 * Scopes. Every command runs at 4 pages, 2 nodes, 2 vCPUs and 6 steps (5 transitions): the
 * driver's code page, the two pool pages and a page beside them (or two code pages); a tree of
 * one or two nodes, so a plant, a split's second node, the full pool, and a merge or tear-down
 * giving a node back, a refusal beside a live node with one node free; both vCPUs in either mode.
 * Every key situation below takes at most 4 transitions, so each is reached with a step to spare (enter, plant, split, unprotect with a
 * merge, a write to the remaining node page). It cannot show trees of three nodes or more
 * (tree.als checks the structure at its own scope) or a third vCPU; 3 nodes cost 2.5 times the
 * solving time.
 */
module system

abstract sig Action {}
one sig RecordAndAllow, Block, TreeNodeAlert extends Action {}
fun mappingActions: set Action { RecordAndAllow + Block }

abstract sig Cause {}
one sig NodePage, ProtectedPage, DriverPage, RefusedRequest, FaultInIntegrityMode extends Cause {}

abstract sig Mode {}
one sig Normal, Integrity extends Mode {}

abstract sig View {}
one sig DefaultView, IntegrityView extends View {}

sig Page {}

-- A node slot from the tree's pool, bound to its own page for good; maps is what the guest
-- could rewrite if a write to that page landed.
sig Node {
  page: one Page,
  var maps: Page -> lone Action
}
fact onePagePerNode { page in Node lone -> Page }

-- Deliberately broken systems, for the must-fail twins (TreeImplFlaw, IntegrityImplFlaw).
abstract sig Flaw {}
one sig NODE_PAGES_TRACED_IN_DEFAULT_VIEW_ONLY, TREE_REQUEST_WITHOUT_MODE_CHECK, INTEGRITY_VIEW_EXECUTES_ALL,
  STORE_GRANTS_WHEN_FULL, STORE_REFUSES_WITH_ROOM extends Flaw {}

-- Hypervisor state: the registration (done at boot), the tree's live nodes, the protections granted.
one sig Hv {
  flaw: lone Flaw,
  code: some Page,
  entry: one Page,
  exec: set Page,
  var nodes: set Node,
  var granted: Page -> lone Action
}
pred correctHv { no Hv.flaw }

-- The driver registered at boot: its entry point is on its code, the pool lies outside its code,
-- and the integrity view executes the code only (INTEGRITY_VIEW_EXECUTES_ALL: every page).
fact registration {
  Hv.entry in Hv.code
  no Hv.code & Node.page
  Hv.exec = (Hv.flaw = INTEGRITY_VIEW_EXECUTES_ALL => Page else Hv.code)
}

-- The tracing service's traces, per nested view.
one sig Tracing { var traced: View -> Page }

sig Vcpu { var mode: one Mode, var view: one View, var pc: one Page }

-- What the last step showed an observer.
one sig Last {
  var actor: lone Vcpu,
  var cause: lone Cause,
  var action: lone Action,
  var ok: lone Vcpu,      -- the request of this vCPU succeeded
  var request: lone Vcpu, -- this vCPU made a tree request (honoured or not)
  var full: lone Vcpu,    -- the protect of this vCPU was refused for a full store (STORE_FULL)
  var written: lone Page  -- the page a guest write went to
}

fun nodePages: set Page { Hv.nodes.page }
fun mapping: Page -> Action { Hv.nodes.maps }
fun mappedPages: set Page { mapping.Action }
fun freeNodes: set Node { Node - Hv.nodes }

-- The store has no room for a one-page insert: fewer free nodes than the insert can take at most,
-- a node per level (no more levels than live nodes) and a new root, and one more for the node-page
-- entries of the nodes taken splitting a leaf again: the live nodes and two.
pred storeFull { #freeNodes < plus[#Hv.nodes, 2] }

let unchanged[x] { (x)' = (x) }

pred treeFrame { unchanged[Hv.nodes] and unchanged[maps] }
pred vcpusFrame { unchanged[mode] and unchanged[view] and unchanged[pc] }
pred noAlert { no Last.cause' and no Last.action' and no Last.written' }
pred alert[v: Vcpu, c: Cause] { Last.actor' = v and Last.cause' = c and no Last.action' and no Last.written' }
-- the tree's nodes or a node's contents change in this step
pred treeChanged { Hv.nodes' != Hv.nodes or maps' != maps }

fact init {
  no Hv.nodes and no Hv.granted
  no maps
  no Tracing.traced
  Vcpu.mode = Normal and Vcpu.view = DefaultView
  no Last.actor and no Last.cause and no Last.action and no Last.ok and no Last.request and no Last.written
  no Last.full
}

-- The views a node page the tree takes is traced in: every view (the flaw: the default only).
fun nodeTraceViews: set View { Hv.flaw = NODE_PAGES_TRACED_IN_DEFAULT_VIEW_ONLY => DefaultView else View }

-- After a request the live nodes hold exactly the mappings m, each page in one node; free nodes
-- hold nothing (the layout is the request's choice: the leaf, a split's sibling, a merge).
pred holds[m: Page -> Action] {
  Hv.nodes'.maps' = m
  all n: Node - Hv.nodes' | no n.maps'
  all p: Page | lone n: Hv.nodes' | some n.maps'[p]
}

-- treeInsert: q mapped to a; the tree takes free nodes (a plant; a split's fresh sibling, and a new
-- root when the root splits; the node-page entries of the nodes taken may split a leaf again) and
-- traces their pages; q is traced in every view.
pred treeInsert[q: Page, a: Action] {
  -- effect
  Hv.nodes in Hv.nodes'
  Hv.nodes' - Hv.nodes in freeNodes
  holds[mapping + q -> a]
  Tracing.traced' = Tracing.traced + View -> q + nodeTraceViews -> (Hv.nodes' - Hv.nodes).page
}

-- treeRemove: q unmapped; a merge or tear-down may give nodes back to the pool, whose pages lose
-- their traces; q's trace goes unless q is still a node page.
pred treeRemove[q: Page] {
  Hv.nodes' in Hv.nodes
  holds[mapping - q -> Action]
  Tracing.traced' = Tracing.traced - View -> ((q + (Hv.nodes - Hv.nodes').page) - (nodePages + mappedPages)')
}

-- enter: a call at the registered entry point puts v in integrity mode, on the integrity view
-- (two updates), its instruction pointer at the entry point (wrong entries: integrity.als, GI-1).
pred enter[v: Vcpu] {
  -- guard
  v.mode = Normal
  -- effect
  mode' = mode ++ v -> Integrity
  view' = view ++ v -> IntegrityView
  pc' = pc ++ v -> Hv.entry
  Last.actor' = v and noAlert and no Last.ok' and no Last.request' and no Last.full'
  -- frame
  treeFrame and unchanged[Tracing.traced] and unchanged[Hv.granted]
}

-- Leaving integrity mode ends the mode and, a separate update, restores the default view.
pred leaveIntegrity[v: Vcpu] {
  mode' = mode ++ v -> Normal
  view' = view ++ v -> DefaultView
  unchanged[pc]
  no Last.ok' and no Last.request' and no Last.full'
  treeFrame and unchanged[Tracing.traced] and unchanged[Hv.granted]
}

-- exit: the driver returns from integrity mode.
pred exit[v: Vcpu] { v.mode = Integrity and leaveIntegrity[v] and Last.actor' = v and noAlert }

-- fetch: v fetches its next instruction from page p. In integrity mode through the integrity
-- view: a page it does not execute faults (integrity mode ends with an alert), else v runs at p.
-- In normal mode the kernel runs wherever it likes.
pred fetch[v: Vcpu, p: Page] {
  (v.mode = Integrity and p not in Hv.exec) implies {
    leaveIntegrity[v]
    alert[v, FaultInIntegrityMode]
  } else {
    pc' = pc ++ v -> p
    unchanged[mode] and unchanged[view]
    Last.actor' = v and noAlert and no Last.ok' and no Last.request' and no Last.full'
    treeFrame and unchanged[Tracing.traced] and unchanged[Hv.granted]
  }
}

-- protect: the instruction at v.pc asks to protect p with action a. Honoured only from integrity
-- mode (GI-5); then, if p is neither protected nor a driver page, a tree insert, answered OK.
pred protect[v: Vcpu, p: Page, a: Action] {
  a in mappingActions
  v.mode = Integrity implies {
    (p not in mappedPages + Hv.code) implies {
      -- the insert, or, when the store has no room (storeFull: the pool may not give the nodes the
      -- insert needs, the nodes' capacity in the Java tree, which the spec leaves out: here the
      -- request's choice), the store refuses it (STORE_FULL): nothing changes. STORE_GRANTS_WHEN_FULL
      -- grants it anyway: the page is traced and OK answered, no leaf maps it. STORE_REFUSES_WITH_ROOM
      -- refuses it with room too.
      (treeInsert[p, a] and Hv.granted' = Hv.granted + p -> a and Last.ok' = v and no Last.full')
      or ((storeFull or Hv.flaw = STORE_REFUSES_WITH_ROOM) and treeFrame and {
        Hv.flaw = STORE_GRANTS_WHEN_FULL => {
          Tracing.traced' = Tracing.traced + View -> p and Hv.granted' = Hv.granted + p -> a and Last.ok' = v
          no Last.full'
        } else { unchanged[Tracing.traced] and unchanged[Hv.granted] and no Last.ok' and Last.full' = v } })
    } else {
      treeFrame and unchanged[Tracing.traced] and unchanged[Hv.granted] and no Last.ok' and no Last.full'
    }
    Last.actor' = v and noAlert
  } else {
    treeFrame and unchanged[Tracing.traced] and unchanged[Hv.granted] and no Last.ok' and no Last.full'
    alert[v, RefusedRequest]
  }
  Last.request' = v
  vcpusFrame
}

-- unprotect: the instruction at v.pc asks to remove p's protection. Honoured only from integrity
-- mode (GI-5); then, if p is protected, a tree remove, answered OK.
pred unprotect[v: Vcpu, p: Page] {
  v.mode = Integrity implies {
    p in mappedPages implies {
      treeRemove[p]
      Hv.granted' = Hv.granted - p -> Action
      Last.ok' = v
    } else {
      treeFrame and unchanged[Tracing.traced] and unchanged[Hv.granted] and no Last.ok'
    }
    Last.actor' = v and noAlert
  } else {
    treeFrame and unchanged[Tracing.traced] and unchanged[Hv.granted] and no Last.ok'
    alert[v, RefusedRequest]
  }
  Last.request' = v and no Last.full'
  vcpusFrame
}

-- treeHypercall: v calls the tree's own protect hypercall. Not registered on this machine, so it
-- changes nothing; TREE_REQUEST_WITHOUT_MODE_CHECK registers it: a tree insert from any mode,
-- which the integrity service never sees.
pred treeHypercall[v: Vcpu, p: Page, a: Action] {
  a in mappingActions
  Hv.flaw = TREE_REQUEST_WITHOUT_MODE_CHECK implies {
    (p not in mappedPages + Hv.code) implies treeInsert[p, a] else { treeFrame and unchanged[Tracing.traced] }
    Last.request' = v
  } else {
    treeFrame and unchanged[Tracing.traced] and no Last.request'
  }
  unchanged[Hv.granted]
  Last.actor' = v and noAlert and no Last.ok' and no Last.full'
  vcpusFrame
}

-- The look-up for a write to p on view w: a traced node page first, then a traced mapping,
-- then the driver's code (protected by registration).
fun lookupCause[w: View, p: Page]: lone Cause {
  p in Tracing.traced[w] & nodePages => NodePage
  else p in Tracing.traced[w] & mappedPages => ProtectedPage
  else p in Hv.code => DriverPage else none
}
fun lookupAction[w: View, p: Page]: lone Action {
  p in Tracing.traced[w] & nodePages => TreeNodeAlert
  else p in Tracing.traced[w] & mappedPages => mapping[p]
  else p in Hv.code => Block else none
}

-- A write that lands on p: the guest may rewrite the live node stored in p (any mappings);
-- nothing else the tree reads changes.
pred landed[p: Page] {
  all n: Node - (Hv.nodes & page.p) | (n.maps)' = n.maps
  unchanged[Hv.nodes]
}

-- guestWrite: v writes p, judged on the view v runs on; the write lands unless its action
-- drops it (the tree-node action and Block drop it, record-and-allow lets it land).
pred guestWrite[v: Vcpu, p: Page] {
  Last.actor' = v
  Last.cause' = lookupCause[v.view, p]
  Last.action' = lookupAction[v.view, p]
  Last.written' = p
  no Last.ok' and no Last.request' and no Last.full'
  (Last.action' in RecordAndAllow) implies landed[p] else treeFrame
  unchanged[Tracing.traced] and unchanged[Hv.granted]
  vcpusFrame
}

pred stutter {
  treeFrame and unchanged[Tracing.traced] and unchanged[Hv.granted] and vcpusFrame
  no Last.actor' and noAlert and no Last.ok' and no Last.request' and no Last.full'
}

-- The step's arguments, free in every state: quantifying over them inside `always` would ground
-- every operation once per vCPU, page and action; one choice relation grounds each once.
one sig Arg { var vcpu: one Vcpu, var pg: one Page, var act: one Action }

fact traces {
  always let v = Arg.vcpu, p = Arg.pg, a = Arg.act |
    enter[v] or exit[v] or fetch[v, p] or protect[v, p, a] or unprotect[v, p] or treeHypercall[v, p, a]
    or guestWrite[v, p] or stutter
}

-- The claims' properties, each stated once: the asserts check them for the correct system, the
-- twins under one flaw. They read the step's observation (Last.request: who made a tree
-- request), as the Java invariants read a step's action and observations.
pred leafMappingsAreProtections { always Hv.granted = mapping }
pred nodePagesTracedInEveryView { always all w: View | nodePages in Tracing.traced[w] }
pred nodePageWritesVetoed {
  always {
    some Last.written' & nodePages implies (Last.cause' = NodePage and Last.action' = TreeNodeAlert)
    treeChanged implies some Last.request'
  }
}
pred treeRequestsOnlyThroughTheService {
  always {
    treeChanged implies Last.request'.mode = Integrity
    Last.request'.mode = Normal implies
      (not treeChanged and unchanged[Hv.granted] and Last.cause' = RefusedRequest)
  }
}
pred storeFullOnlyWithoutRoom { always (some Last.full' implies storeFull) }
pred treeChangedOnlyByDriverCode {
  always (treeChanged implies (Last.request'.mode = Integrity and Last.request'.pc in Hv.code))
}

-- TREE-7: every protection granted through the integrity-mode check is a leaf mapping of the tree,
-- and every removal removes it: the granted protections equal the leaf mappings after every step.
assert TREE_7_leafMappingsAreProtections { correctHv => leafMappingsAreProtections }
check TREE_7_leafMappingsAreProtections for 4 but 2 Node, 2 Vcpu, 6 steps expect 0

-- TREE-7: a page is protected, then unprotected by the driver in integrity mode, and the remove
-- gives a node back to the pool (a merge or tear-down).
run TREE_7_protectThenUnprotect {
  correctHv
  eventually some v: Vcpu, p: Page | unprotect[v, p] and Last.ok' = v and Hv.nodes' != Hv.nodes
} for 4 but 2 Node, 2 Vcpu, 6 steps expect 1

-- TREE-7: under STORE_GRANTS_WHEN_FULL the protections are the leaf mappings.
-- Must fail, because a protect the full pool cannot take is answered OK and its page traced, but
-- no leaf maps it (the counterexample: enter, protect (its plant takes the last free node), protect).
check TREE_7_wrong_storeGrantsWhenFull {
  Hv.flaw = STORE_GRANTS_WHEN_FULL => leafMappingsAreProtections
} for 4 but 2 Node, 2 Vcpu, 6 steps expect 1

-- TREE-7: under NODE_PAGES_TRACED_IN_DEFAULT_VIEW_ONLY the protections are the leaf mappings.
-- Must fail, because a write from the integrity view to the node page lands and rewrites the
-- node's mappings, so the leaves no longer map what was granted (the counterexample: enter,
-- protect, a write to the node page).
check TREE_7_wrong_nodeRewrittenInIntegrityView {
  Hv.flaw = NODE_PAGES_TRACED_IN_DEFAULT_VIEW_ONLY => leafMappingsAreProtections
} for 4 but 2 Node, 2 Vcpu, 6 steps expect 1

-- TREE-7: the pool is used up and a protect is refused (STORE_FULL), at the check's scope.
run TREE_7_fullPoolRefusesProtect {
  correctHv
  eventually some v: Vcpu, p: Page, a: Action |
    protect[v, p, a] and v.mode = Integrity and p not in mappedPages + Hv.code and no freeNodes and Last.full' = v
} for 4 but 2 Node, 2 Vcpu, 6 steps expect 1

-- TREE-7: a protect is refused for a full store (STORE_FULL) only when the store has no room for
-- its insert: a refusal with room would lose a protection the driver asked for. At this scope the
-- room is a free node on an empty tree; the exact need of the Java tree is the machine's check.
assert TREE_7_storeFullOnlyWithoutRoom { correctHv => storeFullOnlyWithoutRoom }
check TREE_7_storeFullOnlyWithoutRoom for 4 but 2 Node, 2 Vcpu, 6 steps expect 0

-- TREE-7: a protect is refused (STORE_FULL) beside a live node while a node is still free, the
-- insert needing more (a refusal without room that is not a used-up pool).
run TREE_7_refusedWithANodeFree {
  correctHv
  eventually some v: Vcpu, p: Page, a: Action |
    protect[v, p, a] and v.mode = Integrity and some Hv.nodes and some freeNodes and Last.full' = v
} for 4 but 2 Node, 2 Vcpu, 6 steps expect 1

-- TREE-7: under STORE_REFUSES_WITH_ROOM a protect is refused only without room.
-- Must fail, because the service refuses a protect whenever it likes: the first one, on an empty
-- tree with both nodes free (the counterexample: enter, protect refused).
check TREE_7_wrong_storeRefusesWithRoom {
  Hv.flaw = STORE_REFUSES_WITH_ROOM => storeFullOnlyWithoutRoom
} for 4 but 2 Node, 2 Vcpu, 6 steps expect 1

-- TREE-7: every node page is traced in every nested view, the integrity view included.
assert TREE_7_nodePagesTracedInEveryView { correctHv => nodePagesTracedInEveryView }
check TREE_7_nodePagesTracedInEveryView for 4 but 2 Node, 2 Vcpu, 6 steps expect 0

-- TREE-7: under NODE_PAGES_TRACED_IN_DEFAULT_VIEW_ONLY node pages are traced in every view.
-- Must fail, because the node the first protect plants is traced in the default view only (the
-- counterexample: enter, protect).
check TREE_7_wrong_nodePagesTracedInDefaultViewOnly {
  Hv.flaw = NODE_PAGES_TRACED_IN_DEFAULT_VIEW_ONLY => nodePagesTracedInEveryView
} for 4 but 2 Node, 2 Vcpu, 6 steps expect 1

-- TREE-7: no view writes a node page unseen: a write to one, on either view and from either mode,
-- is vetoed with the tree-node alert, and no node page changes but by a tree request.
assert TREE_7_nodePageWritesVetoed { correctHv => nodePageWritesVetoed }
check TREE_7_nodePageWritesVetoed for 4 but 2 Node, 2 Vcpu, 6 steps expect 0

-- TREE-7: a vCPU in integrity mode writes a node page of a two-node tree from the integrity view
-- (and is vetoed).
run TREE_7_nodePageWriteFromIntegrityView {
  correctHv
  eventually some v: Vcpu, p: Page | guestWrite[v, p] and v.view = IntegrityView and p in nodePages
    and #Hv.nodes = 2
} for 4 but 2 Node, 2 Vcpu, 6 steps expect 1

-- TREE-7: under NODE_PAGES_TRACED_IN_DEFAULT_VIEW_ONLY node pages change only by requests.
-- Must fail, because in the integrity view the node page is untraced, so the driver's write to it
-- lands and rewrites the node (the counterexample: enter, protect, write to the node page).
check TREE_7_wrong_nodePageWriteLandsInIntegrityView {
  Hv.flaw = NODE_PAGES_TRACED_IN_DEFAULT_VIEW_ONLY => nodePageWritesVetoed
} for 4 but 2 Node, 2 Vcpu, 6 steps expect 1

-- GI-5: the tree changes only by a protect or unprotect request from integrity mode; a request
-- from normal mode changes nothing and alerts.
assert GI_5_treeRequestsOnlyThroughTheService { correctHv => treeRequestsOnlyThroughTheService }
check GI_5_treeRequestsOnlyThroughTheService for 4 but 2 Node, 2 Vcpu, 6 steps expect 0

-- GI-5: a protect request from normal mode is refused while the other vCPU is in integrity mode.
run GI_5_refusedTreeRequest {
  correctHv
  eventually some v: Vcpu, p: Page, a: Action |
    protect[v, p, a] and v.mode = Normal and some (Vcpu - v) & mode.Integrity
} for 4 but 2 Node, 2 Vcpu, 6 steps expect 1

-- GI-5: under TREE_REQUEST_WITHOUT_MODE_CHECK the tree changes only from integrity mode.
-- Must fail, because the tree's own protect hypercall inserts a mapping for a vCPU in normal mode
-- without the integrity-mode check (the counterexample: one hypercall).
check GI_5_wrong_treeRequestWithoutModeCheck {
  Hv.flaw = TREE_REQUEST_WITHOUT_MODE_CHECK => treeRequestsOnlyThroughTheService
} for 4 but 2 Node, 2 Vcpu, 6 steps expect 1

-- GI-8: no instruction fetched outside the driver's code in integrity mode changes the tree: every
-- tree change is a request made from integrity mode by an instruction on the driver's code.
assert GI_8_treeChangedOnlyByDriverCode { correctHv => treeChangedOnlyByDriverCode }
check GI_8_treeChangedOnlyByDriverCode for 4 but 2 Node, 2 Vcpu, 6 steps expect 0

-- GI-8: after the driver has protected a page, a fetch outside its code faults and the vCPU's next
-- protect is refused.
run GI_8_strayFetchThenRefused {
  correctHv
  eventually some v: Vcpu, p: Page | {
    v.mode = Integrity and fetch[v, p] and p not in Hv.code and some mapping
    eventually some q: Page, a: Action | protect[v, q, a] and Last.cause' = RefusedRequest
  }
} for 4 but 2 Node, 2 Vcpu, 6 steps expect 1

-- GI-8: under INTEGRITY_VIEW_EXECUTES_ALL only the driver's code changes the tree.
-- Must fail, because the integrity view executes every page, so a fetch outside the driver's code
-- runs in integrity mode and the request it makes is honoured (the counterexample: enter, a fetch
-- from a page that is not code, protect).
check GI_8_wrong_integrityViewExecutesAll {
  Hv.flaw = INTEGRITY_VIEW_EXECUTES_ALL => treeChangedOnlyByDriverCode
} for 4 but 2 Node, 2 Vcpu, 6 steps expect 1
