# Builds the portal binary, which also serves the PricePlan sandbox
# (`priceplan-portal sandbox`).
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /data portal
COPY --from=build /src/target/release/priceplan-portal /usr/local/bin/priceplan-portal
USER portal
WORKDIR /data
ENV PORTAL_LISTEN=0.0.0.0:8080 \
    PORTAL_DATABASE_URL=sqlite:/data/portal.db
EXPOSE 8080
ENTRYPOINT ["priceplan-portal"]
CMD ["serve"]
