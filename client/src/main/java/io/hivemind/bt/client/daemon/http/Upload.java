package io.hivemind.bt.client.daemon.http;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A received {@code multipart/form-data} upload: the form fields and the files, each already on disk in a private
 * temporary directory that the server deletes after the request is handled (move files out to keep them).
 * Immutable.
 *
 * @param directory the temporary directory holding the files
 * @param fields    plain form fields by name, in order of arrival
 * @param files     uploaded files in order of arrival
 */
public record Upload(Path directory, Map<String, List<String>> fields, List<UploadedFile> files) {

    public Upload {
        fields = Map.copyOf(fields);
        files = List.copyOf(files);
    }

    /** The first value of field {@code name}, or null. */
    public String field(String name) {
        List<String> v = fields.get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    /**
     * One uploaded file.
     *
     * @param field        the form field it came in
     * @param relativePath the sanitised relative path from the client's file name (never empty)
     * @param file         where its bytes are now
     * @param size         its length in bytes
     */
    public record UploadedFile(String field, List<String> relativePath, Path file, long size) {
        public UploadedFile {
            relativePath = List.copyOf(relativePath);
        }
    }
}
