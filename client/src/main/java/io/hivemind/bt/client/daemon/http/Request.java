package io.hivemind.bt.client.daemon.http;

import io.hivemind.bt.client.daemon.json.JsonLimits;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.json.JsonReader;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * One request as handed to an {@link HttpApp} after the guard let it through and its body arrived. Immutable.
 *
 * @param method   upper-case method
 * @param path     the decoded path (no query)
 * @param query    decoded query parameters
 * @param headers  request headers (a read-only copy)
 * @param body     the buffered body (empty for uploads and bodiless requests)
 * @param upload   the streamed multipart upload, or null
 * @param remote   the client's address
 * @param bearer   the client authenticated with a bearer token (not cookies or basic auth a browser would replay)
 */
public record Request(String method, String path, Map<String, List<String>> query, HttpHeaders headers, byte[] body,
                      Upload upload, InetSocketAddress remote, boolean bearer) {

    /** The first value of query parameter {@code name}, or null. */
    public String queryParam(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    /** The body as a JSON object (an empty body is an empty object). */
    public JsonObject jsonBody(JsonLimits limits) {
        if (body.length == 0) {
            return JsonObject.EMPTY;
        }
        return JsonReader.parseObject(body, limits);
    }
}
