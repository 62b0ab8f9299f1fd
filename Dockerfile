# syntax=docker/dockerfile:1
# syncd: `docker build -t syncd .` then
#   docker run --read-only --tmpfs /tmp -v "$PWD/config:/etc/syncd:ro" -v syncd-state:/var/lib/syncd \
#     --env-file syncd.env -p 8080:8080 syncd
# Configuration comes in at /etc/syncd, state lives at /var/lib/syncd; secrets only as
# environment variables at run time, never in the image.

# ---- build: a wheel of syncd and of every dependency, so the runtime needs no compiler
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY syncd ./syncd
COPY connectors ./connectors
RUN pip wheel --wheel-dir /wheels .

# ---- runtime: slim Python, git for the markdown source's clones, syncd in its own venv
FROM python:3.11-slim AS runtime
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends git ca-certificates \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 syncd \
    && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/syncd \
        --no-create-home --shell /usr/sbin/nologin syncd \
    && install -d -o root -g root -m 0755 /etc/syncd \
    && install -d -o 10001 -g 10001 -m 0700 /var/lib/syncd
# The wheels are bind-mounted, not copied, so they leave no layer behind.
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    python -m venv /opt/syncd \
    && /opt/syncd/bin/pip install --no-index --find-links=/wheels syncd

ENV PATH=/opt/syncd/bin:$PATH \
    HOME=/var/lib/syncd \
    SYNCD_STATE_DIR=/var/lib/syncd \
    SYNCD_LOG_FORMAT=json \
    SYNCD_HTTP_PORT=8080

LABEL org.opencontainers.image.title="syncd" \
      org.opencontainers.image.description="Mirror postmortem action items into Jira or GitHub and report the languishing ones back to chat." \
      org.opencontainers.image.licenses="Apache-2.0"

VOLUME ["/etc/syncd", "/var/lib/syncd"]
EXPOSE 8080
USER 10001:10001
WORKDIR /var/lib/syncd
STOPSIGNAL SIGTERM
# slim has no curl: ask /healthz with the standard library (urlopen raises on a non-2xx status).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('SYNCD_HTTP_PORT', '8080'), timeout=4)"]
ENTRYPOINT ["syncd"]
CMD ["run", "--config", "/etc/syncd"]
