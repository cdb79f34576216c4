# Build stage: the Swift toolchain and the C libraries' headers.
FROM swift:6.2-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends pkg-config libpq-dev libssl-dev libargon2-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
RUN swift package resolve
COPY Sources Sources
COPY Tests Tests
RUN swift build -c release --product writ --static-swift-stdlib \
 && cp "$(swift build -c release --show-bin-path)/writ" /writ

# Run stage: only the shared libraries Writ links and what the health check needs.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 libssl3 libargon2-1 ca-certificates curl tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home-dir /app --shell /usr/sbin/nologin writ
WORKDIR /app
COPY --from=build /writ /usr/local/bin/writ
COPY sql ./sql
COPY web-static ./web-static
USER writ
ENV WRIT_HTTP_ADDRESS=0.0.0.0:8080 \
    WRIT_MIGRATIONS_DIR=/app/sql \
    WRIT_STATIC_DIR=/app/web-static
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["writ"]
CMD ["serve"]
