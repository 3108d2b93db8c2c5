/*
 * tree: the traced tree of protected-page mappings (US10592267B2, seed abstract 1).
 *
 * What it models. A balanced search tree whose nodes each live in their own guest-physical
 * page. Leaf nodes map guest pages to an alert action. The hypervisor keeps the base pointer
 * (the root's location) in its own memory, a sig that is not a Page. The tracing service
 * traces a set of pages; the tree operations keep that set equal to the node pages plus the
 * mapped pages. A guest write to a traced page makes the hypervisor walk from the base
 * pointer along the one root-to-leaf path whose key range covers the page: a node page gives
 * the tree-node alert, else a leaf mapping gives that mapping's action. A write that is not
 * dropped (untraced, no alert, or record-and-allow) lands, and a write that lands on a node's
 * page rewrites that node's contents (children, mappings, range) as the guest likes: nothing
 * in the definitions keeps the guest out of the tree, only the traces and the look-up order.
 *
 * Key ranges are abstracted as sets of pages (`covers`): the root covers every page, the
 * children of a node partition what it covers, and a leaf maps only pages it covers. The
 * structural changes of a B+-tree are explicit operations at small fanout: plant (first
 * root), grow (a new root above the old one: the first half of a root split), split (a node
 * hands part of its range, with its mappings or children, to a fresh sibling), merge (a node
 * absorbs a sibling, which is freed), shrink (a root with one child is freed) and uproot (an
 * empty root leaf is freed).
 *
 * Flaws. Hypervisor.flaw selects a deliberately broken hypervisor for the must-fail twins;
 * the atoms are the TreeImplFlaw (and TreeModelFlaw) constants of the same names:
 * WALK_FROM_GUEST_POINTER (the walk starts from a copy of the base pointer kept in a guest
 * page, Hypervisor.home, which a landed write rewrites), SPLIT_NODE_UNTRACED (a split's fresh
 * sibling is not traced), FREED_NODE_STAYS_TRACED (merge, shrink and uproot keep the freed
 * node page's trace), LOOKUP_MAPPINGS_FIRST (the look-up tries the leaf mapping before
 * the node-page test) and REQUEST_PAGE_NUMBER_32_BITS (request decoding keeps a 32-bit page
 * number, so a request naming page p protects or unprotects p's alias, Hypervisor.alias, a
 * page that differs from p only in the high bits; the spec has no memory limit, so the alias
 * is any other page, and the Java model refuses such a p as out of range). Each claim's
 * property is a pred stated once; its assert checks it for the correct hypervisor (correctHv)
 * and its twin, TREE_n_wrong_<name>, for one flaw.
 *
 * Requests. Hypervisor.requested is what the protect and unprotect requests asked for (page
 * to action), as the Java model's TreeState keeps its mappings; the look-up never reads it.
 * For the correct hypervisor it equals the tree's leaf mappings in every state
 * (model_requestsAreMappings); TREE-3's "mapped" is a requested page, so a tree that holds a
 * mapping nobody requested is a counterexample to it.
 *
 * Java names. The preds are the steps of org.hvproof.model.tree.TreeModel: protect[p, a] is
 * one page of TreeAction.Protect, unprotect[p] one page of TreeAction.Unprotect, guestWrite[p]
 * is TreeAction.GuestWrite; plant, grow, split, merge, shrink and uproot are the structural
 * changes a request makes, which the Java model takes as the implementation's choice (the
 * node layout after the request) and checks for legality. Sig Node is TreeNode (one per node
 * page), Hypervisor.base is HypervisorCell, Hypervisor.copy is the guest word TreeRootCell
 * reads under WALK_FROM_GUEST_POINTER, Tracing.traced is TreeState.traced, the actions
 * RecordAndAllow, Block and TreeNodeAlert are AlertAction's constants, the causes NodeHit and
 * MappingHit are AlertCause.NODE_PAGE and MAPPED_PAGE, and Last is the TreeObservation of the
 * last step. Each assert TREE_n_<name> states the Java invariant TreeInvariants named <name>
 * where one exists.
 *
 * Left out on purpose: key order and fanout limits (any proper split is allowed, which
 * covers every split a real B+-tree makes), the bytes of a page (a landed write on a node
 * page may set the node to any contents; one on any other page changes nothing the tree
 * reads), the contents of free pool pages (a node is written afresh when it is taken from
 * the pool, so a landed write there is left out), who requests a protection (integrity.als),
 * multiple vCPUs (one writer is enough for these claims) and how the node-page test finds its
 * answer on the path (the Java model keeps node pages as keys of the same tree, marked in the
 * leaves; here it is the set of node pages, so TREE-3's look-up cannot invent an alert: see
 * the comment above TREE_3_untracedPagesQuiet).
 */
module tree
open util/integer

abstract sig Action {}
one sig RecordAndAllow, Block, TreeNodeAlert extends Action {}
fun mappingActions: set Action { RecordAndAllow + Block }

abstract sig Cause {}
one sig NodeHit, MappingHit extends Cause {}

sig Page {}

-- A node slot from the hypervisor's pool, bound to its own page for good.
sig Node {
  page: one Page,
  var kids: set Node,
  var maps: Page -> lone Action,
  var covers: set Page
}
fact onePagePerNode { page in Node lone -> Page }

-- Deliberately broken hypervisors, for the must-fail twins (TreeImplFlaw constants).
abstract sig Flaw {}
one sig WALK_FROM_GUEST_POINTER, SPLIT_NODE_UNTRACED, FREED_NODE_STAYS_TRACED, LOOKUP_MAPPINGS_FIRST,
  REQUEST_PAGE_NUMBER_32_BITS extends Flaw {}

-- Hypervisor memory: not a Page, so not guest-accessible (TREE-6). Under
-- WALK_FROM_GUEST_POINTER the walk starts instead from copy, a word in the guest page home.
one sig Hypervisor {
  var base: lone Node,
  flaw: lone Flaw,
  home: lone Page,
  var copy: lone Node,
  alias: Page -> lone Page,
  var requested: Page -> lone Action
}
pred correctHv { no Hypervisor.flaw }
fact guestPointerPage {
  some Hypervisor.home iff Hypervisor.flaw = WALK_FROM_GUEST_POINTER
  no Hypervisor.home & Node.page
}
-- Under REQUEST_PAGE_NUMBER_32_BITS some requested pages decode to another page; else none.
fact truncatedRequests {
  some Hypervisor.alias iff Hypervisor.flaw = REQUEST_PAGE_NUMBER_32_BITS
  no Hypervisor.alias & iden
}
-- The page a request naming p reaches: p, or under REQUEST_PAGE_NUMBER_32_BITS its alias.
fun decoded[p: Page]: Page { some p.(Hypervisor.alias) => p.(Hypervisor.alias) else p }
fun requestedPages: set Page { Hypervisor.requested.Action }

-- Split's choice of the pages it moves; free in every state (a set-valued argument
-- cannot be quantified inside `always`, so the choice is a relation of its own).
one sig Choice { var moved: set Page }

-- The tracing service's traced set.
one sig Tracing { var traced: set Page }

-- What the last step showed an observer.
one sig Last {
  var written: lone Page,
  var cause: lone Cause,
  var action: lone Action,
  var visited: set Node
}

fun nodes: set Node { Hypervisor.base.*kids }
fun leaves: set Node { { n: nodes | no n.kids } }
fun nodePages: set Page { nodes.page }
fun mapping: Page -> Action { nodes.maps }
fun mappedPages: set Page { mapping.Action }
fun root: lone Node { Hypervisor.base }
fun parent: Node -> Node { ~kids }
-- depth = edges on a root-to-leaf path (all equal in a balanced tree)
fun depth: Int { max[{ i: Int | some l: leaves | i = minus[#(l.*parent), 1] }] }
-- where a walk starts: the base pointer, or under WALK_FROM_GUEST_POINTER the guest's copy
fun start: lone Node { Hypervisor.flaw = WALK_FROM_GUEST_POINTER => Hypervisor.copy else Hypervisor.base }
-- the path a look-up for p takes from where the walk starts
fun pathTo[p: Page]: set Node { { n: start.*kids | p in n.covers } }

pred isFree[n: Node] { n not in nodes and no n.kids and no n.maps and no n.covers }

let unchanged[x] { (x)' = (x) }

pred treeFrame { unchanged[base] and unchanged[kids] and unchanged[maps] and unchanged[covers] }
-- a step that is no request leaves the requested protections alone
pred requestsFrame { unchanged[Hypervisor.requested] }
pred quiet { no Last.written' and no Last.cause' and no Last.action' and no Last.visited' }
-- A request stores the base pointer; under WALK_FROM_GUEST_POINTER also in the guest page.
pred storeBase {
  Hypervisor.flaw = WALK_FROM_GUEST_POINTER => Hypervisor.copy' = Hypervisor.base' else no Hypervisor.copy'
}

fact init {
  no Hypervisor.base and no Hypervisor.copy
  all n: Node | no n.kids and no n.maps and no n.covers
  no Tracing.traced
  no Hypervisor.requested
  no Last.written and no Last.cause and no Last.action and no Last.visited
}

-- plant: the first protection needs a root leaf; the hypervisor takes a free node.
pred plant[n: Node] {
  -- guard: no tree yet, n is free
  no root
  isFree[n]
  -- effect
  base' = Hypervisor -> n
  covers' = covers + n -> Page
  Tracing.traced' = Tracing.traced + n.page
  -- frame
  unchanged[kids] and unchanged[maps]
  quiet
}

-- protect: map one unmapped page in the leaf whose range covers it (the page the request
-- decodes to) and record the request.
pred protect[p: Page, a: Action] {
  let q = decoded[p] {
  -- guard
  a in mappingActions
  q not in mappedPages
  some l: leaves & pathTo[q] | {
    -- effect
    maps' = maps + l -> q -> a
  }
  Tracing.traced' = Tracing.traced + q
  Hypervisor.requested' = Hypervisor.requested ++ p -> a
  -- frame
  unchanged[base] and unchanged[kids] and unchanged[covers]
  quiet
  }
}

-- unprotect: unmap one page (the page the request decodes to); its trace goes unless it is
-- also a node page.
pred unprotect[p: Page] {
  let q = decoded[p] {
  -- guard
  q in mappedPages
  -- effect
  maps' = maps - Node -> q -> Action
  Tracing.traced' = Tracing.traced - (q - nodePages)
  Hypervisor.requested' = Hypervisor.requested - p -> Action
  -- frame
  unchanged[base] and unchanged[kids] and unchanged[covers]
  quiet
  }
}

-- grow: a fresh root above the old one (first half of a root split; split follows).
pred grow[r: Node] {
  -- guard
  some root
  isFree[r]
  -- effect
  base' = Hypervisor -> r
  kids' = kids + r -> root
  covers' = covers + r -> Page
  Tracing.traced' = Tracing.traced + r.page
  -- frame
  unchanged[maps]
  quiet
}

-- split: non-root node n hands part of its range (with its mappings or children) to a
-- fresh sibling m under the same parent. SPLIT_NODE_UNTRACED leaves m's page untraced.
pred split[n, m: Node] {
  let moved = Choice.moved {
  -- guard
  n in nodes - root
  isFree[m]
  some moved and moved in n.covers and some n.covers - moved
  -- an interior node moves whole children: their ranges must fall on one side
  all k: n.kids | k.covers in moved or no k.covers & moved
  -- effect
  let mk = { k: n.kids | k.covers in moved } | {
    kids' = kids - n -> mk + m -> mk + parent[n] -> m
  }
  covers' = covers - n -> moved + m -> moved
  maps' = maps - n -> (moved <: n.maps) + m -> (moved <: n.maps)
  Hypervisor.flaw = SPLIT_NODE_UNTRACED => unchanged[Tracing.traced]
    else Tracing.traced' = Tracing.traced + m.page
  -- frame
  unchanged[base]
  quiet
  }
}

-- The trace a freed node page loses: none under FREED_NODE_STAYS_TRACED.
fun untraceFreed[freed: set Page]: set Page {
  Hypervisor.flaw = FREED_NODE_STAYS_TRACED => none else freed - mappedPages
}

-- merge: node n absorbs its sibling m (same level), and m's node is freed.
pred merge[n, m: Node] {
  -- guard
  n != m
  n + m in nodes - root
  parent[n] = parent[m]
  -- effect
  kids' = kids - parent[m] -> m - m -> m.kids + n -> m.kids
  covers' = covers - m -> Page + n -> m.covers
  maps' = maps - m -> Page -> Action + n -> m.maps
  Tracing.traced' = Tracing.traced - untraceFreed[m.page]
  -- frame
  unchanged[base]
  quiet
}

-- shrink: a root with a single child is freed; the child becomes the root.
pred shrink {
  -- guard
  some root
  one root.kids
  -- effect
  base' = Hypervisor -> root.kids
  kids' = kids - root -> Node
  covers' = covers - root -> Page
  Tracing.traced' = Tracing.traced - untraceFreed[root.page]
  -- frame
  unchanged[maps]
  quiet
}

-- uproot: the last mapping is gone; the empty root leaf is freed.
pred uproot {
  -- guard
  some root
  no root.kids
  no root.maps
  -- effect
  no base'
  covers' = covers - root -> Page
  Tracing.traced' = Tracing.traced - untraceFreed[root.page]
  -- frame
  unchanged[kids] and unchanged[maps]
  quiet
}

-- The look-up for p, in the fixed order the patent gives: node pages first, then the
-- mappings of the one leaf on p's path (LOOKUP_MAPPINGS_FIRST: the mapping first).
fun leafFor[p: Page]: set Node { { l: pathTo[p] | no l.kids } }
fun mappingFirst[p: Page]: set Page {
  Hypervisor.flaw = LOOKUP_MAPPINGS_FIRST => { q: p | some leafFor[q].maps[q] } else none
}
fun lookupCause[p: Page]: lone Cause {
  p in nodePages - mappingFirst[p] => NodeHit else (some leafFor[p].maps[p] => MappingHit else none)
}
fun lookupAction[p: Page]: lone Action {
  p in nodePages - mappingFirst[p] => TreeNodeAlert else leafFor[p].maps[p]
}

-- A write that lands on page p: the guest may rewrite the live node stored in p (any
-- children, mappings and range) and, under WALK_FROM_GUEST_POINTER, the copy of the base
-- pointer if p is its page; nothing else changes.
pred landed[p: Page] {
  all n: Node - (nodes & page.p) | (n.kids)' = n.kids and (n.maps)' = n.maps and (n.covers)' = n.covers
  unchanged[base]
  p not in Hypervisor.home implies unchanged[Hypervisor.copy]
}

-- guestWrite: a guest write to p. Untraced: no notification, the write lands. Traced: the
-- hypervisor walks from the base pointer; the write lands unless the action drops it (the
-- tree-node action and block drop it, record-and-allow lets it land).
pred guestWrite[p: Page] {
  Last.written' = p
  p in Tracing.traced implies {
    Last.visited' = pathTo[p]
    Last.cause' = lookupCause[p]
    Last.action' = lookupAction[p]
  } else {
    no Last.visited' and no Last.cause' and no Last.action'
  }
  Last.action' in RecordAndAllow implies landed[p] else { treeFrame and unchanged[Hypervisor.copy] }
  unchanged[Tracing.traced]
}

pred stutter {
  treeFrame
  unchanged[Hypervisor.copy]
  unchanged[Tracing.traced]
  quiet
}

pred someOp {
  (requestsFrame and ((some p: Page | guestWrite[p]) or stutter))
  or (storeBase and {
    (some p: Page, a: Action | protect[p, a])
    or (some p: Page | unprotect[p])
    or (requestsFrame and {
      (some n: Node | plant[n] or grow[n])
      or (some n, m: Node | split[n, m])
      or (some n, m: Node | merge[n, m])
      or shrink or uproot }) })
}

fact traces { always someOp }

-- Structural well-formedness the look-up relies on; checked below as a consequence.
pred wellFormed {
  -- a tree: one parent per node, no cycles, nothing outside hangs off it
  all n: nodes | lone parent[n] and n not in n.^kids
  no root & Node.kids
  kids in nodes -> nodes
  -- free nodes are clean
  all n: Node - nodes | isFree[n]
  -- ranges: the root covers all; children partition their parent's range
  some root implies root.covers = Page
  all n: nodes - leaves | n.kids.covers = n.covers
  all disj a, b: nodes | parent[a] = parent[b] implies no a.covers & b.covers
  -- only leaves map, and only pages in their range
  all n: nodes | n.maps.Action in n.covers
  all n: nodes - leaves | no n.maps
  -- balanced: every leaf at the same depth
  all disj a, b: leaves | #(a.*parent) = #(b.*parent)
}

-- The claims' properties, each stated once: the asserts check them for the correct
-- hypervisor, the twins for one flaw.
pred mappedPagesAlert {
  always all p: Page | (guestWrite[p] and p in mappedPages - nodePages) implies
    (Last.cause' = MappingHit and Last.action' = mapping[p])
}
pred nodePagesAlert {
  always all p: Page | (guestWrite[p] and p in nodePages) implies
    (Last.cause' = NodeHit and Last.action' = TreeNodeAlert)
}
pred untracedPagesQuiet {
  always all p: Page | (guestWrite[p] and p not in nodePages + requestedPages) implies
    (no Last.cause' and no Last.action')
}
pred tracesExact { always Tracing.traced = nodePages + mappedPages }
pred walkBounded { always all p: Page | guestWrite[p] implies #Last.visited' <= plus[depth, 1] }
pred basePointerGuarded {
  always all p: Page | guestWrite[p] implies {
    unchanged[Hypervisor.base] and unchanged[kids] and unchanged[maps] and unchanged[covers]
    Last.visited' in Hypervisor.base.*kids
    some Last.visited' implies Hypervisor.base in Last.visited'
  }
}

-- TREE-4: (support) the operations keep the tree well formed.
assert TREE_4_wellFormed { correctHv => always wellFormed }
-- Scope 3 pages, 3 nodes, 5 steps: four steps, e.g. plant, protect, grow and split (a leaf
-- with mappings split under a new root), or plant, grow, split and a guest write; a merge
-- after a split needs 6 steps (TREE_4_merge), a tree of three levels 5 nodes.
check TREE_4_wellFormed for 3 but 5 steps expect 0

-- TREE-4: a split happens at the checks' scope: a leaf hands pages to a fresh sibling.
run TREE_4_split {
  correctHv
  eventually some n, m: Node | split[n, m] and some n.maps
} for 3 but 5 steps expect 1

-- TREE-1: a write to any page covered by a leaf node's mapping performs that page's alert
-- action.
assert TREE_1_mappedPagesAlert { correctHv => mappedPagesAlert }
-- Scope 3 nodes, 4 pages, 6 steps: the smallest that writes a mapped page (not a node page)
-- in a tree of two leaves (plant, grow, split, protect, write: 3 node pages and the mapped
-- page; the old scope, 3 pages and 5 steps, could not). Deeper trees (three levels need 5
-- nodes) are beyond it.
check TREE_1_mappedPagesAlert for 3 but 4 Page, 6 steps expect 0

-- TREE-1: a mapping alert happens on a tree of two leaves, at the check's scope.
run TREE_1_mappingAlertAtDepth1 {
  correctHv
  eventually some p: Page | guestWrite[p] and Last.cause' = MappingHit and #leaves >= 2
} for 3 but 4 Page, 6 steps expect 1

-- TREE-1: under SPLIT_NODE_UNTRACED a mapped page goes without its alert.
-- Must fail, because the guest lands a write on the untraced sibling's page and gives it a
-- mapping of its own: the page it maps is mapped but never traced, so a write to it passes
-- without an alert (the counterexample: plant, grow, split, the landed write, the write).
check TREE_1_wrong_splitNodeUntraced {
  Hypervisor.flaw = SPLIT_NODE_UNTRACED => mappedPagesAlert
} for 3 but 4 Page, 6 steps expect 1

-- TREE-2: a write to any node page performs the tree-node alert action, even when the page
-- is also mapped.
assert TREE_2_nodePagesAlert { correctHv => nodePagesAlert }
-- Scope 3 pages, 3 nodes, 5 steps: a node page of a two-leaf tree, or a mapped node page of
-- a one-node tree, written.
check TREE_2_nodePagesAlert for 3 but 5 steps expect 0

-- TREE-2: a node-page alert happens, on a page that is also mapped, at the check's scope.
run TREE_2_nodeAlertOnMappedPage {
  correctHv
  eventually some p: Page | guestWrite[p] and p in nodePages & mappedPages
} for 3 but 5 steps expect 1

-- TREE-2: the look-up that checks mappings first still gives every node page the tree-node
-- action.
-- Must fail, because checking mappings first gives a page that is both a node page and mapped
-- its mapping's action instead of the tree-node action (the counterexample: plant, protect the
-- root's own page, write it).
check TREE_2_wrong_mappingsFirstGivesNodeAlert {
  Hypervisor.flaw = LOOKUP_MAPPINGS_FIRST => nodePagesAlert
} for 3 but 6 steps expect 1

-- TREE-3: a write to a page that is neither a node page nor mapped (by a request) raises no
-- alert.
assert TREE_3_untracedPagesQuiet { correctHv => untracedPagesQuiet }
-- Scope 3 pages, 3 nodes, 5 steps: writes to unmapped, non-node pages beside a tree of one
-- or two nodes (a tree of two leaves takes all three pages, so none is left beside it).
check TREE_3_untracedPagesQuiet for 3 but 5 steps expect 0

-- TREE-3: a page beside a two-level tree is written, at the check's scope.
run TREE_3_quietWriteBesideTree {
  correctHv
  eventually some p: Page | guestWrite[p] and p not in nodePages + requestedPages and some root.kids
} for 3 but 5 steps expect 1

-- TREE-3 Under REQUEST_PAGE_NUMBER_32_BITS a page nobody asked to protect stays quiet.
-- Must fail, because a protect request naming p maps and traces p's alias instead, so a
-- write to the alias, which no request named and which is no node page, raises a mapping
-- alert (the counterexample: plant, protect p, a write to p's alias).
check TREE_3_wrong_requestPageNumber32Bits {
  Hypervisor.flaw = REQUEST_PAGE_NUMBER_32_BITS => untracedPagesQuiet
} for 3 but 5 steps expect 1

-- Supports TREE-1, TREE-3: for the correct hypervisor the requested protections are exactly
-- the tree's leaf mappings, so TREE-3's "not mapped by a request" is "mapped by no leaf".
assert model_requestsAreMappings { correctHv => always Hypervisor.requested = mapping }
-- Scope as TREE_3_untracedPagesQuiet.
check model_requestsAreMappings for 3 but 5 steps expect 0

-- TREE-4: after every protect, unprotect, split and merge the traced pages are exactly the
-- node pages plus the mapped pages.
assert TREE_4_tracesExact { correctHv => tracesExact }
-- Scope 3 pages, 3 nodes, 5 steps: as TREE_4_wellFormed.
check TREE_4_tracesExact for 3 but 5 steps expect 0

-- TREE-4: under FREED_NODE_STAYS_TRACED the traced set is not exact.
-- Must fail, because a freed node page keeps its trace (the counterexample: plant, then
-- uproot of the empty root leaf: its page stays traced though it is no node page and not
-- mapped).
check TREE_4_wrong_freedNodeStaysTraced {
  Hypervisor.flaw = FREED_NODE_STAYS_TRACED => tracesExact
} for 3 but 5 steps expect 1

-- TREE-4: inductive base: the traced set is exact in the initial state.
assert TREE_4_tracesExactInitially { Tracing.traced = nodePages + mappedPages }
-- Scope 5 pages, 5 nodes, 1 step (the initial state).
check TREE_4_tracesExactInitially for 5 but 1 steps expect 0

-- TREE-4: the initial state exists at that scope (no tree, nothing traced).
run TREE_4_initialState { no root and no Tracing.traced } for 5 but 1 steps expect 1

-- TREE-5: handling one notification visits at most depth + 1 nodes.
assert TREE_5_walkBounded { correctHv => walkBounded }
-- Scope 3 pages, 3 nodes, 5 steps: walks on trees of depth 0 and 1; depth 2 needs 5 nodes.
check TREE_5_walkBounded for 3 but 5 steps expect 0

-- TREE-5: a walk visits depth + 1 nodes on a tree of depth 1, at the check's scope.
run TREE_5_fullDepthWalk {
  correctHv
  eventually some p: Page | guestWrite[p] and depth = 1 and #Last.visited' = 2
} for 3 but 5 steps expect 1

-- TREE-5: under SPLIT_NODE_UNTRACED a walk can read more than depth + 1 nodes.
-- Must fail, because the guest lands a write on the untraced sibling's page and widens its
-- range over its sibling's, so the next walk reads both siblings below the root (three nodes
-- in a tree of depth 1).
check TREE_5_wrong_splitNodeUntraced {
  Hypervisor.flaw = SPLIT_NODE_UNTRACED => walkBounded
} for 3 but 6 steps expect 1

-- TREE-6: the base pointer is outside guest pages and every look-up starts from it: no guest
-- write changes the base pointer or any node.
assert TREE_6_basePointerGuarded { correctHv => basePointerGuarded }
-- Scope 3 pages, 3 nodes, 5 steps: a write to any node page of a two-leaf tree (plant, grow,
-- split, write), and writes that land on pages beside smaller trees.
check TREE_6_basePointerGuarded for 3 but 5 steps expect 0

-- TREE-6: a guest write to a node page of a two-level tree happens (and is dropped), at the
-- check's scope.
run TREE_6_nodePageWriteDropped {
  correctHv
  eventually some p: Page | guestWrite[p] and p in nodePages and some root.kids
} for 3 but 5 steps expect 1

-- TREE-6: under WALK_FROM_GUEST_POINTER no look-up is redirected.
-- Must fail, because the walk trusts the copy of the base pointer in a guest page: a write to
-- that page lands and points the copy at the leaf, so the next walk starts below the root
-- (the counterexample: plant, grow, the write to the pointer page, a traced write).
check TREE_6_wrong_walkFromGuestPointer {
  Hypervisor.flaw = WALK_FROM_GUEST_POINTER => basePointerGuarded
} for 3 but 6 steps expect 1

-- TREE-6: under SPLIT_NODE_UNTRACED a guest write changes a node.
-- Must fail, because the split's fresh sibling is not traced, so a write to its page lands
-- and rewrites the node (the counterexample: plant, grow, split, the landed write).
check TREE_6_wrong_splitNodeUntraced {
  Hypervisor.flaw = SPLIT_NODE_UNTRACED => basePointerGuarded
} for 3 but 6 steps expect 1

-- TREE-4: a merge happens: a node absorbs its sibling, which is freed; scope 3 pages, 3 nodes,
-- 6 steps (plant, grow, split, protect, merge), one step beyond the checks.
run TREE_4_merge {
  correctHv
  eventually some n, m: Node | merge[n, m] and some m.maps
} for 3 but 6 steps expect 1
