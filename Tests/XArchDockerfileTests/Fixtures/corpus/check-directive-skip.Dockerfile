# check=skip=constant-platform
FROM --platform=linux/amd64 ubuntu:22.04 AS tools
RUN apt-get update
FROM alpine
