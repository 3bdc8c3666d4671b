# An image for one board: everything is arm64 on purpose.
FROM --platform=linux/arm64 debian:bookworm AS firmware
RUN apt-get update && apt-get install -y --no-install-recommends raspi-firmware

FROM --platform=linux/arm64 debian:bookworm-slim AS rootfs
COPY --from=firmware /usr/lib/raspi-firmware /boot/firmware

FROM rootfs AS board
RUN --mount=type=bind,from=firmware,source=/etc/default,target=/mnt/defaults cp /mnt/defaults/raspi-firmware /etc/default/
CMD ["/bin/sh"]
