/*
 * tree: the traced tree of protected-page mappings (US10592267B2, seed abstract 1).
 *
 * What it models. A balanced search tree whose nodes each live in their own guest-physical
 * page. Leaf nodes map guest pages to an alert action. The hypervisor keeps the base pointer
 * (the root's location) in its own memory, a sig that is not a Page, so no guest write can
 * reach it. The tracing service traces a set of pages; the tree operations keep that set
 * equal to the node pages plus the mapped pages. A guest write to a traced page makes the
 * hypervisor walk from the base pointer along the one root-to-leaf path whose key range
 * covers the page: a node page gives the tree-node alert, else a leaf mapping gives that
 * mapping's action.
 *
 * Key ranges are abstracted as sets of pages (`covers`): the root covers every page, the
 * children of a node partition what it covers, and a leaf maps only pages it covers. The
 * structural changes of a B+-tree are explicit operations at small fanout: plant (first
 * root), grow (a new root above the old one: the first half of a root split), split (a node
 * hands part of its range, with its mappings or children, to a fresh sibling), merge (a node
 * absorbs a sibling, which is freed), shrink (a root with one child is freed) and uproot (an
 * empty root leaf is freed).
 *
 * Java names. The preds are the steps of org.hvproof.model.tree.TreeModel: protect[p, a] is
 * one page of TreeAction.Protect, unprotect[p] one page of TreeAction.Unprotect, guestWrite[p]
 * is TreeAction.GuestWrite; plant, grow, split, merge, shrink and uproot are the structural
 * changes a request makes, which the Java model takes as the implementation's choice (the
 * node layout after the request) and checks for legality. Sig Node is TreeNode (one per node
 * page), Hypervisor.base is HypervisorCell, Tracing.traced is TreeState.traced, the actions
 * RecordAndAllow, Block and TreeNodeAlert are AlertAction's constants, the causes NodeHit and
 * MappingHit are AlertCause.NODE_PAGE and MAPPED_PAGE, and Last is the TreeObservation of the
 * last step. Each assert TREE_n_<name> states the Java invariant TreeInvariants named <name>
 * where one exists.
 *
 * Left out on purpose: key order and fanout limits (any proper split is allowed, which
 * covers every split a real B+-tree makes), page contents (a write to a node page is
 * blocked by the tree-node action, so the structure never changes on a guest write), who
 * requests a protection (integrity.als), multiple vCPUs (one writer is enough for these
 * claims) and how the node-page test finds its answer on the path (the Java model keeps
 * node pages as keys of the same tree; here it is the set of node pages).
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

-- Hypervisor memory: not a Page, so not guest-accessible (TREE-6).
one sig Hypervisor { var base: lone Node }

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
-- the path a look-up for p takes from the base pointer
fun pathTo[p: Page]: set Node { { n: nodes | p in n.covers } }

pred isFree[n: Node] { n not in nodes and no n.kids and no n.maps and no n.covers }

let unchanged[x] { (x)' = (x) }

pred treeFrame { unchanged[base] and unchanged[kids] and unchanged[maps] and unchanged[covers] }
pred quiet { no Last.written' and no Last.cause' and no Last.action' and no Last.visited' }

fact init {
  no Hypervisor.base
  all n: Node | no n.kids and no n.maps and no n.covers
  no Tracing.traced
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

-- protect: map one unmapped page in the leaf whose range covers it.
pred protect[p: Page, a: Action] {
  -- guard
  a in mappingActions
  p not in mappedPages
  some l: leaves & pathTo[p] | {
    -- effect
    maps' = maps + l -> p -> a
  }
  Tracing.traced' = Tracing.traced + p
  -- frame
  unchanged[base] and unchanged[kids] and unchanged[covers]
  quiet
}

-- unprotect: unmap one page; its trace goes unless it is also a node page.
pred unprotect[p: Page] {
  -- guard
  p in mappedPages
  -- effect
  maps' = maps - Node -> p -> Action
  Tracing.traced' = Tracing.traced - (p - nodePages)
  -- frame
  unchanged[base] and unchanged[kids] and unchanged[covers]
  quiet
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
-- fresh sibling m under the same parent.
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
  Tracing.traced' = Tracing.traced + m.page
  -- frame
  unchanged[base]
  quiet
  }
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
  Tracing.traced' = Tracing.traced - (m.page - mappedPages)
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
  Tracing.traced' = Tracing.traced - (root.page - mappedPages)
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
  Tracing.traced' = Tracing.traced - root.page
  -- frame
  unchanged[kids] and unchanged[maps]
  quiet
}

-- The look-up for p, in the fixed order the patent gives: node pages first, then the
-- mappings of the one leaf on p's path.
fun leafFor[p: Page]: set Node { leaves & pathTo[p] }
fun lookupCause[p: Page]: lone Cause {
  p in nodePages => NodeHit else (some leafFor[p].maps[p] => MappingHit else none)
}
fun lookupAction[p: Page]: lone Action {
  p in nodePages => TreeNodeAlert else leafFor[p].maps[p]
}

-- guestWrite: a guest write to p. Untraced: no notification, nothing happens. Traced: the
-- hypervisor walks from the base pointer. The tree-node action blocks the write, so no
-- guest write ever changes the tree or the base pointer.
pred guestWrite[p: Page] {
  Last.written' = p
  p in Tracing.traced implies {
    Last.visited' = pathTo[p]
    Last.cause' = lookupCause[p]
    Last.action' = lookupAction[p]
  } else {
    no Last.visited' and no Last.cause' and no Last.action'
  }
  treeFrame
  unchanged[Tracing.traced]
}

pred stutter {
  treeFrame
  unchanged[Tracing.traced]
  quiet
}

pred someOp {
  (some n: Node | plant[n] or grow[n])
  or (some p: Page, a: Action | protect[p, a])
  or (some p: Page | unprotect[p] or guestWrite[p])
  or (some n, m: Node | split[n, m])
  or (some n, m: Node | merge[n, m])
  or shrink or uproot or stutter
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

-- TREE-4: (support) the operations keep the tree well formed; scope 3 pages, 3 nodes, 5 steps.
assert TREE_4_wellFormed { always wellFormed }
check TREE_4_wellFormed for 3 but 5 steps expect 0

-- TREE-1: a write to any page covered by a leaf node's mapping performs that page's alert
-- action; scope 3 pages, 3 nodes, 5 steps.
assert TREE_1_mappedPagesAlert {
  always all p: Page | (guestWrite[p] and p in mappedPages - nodePages) implies
    (Last.cause' = MappingHit and Last.action' = mapping[p])
}
check TREE_1_mappedPagesAlert for 3 but 5 steps expect 0

-- TREE-2: a write to any node page performs the tree-node alert action, even when the page
-- is also mapped; scope 3 pages, 3 nodes, 5 steps.
assert TREE_2_nodePagesAlert {
  always all p: Page | (guestWrite[p] and p in nodePages) implies
    (Last.cause' = NodeHit and Last.action' = TreeNodeAlert)
}
check TREE_2_nodePagesAlert for 3 but 5 steps expect 0

-- TREE-3: a write to a page that is neither a node page nor mapped raises no alert; scope
-- 3 pages, 3 nodes, 5 steps.
assert TREE_3_untracedPagesQuiet {
  always all p: Page | (guestWrite[p] and p not in nodePages + mappedPages) implies
    (no Last.cause' and no Last.action')
}
check TREE_3_untracedPagesQuiet for 3 but 5 steps expect 0

-- TREE-4: after every protect, unprotect, split and merge the traced pages are exactly the
-- node pages plus the mapped pages; scope 3 pages, 3 nodes, 5 steps.
assert TREE_4_tracesExact { always Tracing.traced = nodePages + mappedPages }
check TREE_4_tracesExact for 3 but 5 steps expect 0

-- TREE-4: inductive base: the traced set is exact in the initial state; scope 5 pages,
-- 5 nodes, 1 step.
assert TREE_4_tracesExactInitially { Tracing.traced = nodePages + mappedPages }
check TREE_4_tracesExactInitially for 5 but 1 steps expect 0

-- TREE-5: handling one notification visits at most depth + 1 nodes; scope 3 pages, 3 nodes,
-- 5 steps.
assert TREE_5_walkBounded {
  always all p: Page | guestWrite[p] implies #Last.visited' <= plus[depth, 1]
}
check TREE_5_walkBounded for 3 but 5 steps expect 0

-- TREE-6: the base pointer is outside guest pages and every look-up starts from it: no guest
-- write redirects a walk; scope 3 pages, 3 nodes, 5 steps.
assert TREE_6_basePointerGuarded {
  always all p: Page | guestWrite[p] implies {
    Hypervisor.base' = Hypervisor.base
    kids' = kids
    Last.visited' in Hypervisor.base.*kids
    some Last.visited' implies Hypervisor.base in Last.visited'
  }
}
check TREE_6_basePointerGuarded for 3 but 5 steps expect 0

-- The flawed look-up of TreeImplFlaw.LOOKUP_MAPPINGS_FIRST: leaf mappings before node pages.
fun lookupAction_LOOKUP_MAPPINGS_FIRST[p: Page]: lone Action {
  some leafFor[p].maps[p] => leafFor[p].maps[p] else (p in nodePages => TreeNodeAlert else none)
}
-- TREE-2: the look-up that checks mappings first still gives every node page the tree-node
-- action; scope 3 pages, 3 nodes, 6 steps.
assert TREE_2_wrong_mappingsFirstGivesNodeAlert {
  always all p: nodePages | lookupAction_LOOKUP_MAPPINGS_FIRST[p] = TreeNodeAlert
}
-- Must fail, because checking mappings first gives a page that is both a node page and mapped
-- its mapping's action instead of the tree-node action: kept to show TREE_2_nodePagesAlert has teeth.
check TREE_2_wrong_mappingsFirstGivesNodeAlert for 3 but 6 steps expect 1

-- TREE-4: a split happens: a leaf hands pages to a fresh sibling; scope 4 pages, 4 nodes, 6 steps.
run TREE_4_split { eventually some n, m: Node | split[n, m] and some n.maps }
  for 4 but 6 steps expect 1

-- TREE-4: a merge happens: a node absorbs its sibling, which is freed; scope 4 pages, 4 nodes,
-- 8 steps.
run TREE_4_merge { eventually some n, m: Node | merge[n, m] and some m.maps } for 4 but 8 steps expect 1

-- TREE-2: a node-page alert happens, on a page that is also mapped; scope 4 pages, 4 nodes,
-- 6 steps.
run TREE_2_nodeAlertOnMappedPage { eventually some p: Page | guestWrite[p] and p in nodePages & mappedPages }
  for 4 but 6 steps expect 1

-- TREE-1: a mapping alert happens, on a tree of two levels; scope 4 pages, 4 nodes, 8 steps.
run TREE_1_mappingAlertAtDepth1 {
  eventually some p: Page | guestWrite[p] and Last.cause' = MappingHit and some root.kids
} for 4 but 8 steps expect 1

-- TREE-5: a walk visits depth + 1 nodes on a tree of depth 1; scope 4 pages, 4 nodes, 8 steps.
run TREE_5_fullDepthWalk {
  eventually some p: Page | guestWrite[p] and depth = 1 and #Last.visited' = 2
} for 4 but 8 steps expect 1
