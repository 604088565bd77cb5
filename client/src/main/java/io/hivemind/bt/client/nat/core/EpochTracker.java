package io.hivemind.bt.client.nat.core;

/**
 * Detects a gateway that lost its mappings (rebooted) from the epoch ("seconds since start of epoch") in each
 * reply, so that the client re-creates them at once instead of at the next renewal.
 *
 * <p>Implementation note: NAT-PMP (RFC 6886 §3.6): with the previous reply at epoch E₀ and local time T₀ and the new
 * one at E₁ and T₁, the gateway lost state if E₁ &lt; E₀ + (T₁ − T₀)·7/8 − 2 (allowing a slow clock). PCP (RFC 6887
 * §8.5): with client delta C and server delta S, state was lost if E₁ &lt; E₀ − 1, or S + 2 &lt; C − C/16, or
 * C + 2 &lt; S − S/16. Pure; not thread-safe.
 */
public final class EpochTracker {
    /** Which RFC's rule to apply. */
    public enum Rule { NAT_PMP, PCP }

    private final Rule rule;
    private boolean seen;
    private long lastEpoch;
    private long lastNanos;

    public EpochTracker(Rule rule) {
        this.rule = rule;
    }

    /** Records a reply's epoch at local time {@code nowNanos}; true if the gateway lost its mappings since the last. */
    public boolean update(long epochSeconds, long nowNanos) {
        if (!seen) {
            seen = true;
            lastEpoch = epochSeconds;
            lastNanos = nowNanos;
            return false;
        }
        long clientDelta = (nowNanos - lastNanos) / 1_000_000_000L;
        long serverDelta = epochSeconds - lastEpoch;
        boolean lost = switch (rule) {
            case NAT_PMP -> epochSeconds < lastEpoch + clientDelta * 7 / 8 - 2;
            case PCP -> epochSeconds < lastEpoch - 1 || serverDelta + 2 < clientDelta - clientDelta / 16
                    || clientDelta + 2 < serverDelta - serverDelta / 16;
        };
        lastEpoch = epochSeconds;
        lastNanos = nowNanos;
        return lost;
    }

    /** Forgets the history (a new gateway). */
    public void reset() {
        seen = false;
    }
}
