# webnet's production image: one image, three roles (web, worker, beat) — see docker-compose.yml.
# Built front-end assets are committed (backend/static/dist), so no Node is needed here.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    WEBNET_STATE_DIR=/var/lib/webnet WEBNET_PRODUCTION=true
RUN apt-get update \
    && apt-get install -y --no-install-recommends openssh-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/webnet --create-home webnet

WORKDIR /app
COPY backend/ /app/
RUN pip install --no-cache-dir /app \
    && SECRET_KEY=build-only ENCRYPTION_KEY=$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
       python manage.py collectstatic --no-input -v 0 \
    && rm -f /var/lib/webnet/secret_key /var/lib/webnet/encryption_key \
    && chown -R webnet: /var/lib/webnet

USER webnet
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --retries=3 \
    CMD python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/health/', timeout=4)"
CMD ["sh", "-c", "python manage.py migrate --no-input && exec python manage.py serve --host 0.0.0.0 --port 8000"]
