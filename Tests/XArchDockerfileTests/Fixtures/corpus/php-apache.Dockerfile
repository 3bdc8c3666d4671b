FROM php:8.3-apache
RUN apt-get update && apt-get install -y libzip-dev && docker-php-ext-install zip && rm -rf /var/lib/apt/lists/*
COPY --chown=www-data:www-data . /var/www/html
EXPOSE 80
