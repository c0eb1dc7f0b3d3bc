"""A small Flask app: Slipway's tests build it into an image and run it."""

import os

from flask import Flask, jsonify

app = Flask(__name__)


def version():
    return os.environ.get("APP_VERSION", "1")


@app.route("/")
def index():
    return (
        "<!doctype html><html><head><title>flask-app</title></head>"
        f"<body><h1>Hello from flask-app</h1><p>version {version()}</p></body></html>"
    )


@app.route("/health")
def health():
    return jsonify(status="ok", version=version())


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", 5000)))
