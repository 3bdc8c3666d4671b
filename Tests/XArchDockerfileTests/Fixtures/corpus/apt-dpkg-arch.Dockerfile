FROM ubuntu:24.04
RUN apt-get update && apt-get install -y ca-certificates curl \
 && echo "deb [arch=$(dpkg --print-architecture)] https://download.docker.com/linux/ubuntu noble stable" > /etc/apt/sources.list.d/docker.list
