package io.hivemind.bt.client.daemon.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.daemon.SettingsCodec;
import io.hivemind.bt.client.daemon.http.ApiException;
import io.hivemind.bt.client.daemon.http.MultipartException;
import io.hivemind.bt.client.daemon.http.MultipartParser;
import io.hivemind.bt.client.daemon.json.JsonException;
import io.hivemind.bt.client.daemon.json.JsonLimits;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.json.JsonReader;
import io.hivemind.bt.client.daemon.json.JsonValue;
import io.hivemind.bt.client.daemon.json.JsonWriter;

/**
 * The daemon's body parsers on arbitrary bytes (HARDENING.md "Fuzzing": REST/RPC bodies): the JSON reader throws
 * only {@link JsonException} and what it reads writes back to text that reads back equal; the settings patch (the
 * REST body with the most logic) throws only typed API errors; the multipart parser throws only
 * {@link MultipartException}, and the same body fed whole or in two pieces gives the same parts.
 */
class DaemonBodyFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void json(byte[] input) {
        JsonValue v;
        try {
            v = JsonReader.parse(input, JsonLimits.DEFAULT);
        } catch (JsonException expected) {
            return;
        }
        byte[] again = JsonWriter.writeBytes(v);
        assertEquals(v, JsonReader.parse(again, JsonLimits.DEFAULT));
    }

    @FuzzTest(maxDuration = "10s")
    void settingsPatch(byte[] input) {
        JsonObject o;
        try {
            o = JsonReader.parseObject(input, JsonLimits.DEFAULT);
        } catch (JsonException expected) {
            return;
        }
        try {
            SettingsCodec.patch(SessionSettings.defaults(), o);
        } catch (ApiException | JsonException expected) {
            // typed rejection
        }
    }

    @FuzzTest(maxDuration = "10s")
    void multipart(byte[] input) {
        String a = parts(input, input.length);
        String b = parts(input, input.length / 2);
        assertEquals(a, b);
    }

    private static String parts(byte[] input, int split) {
        StringBuilder sb = new StringBuilder();
        MultipartParser p = new MultipartParser("xyz", 256, 16, 1024, new MultipartParser.Listener() {
            @Override
            public void partStart(MultipartParser.PartHeaders headers) {
                sb.append("[").append(headers).append(":");
            }

            @Override
            public void partData(byte[] b, int off, int len) {
                for (int i = 0; i < len; i++) {
                    sb.append((char) (b[off + i] & 0xff));
                }
            }

            @Override
            public void partEnd() {
                sb.append("]");
            }
        });
        try {
            p.feed(input, 0, split);
            p.feed(input, split, input.length - split);
            p.finish();
            return sb.toString();
        } catch (MultipartException e) {
            return "error " + e.reason();
        }
    }
}
