# One image for every Switchyard process: web (daphne) and workers (celery).
# Build the frontend in a Node stage, then install the Python package.
FROM node:20-bookworm-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN mkdir -p ../builder/static && npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DEBUG=0
WORKDIR /app
COPY pyproject.toml README.md ./
COPY runtime/ runtime/
COPY builder/ builder/
COPY templates/ templates/
COPY manage.py ./
COPY --from=frontend /src/builder/static/app/ builder/static/app/
RUN pip install --no-cache-dir . && python manage.py collectstatic --noinput
RUN useradd --create-home switchyard && mkdir -p var && chown switchyard var
USER switchyard
EXPOSE 8000
# The web process; workers run `celery -A builder worker` from the same image.
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "builder.asgi:application"]
