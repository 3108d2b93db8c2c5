package org.hvproof.impl.tree;

import java.util.ArrayList;
import java.util.List;
import org.hvproof.impl.machine.VirtualCpu;
import org.hvproof.impl.tracing.TraceListener;
import org.hvproof.model.common.Observation;
import org.hvproof.model.common.Privilege;
import org.hvproof.model.tree.AlertAction;
import org.hvproof.model.tree.AlertCause;
import org.hvproof.model.tree.TreeObservation;
import org.hvproof.model.tree.Writer;

/**
 * Alerts: from what the walk found for a notified write, the walk and the alert an observer sees
 * (the node-page mark first, TREE-2; then the leaf mapping, TREE-1) and whether the write completes.
 */
final class TreeAlerts {
    private TreeAlerts() {}

    /** The walk, then the node-page alert (blocks), else the mapping's alert with its action, else nothing. */
    static TraceListener.Verdict alert(VirtualCpu cpu, ProtectedPageTree.Lookup found, int height, TreeImplFlaw flaw) {
        long page = found.page();
        List<Observation> seen = new ArrayList<>(2);
        seen.add(new TreeEvent(new TreeObservation.Walk(page, found.nodesVisited(), Math.max(height, 0))));
        Writer writer = new Writer(cpu.id().id(), cpu.instructionPointer(), cpu.privilege() == Privilege.USER ? 3 : 0);
        AlertAction action = null;
        AlertCause cause = null;
        if (flaw == TreeImplFlaw.LOOKUP_MAPPINGS_FIRST && found.mapping().isPresent()) {
            // FLAW: the mapping wins over the node-page mark.
            action = found.mapping().get();
            cause = AlertCause.MAPPED_PAGE;
        } else if (found.nodePage()) {
            action = AlertAction.TREE_NODE;
            cause = AlertCause.NODE_PAGE;
        } else if (found.mapping().isPresent()) {
            action = found.mapping().get();
            cause = AlertCause.MAPPED_PAGE;
        }
        if (action == null) {
            return new TraceListener.Verdict(seen, true);
        }
        seen.add(new TreeEvent(new TreeObservation.Alert(page, cause, action, writer)));
        return new TraceListener.Verdict(seen, action.completesWrite());
    }
}
