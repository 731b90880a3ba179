# Dossier's container image: a static binary with the built-in corpus, on a
# distroless base, running as a non-root user. Settings come only from the
# environment (see deploy/dossier.env.example); no secret is baked in.
#
#   docker build -t dossier .
#   docker run --env-file deploy/dossier.env -v dossier-data:/data -p 8080:8080 dossier

FROM golang:1.26 AS build
WORKDIR /src
# Modules first, so editing the code does not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# CGO_ENABLED=0 gives a static binary that needs no libc at run time.
# -buildvcs=auto stamps the commit (shown by "dossier version") when the
# build context holds the .git folder, and builds without it otherwise.
ENV CGO_ENABLED=0
RUN go build -trimpath -buildvcs=auto -ldflags="-s -w" -o /out/dossier ./cmd/dossier \
 && /out/dossier version
# An empty /data owned by the nonroot user (65532): a new named volume
# copies this ownership, so the bot can write its index there.
RUN mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/dossier /dossier
COPY --from=build --chown=65532:65532 /out/data /data
ENV DOSSIER_DATA=/data \
    DOSSIER_HTTP_ADDR=:8080
VOLUME /data
EXPOSE 8080
USER nonroot:nonroot
# No shell in the image: the binary checks its own /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["/dossier", "healthcheck"]
ENTRYPOINT ["/dossier"]
CMD ["serve"]
