"""A small FastAPI app for Slipway's detection tests."""

import os

import uvicorn
from fastapi import FastAPI

app = FastAPI(title="fastapi-app")


@app.get("/")
def index():
    return {"message": "Hello from fastapi-app", "version": os.environ.get("APP_VERSION", "1")}


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


if __name__ == "__main__":
    uvicorn.run(app, host="0.0.0.0", port=8000)
