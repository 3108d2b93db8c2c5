package org.hvproof.model.tracing;

/**
 * Everything that can happen to a guest under the tracing service: the guest OS mapping pages,
 * owners adding and removing traces, guest accesses, privilege changes, a device's DMA writes, and doing nothing.
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
                Stutter {}
