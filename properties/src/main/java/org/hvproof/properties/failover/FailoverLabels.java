package org.hvproof.properties.failover;

/**
 * The situations a failover trace can reach, as {@link FailoverTrace} labels them; the
 * properties set coverage minimums on them so a property whose traces miss its claim's
 * situations fails.
 */
final class FailoverLabels {
    static final String FAILED_OVER = "failed over to the secondary";
    static final String ACKED_UPDATE_CARRIED = "failed over with acknowledged updates";
    static final String QUEUED_REQUEST_CARRIED = "failed over with requests in the virtual NIC's queue";
    static final String SERVED_AFTER_FAILOVER = "the secondary served an update after failover";
    static final String UPDATE_IN_UPPER_HALF = "update to a key in the upper half of the store";
    static final String UPDATE_OF_LAST_KEY = "update of the store's last key";
    static final String KEY_OUT_OF_RANGE = "update of a key outside the store refused";
    static final String BAD_PROVISION = "bad figures refused";
    static final String STATE_TOO_LARGE = "state larger than the secondary's memory refused";
    static final String BAD_BANDWIDTH_REFUSED = "zero, negative or absurd bandwidth refused";
    static final String EXHAUSTED = "battery ran out before the signal";
    static final String EXHAUSTED_MID_COPY = "battery ran out with chunks landed but not all";
    static final String BATTERY_OUT_EARLY = "battery out injected on battery";
    static final String LINK_SLOWED_ON_BATTERY = "link slowed on battery";
    static final String LINK_DROPPED_ON_BATTERY = "link dropped on battery";
    static final String SECONDARY_CRASHED_ON_BATTERY = "secondary crashed on battery";
    static final String SECONDARY_CRASHED_AFTER_FAILOVER = "secondary crashed running the application";
    static final String POWER_RETURNED_ON_BATTERY = "power returned before the signal";
    static final String POWER_RETURNED_AFTER_FAILOVER = "power returned after the signal";
    static final String SECOND_FAILURE = "a second AC failure after power returned";
    static final String SECOND_FAILURE_ON_BATTERY = "a second AC failure while on battery";
    static final String STRAY_SIGNAL_REFUSED = "stray signal refused";
    static final String STRAY_SIGNAL_WITH_CHECKPOINT_SENT = "stray signal refused with every chunk sent";
    static final String EARLY_SIGNAL_REFUSED = "signal before the last chunk refused";
    // budgets at the edge: the hold-up time within a few microseconds of the requirement
    static final String BARELY_FITS = "budget fits by at most 3 µs";
    static final String BARELY_SHORT = "budget short by at most 3 µs";
    static final String BARELY_FITS_FAILED_OVER = "budget fitting by at most 3 µs failed over";
    static final String BARELY_SHORT_EXHAUSTED = "budget short by at most 3 µs ran out of battery";

    private FailoverLabels() {}
}
