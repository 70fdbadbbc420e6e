package io.sipfleet.switching.auth;

import io.sipfleet.sip.message.Params;
import io.sipfleet.sip.message.SipRequest;
import io.sipfleet.sip.message.SipUri;
import io.sipfleet.sip.message.Uri;
import io.sipfleet.sip.parse.SipParseException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * RFC 2617 3.2.2.5 (kept by RFC 7616 3.4.6): the digest-uri of the credentials must name the
 * Request-URI, or a captured response for one request could authorise another. Phones copy the
 * Request-URI as written, so the text usually matches exactly; otherwise the two are compared
 * as RFC 3261 19.1.4 compares SIP URIs (escapes decoded, host and parameter names case-blind,
 * parameter order irrelevant), which tolerates a proxy or phone re-spelling the same URI.
 */
final class DigestUris {
    private DigestUris() {}

    static boolean matches(String digestUri, SipRequest request) {
        if (sameAsWritten(digestUri, request)) return true;
        Uri theirs;
        try {
            theirs = Uri.parse(digestUri);
        } catch (SipParseException e) {
            return false;
        }
        Uri ours = request.requestUri();
        if (ours instanceof SipUri a && theirs instanceof SipUri b) return equivalent(a, b);
        return ours.toString().equalsIgnoreCase(theirs.toString());
    }

    /** The Request-URI exactly as written on the request line. */
    static String requestUriText(SipRequest request) {
        byte[] b = request.array();
        int s = firstSpace(b, request.startLineEnd()), e = lastSpace(b, request.startLineEnd());
        return s < 0 || e <= s ? request.requestUri().toString()
                : new String(b, s + 1, e - s - 1, StandardCharsets.UTF_8);
    }

    /**
     * Whether {@code digestUri} is the Request-URI as written, compared on the request line's bytes:
     * what phones send, checked for every authenticated request without building the text. UTF-8
     * never puts a space inside a multi-byte character, so the spaces found are the line's.
     */
    private static boolean sameAsWritten(String digestUri, SipRequest request) {
        byte[] b = request.array();
        int s = firstSpace(b, request.startLineEnd()), e = lastSpace(b, request.startLineEnd());
        if (s < 0 || e <= s) return digestUri.equals(request.requestUri().toString());
        int n = e - s - 1;
        if (digestUri.length() != n) return n >= digestUri.length() && digestUri.equals(requestUriText(request));
        for (int i = 0; i < n; i++) {
            int c = b[s + 1 + i];
            if (c < 0) return digestUri.equals(requestUriText(request)); // not ASCII: compare as text
            if (c != digestUri.charAt(i)) return false;
        }
        return true;
    }

    private static int firstSpace(byte[] b, int end) {
        for (int i = 0; i < end; i++) if (b[i] == ' ') return i;
        return -1;
    }

    private static int lastSpace(byte[] b, int end) {
        for (int i = end - 1; i >= 0; i--) if (b[i] == ' ') return i;
        return -1;
    }

    private static boolean equivalent(SipUri a, SipUri b) {
        return a.secure() == b.secure()
                && Objects.equals(a.decodedUser(), b.decodedUser())
                && Objects.equals(a.password(), b.password())
                && a.host().equalsIgnoreCase(b.host())
                && a.port() == b.port()
                && sameParams(a.params(), b.params())
                && Objects.equals(a.headers(), b.headers());
    }

    private static boolean sameParams(Params x, Params y) {
        if (x.size() != y.size()) return false;
        for (int i = 0; i < x.size(); i++) {
            String v = y.get(x.name(i));
            String mine = x.value(i) == null ? "" : x.value(i);
            if (v == null || !SipUri.decode(v).equalsIgnoreCase(SipUri.decode(mine))) return false;
        }
        return true;
    }
}
