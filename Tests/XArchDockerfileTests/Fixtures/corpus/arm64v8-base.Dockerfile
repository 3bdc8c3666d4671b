FROM arm64v8/alpine:3.20
RUN apk add --no-cache python3
CMD ["python3"]
