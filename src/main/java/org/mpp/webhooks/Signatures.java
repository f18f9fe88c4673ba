package org.mpp.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code X-MPP-Signature} header: {@code sha256=} and the lower-case hex HMAC-SHA256 of the exact body bytes, keyed
 * with the endpoint's secret (its UTF-8 bytes). A receiver computes the same over the raw body it read and compares in
 * constant time ({@link #matches}). Thread-safe.
 */
public final class Signatures {
    /** The header that carries the signature. */
    public static final String HEADER = "X-MPP-Signature";

    private Signatures() {
    }

    /** {@code sha256=<hex>} of {@code body} under {@code secret}. */
    public static String sign(byte[] body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Whether {@code header} is the signature of {@code body} under {@code secret}; constant time in the header's length. */
    public static boolean matches(byte[] body, String secret, String header) {
        if (header == null) {
            return false;
        }
        return MessageDigest.isEqual(sign(body, secret).getBytes(StandardCharsets.US_ASCII), header.getBytes(StandardCharsets.US_ASCII));
    }
}
