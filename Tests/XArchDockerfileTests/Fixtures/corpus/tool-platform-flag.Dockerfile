FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir --platform manylinux2014_x86_64 --only-binary=:all: --target /app/deps -r requirements.txt
COPY . .
ENV PYTHONPATH=/app/deps
CMD ["python", "main.py"]
