package org.hvproof.model.domains;

import org.hvproof.model.common.Notation;
import org.hvproof.model.domains.Ids.DomainId;
import org.hvproof.model.domains.Ids.GuestPage;

/**
 * A virtual CPU.
 *
 * @param domain the domain whose code runs
 * @param ptRoot the guest page-table pointer
 * @param nptOf the nested page-table pointer (whose NPT)
 * @param saved root's page-table pointer saved at gate entry; null while root runs
 * @param register the register file, abstracted to one value
 */
public record DomainsVCpu(DomainId domain, GuestPage ptRoot, DomainId nptOf, GuestPage saved, long register) {

    @Override
    public String toString() {
        return "in " + domain + ", CR3 " + ptRoot + ", NPT of " + nptOf + (saved == null ? "" : ", saved CR3 " + saved)
                + ", register " + Notation.hex(register);
    }
}
