package io.hivemind.bt.client.daemon.http;

import io.netty.handler.codec.http.HttpRequest;

/**
 * What an {@link HttpServer} serves. The server calls {@link #bodyPolicy} on the event loop once the guard has
 * accepted a request's head, receives the body accordingly, then calls {@link #handle} on a virtual thread, where
 * blocking on the session is fine. Implementations must be thread-safe.
 */
public interface HttpApp {

    /** How to receive a request's body. */
    sealed interface BodyPolicy {
    }

    /** Buffer the body in memory, refusing (413) anything larger than {@code maxBytes}. */
    record Buffer(int maxBytes) implements BodyPolicy {
    }

    /** Stream a {@code multipart/form-data} body to files through {@code receiver}. */
    record Stream(UploadReceiver receiver) implements BodyPolicy {
    }

    BodyPolicy bodyPolicy(HttpRequest head, String path);

    HttpReply handle(Request request) throws Exception;
}
