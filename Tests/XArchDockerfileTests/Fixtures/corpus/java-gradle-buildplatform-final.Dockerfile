FROM --platform=$BUILDPLATFORM gradle:8-jdk21 AS build
WORKDIR /home/gradle/src
COPY . .
RUN gradle bootJar --no-daemon

FROM --platform=$BUILDPLATFORM eclipse-temurin:21-jre-alpine
COPY --from=build /home/gradle/src/build/libs/*.jar /app.jar
ENTRYPOINT ["java", "-jar", "/app.jar"]
