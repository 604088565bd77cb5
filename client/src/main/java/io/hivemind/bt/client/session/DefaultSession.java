package io.hivemind.bt.client.session;

import io.hivemind.bt.client.ClientException;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.SessionSettings;
import java.util.function.LongSupplier;

/** The session implementation (in progress: issue 5). */
public final class DefaultSession {
    private DefaultSession() {
    }

    public static Session start(SessionSettings settings, LongSupplier nanoClock) {
        throw new ClientException("the session is not implemented yet");
    }
}
