package org.hvproof.model.tracing;

/**
 * Everything that can happen to a guest under the tracing service: the guest OS mapping pages,
 * owners adding and removing traces (at once, or in micro-steps: {@link StartTrace}, {@link StartRemoveTrace}, {@link
 * ContinueTrace}), guest accesses, privilege changes, a device's DMA writes, and doing nothing.
 * Each action describes itself in one readable line ({@code toString}).
 */
public sealed interface TracingAction
        permits MapPage,
                UnmapPage,
                AddTrace,
                RemoveTrace,
                GuestWrite,
                GuestRead,
                GuestExecute,
                SetPrivilege,
                DeviceWrite,
                StartTrace,
                StartRemoveTrace,
                ContinueTrace,
                Stutter {}
