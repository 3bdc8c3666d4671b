FROM ruby:3.3-slim AS build
RUN apt-get update && apt-get install -y build-essential
WORKDIR /app
COPY Gemfile Gemfile.lock ./
RUN bundle install
FROM ruby:3.3-slim
COPY --from=build /usr/local/bundle /usr/local/bundle
COPY . /app
CMD ["ruby", "/app/main.rb"]
