package io.hivemind.bt.client.daemon.http;

/**
 * Who may use the daemon: a user name and password (HTTP Basic auth), an access token (sent as
 * {@code Authorization: Bearer <token>}, or as the password of Basic auth with any user name), both, or neither.
 * Immutable. {@link #toString()} never shows a secret.
 *
 * @param username Basic auth user name, or null to accept any (token mode)
 * @param password Basic auth password, or null
 * @param token    access token, or null
 */
public record Credentials(String username, String password, String token) {

    public static final Credentials NONE = new Credentials(null, null, null);

    public Credentials {
        if (password != null && password.isEmpty() || token != null && token.isEmpty()) {
            throw new IllegalArgumentException("empty password or token");
        }
        if (username != null && password == null) {
            throw new IllegalArgumentException("a user name needs a password");
        }
        if (username != null && username.indexOf(':') >= 0) {
            throw new IllegalArgumentException("a user name cannot contain ':'");
        }
    }

    /** True if requests must authenticate. */
    public boolean required() {
        return password != null || token != null;
    }

    @Override
    public String toString() {
        return "Credentials[" + (username != null ? "user=" + username + ", password=***" : "")
                + (token != null ? (username != null ? ", " : "") + "token=***" : "") + "]";
    }
}
