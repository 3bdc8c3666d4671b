FROM debian:bookworm-slim
RUN dpkg --add-architecture i386 \
 && apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates lib32gcc-s1 libc6:i386 libstdc++6:i386 \
 && rm -rf /var/lib/apt/lists/*
COPY server/ /opt/server/
CMD ["/opt/server/run.sh"]
