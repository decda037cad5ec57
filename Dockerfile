# InterviewAce: one image for every process of a deployment (`serve`, `worker`, `migrate`,
# `user`, ...): docker-compose.yml and deploy/kubernetes/ run it. Build with
#   docker build -t interviewace .
#
# Stage 1 compiles build/interviewace with only the build set of scripts/install-deps.sh (no test
# tools). Migrations, the offline engine's data (data/*.json) and the web app are built into the
# binary, so stage 2 needs the binary, its runtime libraries and the WordNet files, nothing else.

FROM debian:12-slim AS build
WORKDIR /src
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN scripts/install-deps.sh --build && rm -rf /var/lib/apt/lists/*
# The one npm package the binary embeds (swagger-ui-dist, the /docs page), pinned by the lock
# file; the development packages (test tools, linters) stay out.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY meson.build meson_options.txt ./
COPY tools/ tools/
COPY migrations/ migrations/
COPY data/ data/
COPY web/ web/
COPY tests/fuzz/ tests/fuzz/
COPY src/ src/
RUN meson setup build --buildtype=release && ninja -C build interviewace

FROM debian:12-slim
# The shared libraries build/interviewace links against (scripts/check-deploy.sh checks this
# list against the binary), CA certificates for HTTPS to LLM providers, S3 and SMTP, and the
# WordNet database the offline engine reads at start-up (WORDNET_DIR=/usr/share/wordnet).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        ca-certificates \
        libcrypt1 \
        libcurl4 \
        libglib2.0-0 \
        libhiredis0.14 \
        libjansson4 \
        libexttextcat-2.0-0 \
        libexttextcat-data \
        libjwt0 \
        libpoppler-glib8 \
        libpq5 \
        libseccomp2 \
        libsodium23 \
        libsqlite3-0 \
        libssl3 \
        libstemmer0d \
        libxml2 \
        libzip4 \
        wordnet-base \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --user-group --no-create-home \
        --home-dir /var/lib/interviewace --shell /usr/sbin/nologin interviewace \
    && install -d -o 10001 -g 10001 -m 0750 /var/lib/interviewace /var/lib/interviewace/data
COPY --from=build /src/build/interviewace /usr/local/bin/interviewace

USER 10001:10001
WORKDIR /var/lib/interviewace
ENV HOST=0.0.0.0 \
    PORT=8000 \
    DATA_DIR=/var/lib/interviewace/data
EXPOSE 8000
# No curl in the image: the binary probes its own /health (HOST and PORT from the environment).
HEALTHCHECK --interval=30s --timeout=10s --retries=3 \
    CMD ["interviewace", "healthcheck"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["interviewace"]
CMD ["serve"]
