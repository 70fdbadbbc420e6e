package io.sipfleet.control.certificate;

import static io.sipfleet.control.api.ApiRoute.delete;
import static io.sipfleet.control.api.ApiRoute.get;
import static io.sipfleet.control.api.ApiRoute.post;

import io.sipfleet.control.api.ApiRoute;
import io.sipfleet.control.api.Json;
import io.sipfleet.control.api.PathParams;
import java.time.Instant;
import java.util.List;

/** HTTP endpoints of certificates and of a server's attached certificates. Keys are never shown. */
public final class CertificateApi {

    public record UploadBody(String name, String certificate, String privateKey) {
        @Override
        public String toString() {
            return "UploadBody[name=" + name + "]";
        }
    }

    public record AttachBody(Long certificateId, String kind) {
    }

    public record CertificateView(long id, String name, String subject, List<String> sans, Instant notBefore,
                                  Instant notAfter, String fingerprintSha256, String certificate,
                                  List<CertificateDao.Attachment> attachedTo) {
    }

    private CertificateApi() {
    }

    public static List<ApiRoute> routes(CertificateService certs) {
        return List.of(
                get("/api/certificates", "The account's certificates (never their keys)", "certificates", (ctx, p) ->
                        ctx.json(certs.list(p.accountId()).stream().map(c -> view(certs, c)).toList())),
                post("/api/certificates", "Upload a PEM certificate (leaf first, then its chain) and its private key; "
                                + "checked: chain order, validity now, subjectAltNames, key matches; the key is stored encrypted",
                        UploadBody.class, "201 certificate", (ctx, p) -> {
                            UploadBody b = Json.read(ctx, UploadBody.class);
                            ctx.status(201).json(view(certs, certs.upload(p.accountId(), b.name(), b.certificate(), b.privateKey())));
                        }),
                get("/api/certificates/{id}", "One certificate with the servers that use it", "certificate", (ctx, p) ->
                        ctx.json(view(certs, certs.get(p.accountId(), PathParams.id(ctx, "id"))))),
                delete("/api/certificates/{id}", "Delete a certificate no server uses", (ctx, p) -> {
                    certs.delete(p.accountId(), PathParams.id(ctx, "id"));
                    ctx.status(204);
                }),
                get("/api/servers/{id}/certificates", "Certificates attached to the server, as server or client",
                        "attachments", (ctx, p) -> ctx.json(certs.ofServer(p.accountId(), PathParams.id(ctx, "id")))),
                post("/api/servers/{id}/certificates", "Attach a certificate as the server's \"server\" or \"client\" "
                                + "certificate (replaces the previous one of that kind)", AttachBody.class, "attachments",
                        (ctx, p) -> {
                            long id = PathParams.id(ctx, "id");
                            certs.ofServer(p.accountId(), id); // 404 before looking at the body
                            AttachBody b = Json.read(ctx, AttachBody.class);
                            ctx.json(certs.attach(p.accountId(), id, b.certificateId(), b.kind()));
                        }),
                delete("/api/servers/{id}/certificates/{certificateId}", "Detach a certificate from the server",
                        (ctx, p) -> {
                            certs.detach(p.accountId(), PathParams.id(ctx, "id"), PathParams.id(ctx, "certificateId"));
                            ctx.status(204);
                        }));
    }

    private static CertificateView view(CertificateService certs, Certificate c) {
        return new CertificateView(c.id(), c.name(), c.subject(), c.sans().isEmpty() ? List.of() : List.of(c.sans().split(",")),
                c.notBefore(), c.notAfter(), c.fingerprintSha256(), c.chainPem(), certs.usedBy(c.accountId(), c.id()));
    }
}
