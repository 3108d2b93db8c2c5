package org.hvproof.model.domains;

import java.util.Objects;

/**
 * Two states are low-equivalent for the root domain when they differ at most in secure frames'
 * contents and in the registers of vCPUs running secure code. The correct mechanism keeps two
 * such states low-equivalent, with equal {@link RootView}s, under the same action.
 */
public final class DomainsLowEquivalence {
    private DomainsLowEquivalence() {}

    /** True when the root domain cannot tell the two states apart, now or later. */
    public static boolean equivalent(DomainsState a, DomainsState b) {
        if (!IdentityMemo.equal(a.domains(), b.domains())
                || a.vcpus().size() != b.vcpus().size()) {
            return false;
        }
        if (!IdentityMemo.equal(RootView.rootFrames(a), RootView.rootFrames(b))
                || !(a.frames() == b.frames()
                        || a.frames().keySet().equals(b.frames().keySet()))) {
            return false;
        }
        for (int i = 0; i < a.vcpus().size(); i++) {
            DomainsVCpu x = a.vcpus().get(i);
            DomainsVCpu y = b.vcpus().get(i);
            boolean same = x.domain().isRoot()
                    ? x.equals(y)
                    : x.domain().equals(y.domain())
                            && x.ptRoot().equals(y.ptRoot())
                            && x.nptOf().equals(y.nptOf())
                            && Objects.equals(x.saved(), y.saved());
            if (!same) {
                return false;
            }
        }
        return true;
    }

    /** Serval's check, part one: reflexive on this state. */
    public static boolean reflexiveOn(DomainsState s) {
        return equivalent(s, s);
    }

    /**
     * Serval's check, part two (non-vacuity): it relates two guests whose secure domains hold
     * different data, and still does once a vCPU has entered the secure domain and loaded a
     * secret into its register.
     */
    public static boolean relatesDifferentSecureContents(long secureA, long secureB) {
        if (secureA == secureB) {
            throw new IllegalArgumentException("need two different secure contents, got " + secureA + " twice");
        }
        DomainsState a = DomainsState.example(1, 1, secureA);
        DomainsState b = DomainsState.example(1, 1, secureB);
        if (a.frames().equals(b.frames()) || !equivalent(a, b)) {
            return false;
        }
        DomainsAction enter = new DomainsAction.Jump(0, new Ids.GuestPage(17));
        DomainsAction read = new DomainsAction.Read(0, new Ids.VirtualPage(2));
        DomainsState a2 =
                DomainsModel.step(DomainsModel.step(a, enter).next(), read).next();
        DomainsState b2 =
                DomainsModel.step(DomainsModel.step(b, enter).next(), read).next();
        return a2.vcpus().get(0).register() != b2.vcpus().get(0).register() && equivalent(a2, b2);
    }
}
