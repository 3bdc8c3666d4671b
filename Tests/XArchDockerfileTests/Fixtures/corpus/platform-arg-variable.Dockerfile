ARG PLATFORM=linux/amd64
FROM --platform=$PLATFORM python:3.12-slim
RUN pip install flask
