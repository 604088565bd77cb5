package io.hivemind.bt.client.daemon.http;

import io.hivemind.bt.client.daemon.http.MultipartException.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams one {@code multipart/form-data} body to disk: file parts go straight to numbered files in a fresh
 * temporary directory (the client's file name is only kept, sanitised, as metadata, so no hostile name ever reaches
 * the file system while bytes arrive), plain fields are buffered up to small limits. Memory stays bounded by the
 * parser's window whatever the upload's size. Not thread-safe: one receiver per request, fed on its event loop.
 */
public final class UploadReceiver implements MultipartParser.Listener {
    private final Path directory;
    private final MultipartParser parser;
    private final long maxTotalBytes;
    private final int maxFieldBytes;
    private final int maxFieldsBytes;
    private final Map<String, List<String>> fields = new LinkedHashMap<>();
    private final List<Upload.UploadedFile> files = new ArrayList<>();
    private long total;
    private int fieldsBytes;
    private MultipartParser.PartHeaders current;
    private FileChannel channel;
    private Path currentFile;
    private long currentSize;
    private ByteArrayOutputStream field;

    /**
     * @param parent        where to create the temporary directory (same file system as the final location, so
     *                      moving files out is a rename)
     * @param contentType   the request's Content-Type (carries the boundary)
     * @param maxTotalBytes largest body accepted
     */
    public UploadReceiver(Path parent, String contentType, long maxTotalBytes) throws IOException {
        String boundary = MultipartParser.boundaryOf(contentType);
        Files.createDirectories(parent);
        this.directory = Files.createTempDirectory(parent, "upload-");
        this.parser = new MultipartParser(boundary, this);
        this.maxTotalBytes = maxTotalBytes;
        this.maxFieldBytes = 64 * 1024;
        this.maxFieldsBytes = 256 * 1024;
    }

    /** Feeds body bytes; throws {@link MultipartException} on malformed or over-limit input. */
    public void feed(byte[] b, int off, int len) {
        total += len;
        if (total > maxTotalBytes) {
            throw new MultipartException(Reason.TOO_LARGE, total, "upload larger than " + maxTotalBytes + " bytes");
        }
        parser.feed(b, off, len);
    }

    /** Ends the body and returns what was received. */
    public Upload finish() {
        parser.finish();
        return new Upload(directory, fields, files);
    }

    public Path directory() {
        return directory;
    }

    /** Closes any open file and deletes the temporary directory and everything left in it. */
    public void cleanup() {
        closeChannel();
        deleteTree(directory);
    }

    @Override
    public void partStart(MultipartParser.PartHeaders headers) {
        current = headers;
        if (headers.filename() != null) {
            currentFile = directory.resolve("part-" + files.size());
            currentSize = 0;
            try {
                channel = FileChannel.open(currentFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            field = new ByteArrayOutputStream();
        }
    }

    @Override
    public void partData(byte[] b, int off, int len) {
        if (channel != null) {
            ByteBuffer bb = ByteBuffer.wrap(b, off, len);
            try {
                while (bb.hasRemaining()) {
                    channel.write(bb);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            currentSize += len;
        } else {
            if (field.size() + len > maxFieldBytes || fieldsBytes + len > maxFieldsBytes) {
                throw new MultipartException(Reason.TOO_LARGE, total, "form field '" + current.name() + "' too large");
            }
            fieldsBytes += len;
            field.write(b, off, len);
        }
    }

    @Override
    public void partEnd() {
        if (channel != null) {
            closeChannel();
            List<String> path = FileNames.relativePath(current.filename());
            if (path.isEmpty()) {
                path = List.of("file-" + files.size());
            }
            files.add(new Upload.UploadedFile(current.name(), path, currentFile, currentSize));
        } else {
            fields.computeIfAbsent(current.name(), k -> new ArrayList<>())
                    .add(new String(field.toByteArray(), StandardCharsets.UTF_8));
            field = null;
        }
        current = null;
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the file is discarded or already complete
            }
            channel = null;
        }
    }

    /** Deletes a directory tree without following symbolic links; best effort. */
    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
