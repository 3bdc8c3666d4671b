FROM python:3.11-slim-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends build-essential
WORKDIR /src
COPY . .
RUN python setup.py build_ext

FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/*
ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
COPY --from=build /src/build/lib.linux-x86_64-cpython-311 /app/lib
WORKDIR /app
CMD ["python", "-m", "app"]
