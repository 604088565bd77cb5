package io.hivemind.bt.client.daemon.http;

import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.json.JsonValue;
import io.hivemind.bt.client.daemon.json.JsonWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A complete HTTP response: status, content type, body bytes and extra headers. Immutable (the body array is not
 * copied: callers hand it over).
 */
public record HttpReply(int status, String contentType, byte[] body, Map<String, String> headers) {

    public static final String JSON = "application/json; charset=utf-8";

    public HttpReply {
        headers = Map.copyOf(headers);
    }

    public static HttpReply json(int status, JsonValue value) {
        return new HttpReply(status, JSON, JsonWriter.writeBytes(value), Map.of());
    }

    public static HttpReply json(JsonValue value) {
        return json(200, value);
    }

    /** The JSON error body every API failure uses: {@code {"error": message, "status": code}}. */
    public static HttpReply error(int status, String message) {
        return json(status, JsonObject.builder().put("error", message).put("status", status).build());
    }

    public static HttpReply text(int status, String contentType, String text) {
        return new HttpReply(status, contentType, text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public static HttpReply noContent() {
        return new HttpReply(204, null, new byte[0], Map.of());
    }

    public HttpReply withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new HttpReply(status, contentType, body, h);
    }
}
