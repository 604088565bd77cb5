package io.hivemind.bt.client;

import io.hivemind.bt.client.session.DefaultSession;
import java.util.function.LongSupplier;

/**
 * Builds a {@link Session}: settings plus the few things a test or an embedder may inject (the clock).
 * Not thread-safe. Fails fast on bad settings.
 */
public final class SessionBuilder {
    private SessionSettings settings = SessionSettings.defaults();
    private LongSupplier nanoClock = System::nanoTime;

    SessionBuilder() {
    }

    public SessionBuilder settings(SessionSettings settings) {
        this.settings = settings;
        return this;
    }

    /** Shorthand for changing one listen address on the current settings. */
    public SessionBuilder listen(String... hostPorts) {
        this.settings = settings.toBuilder().listen(hostPorts).build();
        return this;
    }

    public SessionBuilder dht(boolean on) {
        this.settings = settings.toBuilder().dht(on).build();
        return this;
    }

    public SessionBuilder lsd(boolean on) {
        this.settings = settings.toBuilder().lsd(on).build();
        return this;
    }

    /** The monotonic clock all decision cores run on (tests inject a virtual one). */
    public SessionBuilder clock(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        return this;
    }

    /** Starts the session: binds the listen sockets and starts the event loops. */
    public Session build() {
        return DefaultSession.start(settings, nanoClock);
    }
}
