FROM ubuntu:22.04
ARG JDK_URL=https://github.com/adoptium/temurin21-binaries/releases/download/jdk-21.0.3%2B9/OpenJDK21U-jdk_x64_linux_hotspot_21.0.3_9.tar.gz
RUN apt-get update && apt-get install -y curl && curl -fsSL "$JDK_URL" -o /tmp/jdk.tar.gz \
 && mkdir -p /opt/java && tar -xzf /tmp/jdk.tar.gz -C /opt/java --strip-components=1
ENV JAVA_HOME=/opt/java PATH=/opt/java/bin:$PATH
