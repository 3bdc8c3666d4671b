FROM python:3.11-slim-bookworm
RUN pip install --no-cache-dir https://example.com/wheels/fastlib-2.1.0-cp311-cp311-manylinux_2_17_x86_64.whl
COPY app.py /app/app.py
CMD ["python", "/app/app.py"]
