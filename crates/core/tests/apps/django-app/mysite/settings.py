"""Minimal settings for Slipway's detection tests."""
import os

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-test-only")
DEBUG = False
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "*").split(",")
INSTALLED_APPS = []
MIDDLEWARE = []
ROOT_URLCONF = "mysite.urls"
WSGI_APPLICATION = "mysite.wsgi.application"
DATABASES = {}
USE_TZ = True
